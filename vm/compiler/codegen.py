"""The bytecode compiler: lowered graph functions to VM instructions (the last step of compile).

Input: a module after the graph lowering pipeline, whose graph functions call only kernels
(prim_funcs called directly), packed functions (``vm.builtin.*`` and user functions), other
graph functions, closures and the memory ops; whose shapes were lowered by `VMShapeLower`.
Each graph function becomes one `VMFunction`, each prim_func a kernel entry, each packed function
an extern entry. Register allocation is one register per variable (a variable bound to a
variable or a constant shares its operand; no instruction); params take registers ``0..n-1``.

The mapping (the VM contract): op ``memory.alloc_storage`` -> ``vm.builtin.alloc_storage``,
``memory.alloc_tensor`` -> ``vm.builtin.alloc_tensor``, ``builtin.alloc_tensor`` ->
``vm.builtin.alloc_tensor_direct``, ``memory.kill_*`` -> the killed register is reset to null
(so the memory is freed), ``shape_of`` -> ``vm.builtin.shape_of``; a call of a prim_func -> a
kernel call; of a graph function -> a VM call; of an `ExternFunc` -> a packed call; of a variable
-> ``vm.builtin.invoke_closure``; `Tuple` -> ``make_tuple``, `TupleGetItem` -> ``tuple_getitem``;
`If` -> ``read_if_cond`` + ``If``/``Goto``; constants, constant shapes and strings -> the
constant pool; constant integers -> immediates.
"""

from __future__ import annotations

from typing import Any

from loom.ffi import Module, Shape
from loom.ir import GlobalVar, IRModule
from loom.ir.graph import (
    BindingBlock,
    Call,
    Constant,
    ExternFunc,
    Function,
    If,
    MatchCast,
    Op,
    PrimValue,
    SeqExpr,
    ShapeExpr,
    StringImm,
    Tuple,
    TupleGetItem,
    Var,
)
from loom.ir.tir import FloatImm, IntImm, PrimFunc

from ..assembler import ExecutableBuilder, FunctionAssembler
from ..errors import VMError
from ..executable import Executable
from ..isa import Arg, Reg

SHAPE_LOWERED_ATTR = "vm.shape_lowered"
"""The function attribute `loom.transform.graph.VMShapeLower` sets once it has emitted a
function's run-time checks. The compiler requires it: a `MatchCast` compiles to nothing, its
check being already in the code, which holds only after that pass."""

_KILL_OPS = ("memory.kill_storage", "memory.kill_tensor")


class VMCodegenError(VMError):
    """The module is not in the form the bytecode compiler takes (a pipeline step is missing)."""


def vm_codegen(mod: IRModule, kernels: Module | None = None) -> Executable:
    """Compile the graph functions of `mod` to an `Executable` whose kernels are `kernels`.

    `kernels` is the runtime module built from the prim_funcs of `mod` (``loom.build``), named
    as in `mod`; None when there are none.
    """
    b = ExecutableBuilder()
    graph = [(gv, f) for gv, f in mod.functions.items() if isinstance(f, Function)]
    if not graph:
        raise VMCodegenError("the module has no graph function to compile")
    for gv, func in graph:
        b.declare(gv.name_hint, [p.name_hint for p in func.params])
    for gv, func in graph:
        _FunctionCompiler(b, gv.name_hint, func, mod).compile()
    return b.build(kernels)


class _FunctionCompiler:
    """Compiles one graph function; `operands` maps each bound variable to its operand."""

    def __init__(self, b: ExecutableBuilder, name: str, func: Function, mod: IRModule):
        self.b = b
        self.name = name
        self.func = func
        self.mod = mod
        self.f: FunctionAssembler = b.function(name, [p.name_hint for p in func.params])
        self.operands: dict[int, Arg] = {id(p): r for p, r in zip(func.params, self.f.params)}
        self.targets: dict[int, Reg] = {}  # variables whose value must land in a given register

    def fail(self, message: str) -> VMCodegenError:
        return VMCodegenError(f"VM codegen of {self.name}: {message}")

    def compile(self) -> None:
        if not self.func.attrs.get(SHAPE_LOWERED_ATTR):
            raise self.fail(
                "the function has not been through VMShapeLower, so its signature and "
                "match_cast checks are missing (compile with loom.compile or run the "
                "default pipeline first)"
            )
        result = self.seq(self.func.body)
        self.f.ret(self.register(result))

    # -- structure ---------------------------------------------------------------------------

    def seq(self, seq: SeqExpr, dst: Reg | None = None) -> Arg:
        """Run `seq`'s blocks; its result is computed into `dst` where it is computed here."""
        for block in seq.blocks:
            self.block(block)
        return self.value(seq.body, dst)

    def block(self, block: BindingBlock) -> None:
        for binding in block.bindings:
            var, value = binding.var, binding.value
            if isinstance(binding, MatchCast):
                # VMShapeLower emitted the checks just before; the variable is the value.
                self.operands[id(var)] = self.operand(value)
            elif isinstance(value, If):
                self.operands[id(var)] = self.if_(value, self.targets.pop(id(var), None))
            elif isinstance(value, SeqExpr):
                self.operands[id(var)] = self.seq(value)
            else:
                self.operands[id(var)] = self.value(value, self.targets.pop(id(var), None))

    def if_(self, node: If, dst: Reg | None) -> Reg:
        dst = dst or self.f.reg()
        cond = self.f.builtin("read_if_cond", self.operand(node.cond))
        otherwise, end = self.f.label(), self.f.label()
        self.f.if_false(cond, otherwise)
        self.branch(node.true_branch, dst)
        self.f.goto(end)
        self.f.bind(otherwise)
        self.branch(node.false_branch, dst)
        self.f.bind(end)
        return dst

    def branch(self, seq: SeqExpr, dst: Reg) -> None:
        body = seq.body
        if isinstance(body, Var) and _binds(seq, body):
            self.targets[id(body)] = dst  # computed straight into the result register
        result = self.seq(seq, dst)
        if result != dst:
            self.move(result, dst)

    # -- values ------------------------------------------------------------------------------

    def value(self, value: Any, dst: Reg | None) -> Arg:
        """Emit the computation of a bound value; return its operand."""
        if isinstance(value, Call):
            return self.call(value, dst)
        if isinstance(value, Tuple):
            fields = [self.operand(f) for f in value.fields]
            return self.f.builtin("make_tuple", *fields, dst=dst)
        if isinstance(value, TupleGetItem):
            return self.f.builtin(
                "tuple_getitem", self.operand(value.tuple_value), value.index, dst=dst
            )
        if isinstance(value, Function):
            raise self.fail("nested functions (closures) are not supported yet")
        return self.operand(value)

    def call(self, call: Call, dst: Reg | None) -> Reg:
        op = call.op
        args = [self.operand(a) for a in call.args]
        if isinstance(op, Op):
            return self.op_call(call, op, args, dst)
        if isinstance(op, ExternFunc):
            return self.f.call(op.global_symbol, *args, dst=dst)
        if isinstance(op, GlobalVar):
            callee = self.mod[op.name_hint]
            if isinstance(callee, PrimFunc):
                return self.f.kernel(op.name_hint, *args, dst=dst)
            if isinstance(callee, Function):
                return self.f.call(op.name_hint, *args, dst=dst)
            raise self.fail(f"cannot call {op.name_hint}, a {type(callee).__name__}")
        return self.f.builtin("invoke_closure", self.operand(op), *args, dst=dst)

    def op_call(self, call: Call, op: Op, args: list[Arg], dst: Reg | None) -> Reg:
        attrs = call.attrs
        name = op.name
        if name == "builtin.alloc_tensor":
            dtype, device = str(attrs["dtype"]), attrs["runtime_device_index"]
            return self.f.builtin("alloc_tensor_direct", args[0], dtype, device, dst=dst)
        if name == "memory.alloc_storage":
            # The size is a one-element shape (bytes), which the builtin takes as it is.
            size, device = args[0], attrs["virtual_device_index"]
            dtype, scope = str(attrs["dtype"]), attrs["storage_scope"]
            return self.f.builtin("alloc_storage", size, device, dtype, scope, dst=dst)
        if name == "memory.alloc_tensor":
            storage, offset, shape = args
            dtype = str(attrs["dtype"])
            return self.f.builtin("alloc_tensor", storage, offset, shape, dtype, dst=dst)
        if name in _KILL_OPS:
            killed = args[0]
            if isinstance(killed, Reg):
                self.f.builtin("null_value", dst=killed)  # drop the reference: memory is freed
            return self.f.builtin("make_tuple", dst=dst)
        if name == "shape_of":
            return self.f.builtin("shape_of", args[0], dst=dst)
        raise self.fail(
            f"R.{name} reached the VM compiler: operators must be legalized (LegalizeOps) and "
            "call_dps lowered (LowerCallDPS) first"
        )

    def operand(self, value: Any) -> Arg:
        """The operand of a leaf value (a bound variable or a constant)."""
        if isinstance(value, Var):
            found = self.operands.get(id(value))
            if found is None:
                raise self.fail(f"variable {value.name_hint} is used before it is bound")
            return found
        if isinstance(value, Constant):
            return self.b.const(value.data)
        if isinstance(value, ShapeExpr):
            if not all(isinstance(v, IntImm) for v in value.values):
                raise self.fail(
                    f"the shape {value.values} has symbolic sizes; VMShapeLower turns those into "
                    "heap reads"
                )
            return self.b.const(Shape([v.value for v in value.values]))  # type: ignore[attr-defined]
        if isinstance(value, PrimValue):
            return self.prim(value)
        if isinstance(value, StringImm):
            return self.b.const(value.value)
        if isinstance(value, ExternFunc):
            return self.b.func(self.b.extern(value.global_symbol))
        if isinstance(value, GlobalVar):
            callee = self.mod[value.name_hint]
            index = self.b.kernel(value.name_hint) if isinstance(callee, PrimFunc) else None
            return self.b.func(index if index is not None else value.name_hint)
        if isinstance(value, Tuple | TupleGetItem):  # nested in an argument
            return self.value(value, None)
        raise self.fail(f"cannot compile a {type(value).__name__} as an operand")

    def prim(self, value: PrimValue) -> Arg:
        v = value.value
        if isinstance(v, IntImm):
            if v.dtype.is_bool:
                return self.b.const(bool(v.value))
            return self.b.operand(int(v.value))
        if isinstance(v, FloatImm):
            return self.b.const(float(v.value))
        raise self.fail(
            f"the prim value {v} is computed from sizes; VMShapeLower turns it into a heap read"
        )

    # -- registers ---------------------------------------------------------------------------

    def register(self, arg: Arg) -> Reg:
        """`arg` in a register (moving a constant or function operand into one)."""
        if isinstance(arg, Reg):
            return arg
        dst = self.f.reg()
        self.move(arg, dst)
        return dst

    def move(self, arg: Arg, dst: Reg) -> None:
        """``dst = arg``. The ISA has no move; a one-field tuple round trip is one, exactly."""
        box = self.f.builtin("make_tuple", arg)
        self.f.builtin("tuple_getitem", box, 0, dst=dst)


def _binds(seq: SeqExpr, var: Var) -> bool:
    """Whether `var` is bound by a call-like binding of `seq`'s own blocks."""
    return any(
        b.var is var and isinstance(b.value, Call | Tuple | TupleGetItem | If)
        for block in seq.blocks
        for b in block.bindings
        if not isinstance(b, MatchCast)
    )


__all__ = ["SHAPE_LOWERED_ATTR", "VMCodegenError", "vm_codegen"]
