"""A small assembler for VM bytecode: build an `Executable` by naming things, not indices.

Used by tests and usable by the bytecode compiler::

    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    s = f.call("my.add", f.params[0], f.params[1])   # an extern (packed) function by name
    f.ret(s)
    ex = b.build()

Functions are referred to by name (VM functions declared with `declare`/`function`, others
become extern entries), kernels with `kernel(name)`; Python ints become immediates and other
Python values constants. Jumps target `Label`s that are resolved when the function is finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import VMError
from .executable import Executable, ExternFunction, FunctionEntry, KernelFunction, VMFunction
from .isa import BUILTIN_PREFIX, Arg, Call, ConstIdx, FuncIdx, Goto, If, Imm, Reg, Ret

if TYPE_CHECKING:
    from ..ffi import Module


class Label:
    """A jump target inside one function; `FunctionAssembler.bind` fixes its position."""

    __slots__ = ("position",)

    def __init__(self) -> None:
        self.position: int | None = None


class ExecutableBuilder:
    """Collects the function table and constant pool of an executable under construction."""

    def __init__(self) -> None:
        self._functions: list[FunctionEntry | None] = []
        self._names: dict[tuple[str, str], int] = {}
        self._params: dict[int, tuple[str, ...]] = {}
        self._bodies: dict[int, FunctionAssembler] = {}
        self._constants: list[Any] = []
        self._constant_keys: dict[Any, int] = {}

    def _entry(self, kind: str, name: str, entry: FunctionEntry | None) -> int:
        index = self._names.get((kind, name))
        if index is None:
            index = self._names[kind, name] = len(self._functions)
            self._functions.append(entry)
        return index

    def extern(self, name: str) -> int:
        """The table index of packed function `name` (added on first use)."""
        return self._entry("extern", name, ExternFunction(name))

    def kernel(self, name: str) -> int:
        """The table index of kernel `name` of the kernel library (added on first use)."""
        return self._entry("kernel", name, KernelFunction(name))

    def declare(self, name: str, params: Sequence[str]) -> int:
        """Reserve the table index of VM function `name` (so calls can precede its body)."""
        if ("extern", name) in self._names:
            raise VMError(
                f"{name!r} was called as a packed function before it was declared as a VM "
                "function: declare VM functions before assembling calls of them"
            )
        index = self._entry("vm", name, None)
        previous = self._params.setdefault(index, tuple(params))
        if previous != tuple(params):
            raise VMError(f"VM function {name!r} declared with params {previous} and {params}")
        return index

    def function(self, name: str, params: Sequence[str]) -> FunctionAssembler:
        """Start the body of VM function `name`."""
        index = self.declare(name, params)
        if index in self._bodies:
            raise VMError(f"VM function {name!r} already has a body")
        body = self._bodies[index] = FunctionAssembler(self, name, tuple(params))
        return body

    def callee(self, callee: str | int) -> int:
        """A table index: ints pass; names are VM functions if declared, else externs."""
        if isinstance(callee, int):
            return callee
        index = self._names.get(("vm", callee))
        return index if index is not None else self.extern(callee)

    def func(self, callee: str | int) -> FuncIdx:
        """An operand passing function `callee` as a value."""
        return FuncIdx(self.callee(callee))

    def const(self, value: Any) -> ConstIdx:
        """An operand for constant `value` (equal scalars share one entry)."""
        try:
            key: Any = (type(value), value)
            hash(key)
        except TypeError:
            key = ("id", id(value))
        index = self._constant_keys.get(key)
        if index is None:
            index = self._constant_keys[key] = len(self._constants)
            self._constants.append(value)
        return ConstIdx(index)

    def operand(self, value: Any) -> Arg:
        """An operand for `value`: operands pass, ints are immediates, the rest constants."""
        if isinstance(value, Reg | Imm | ConstIdx | FuncIdx):
            return value
        if type(value) is int:
            return Imm(value)
        return self.const(value)

    def build(self, kernels: Module | None = None) -> Executable:
        """Finish every function and make the (validated) `Executable`."""
        functions: list[FunctionEntry] = []
        for i, entry in enumerate(self._functions):
            if entry is None:
                body = self._bodies.get(i)
                if body is None:
                    name = next(n for (k, n), j in self._names.items() if j == i and k == "vm")
                    raise VMError(f"VM function {name!r} was declared but has no body")
                entry = body.finish()
            functions.append(entry)
        return Executable(functions, self._constants, kernels)


class FunctionAssembler:
    """Appends instructions to one VM function; registers are allocated as they are asked for."""

    def __init__(self, builder: ExecutableBuilder, name: str, params: tuple[str, ...]):
        self.builder, self.name = builder, name
        self.params: tuple[Reg, ...] = tuple(Reg(i) for i in range(len(params)))
        self._param_names = params
        self._num_registers = len(params)
        self._code: list[Any] = []
        self._jumps: list[tuple[int, Label]] = []

    def reg(self) -> Reg:
        """A fresh temporary register."""
        self._num_registers += 1
        return Reg(self._num_registers - 1)

    def call(self, callee: str | int, *args: Any, dst: Reg | None = None) -> Reg:
        """Append ``dst = call callee(args)``; return `dst` (a fresh register by default)."""
        dst = dst if dst is not None else self.reg()
        operands = tuple(self.builder.operand(a) for a in args)
        self._code.append(Call(dst.index, self.builder.callee(callee), operands))
        return dst

    def builtin(self, name: str, *args: Any, dst: Reg | None = None) -> Reg:
        """Append a call of ``vm.builtin.<name>``."""
        return self.call(BUILTIN_PREFIX + name, *args, dst=dst)

    def kernel(self, name: str, *args: Any, dst: Reg | None = None) -> Reg:
        """Append a call of kernel `name`."""
        return self.call(self.builder.kernel(name), *args, dst=dst)

    def ret(self, value: Reg) -> None:
        """Append ``ret value``."""
        self._code.append(Ret(value.index))

    def label(self) -> Label:
        """A new, unbound label."""
        return Label()

    def bind(self, label: Label) -> None:
        """Place `label` at the next instruction."""
        if label.position is not None:
            raise VMError(f"{self.name}: label bound twice")
        label.position = len(self._code)

    def goto(self, target: Label) -> None:
        """Append ``goto target``."""
        self._jumps.append((len(self._code), target))
        self._code.append(Goto)

    def if_false(self, cond: Reg, target: Label) -> None:
        """Append ``if cond else target``: fall through when true, jump to `target` when false."""
        self._jumps.append((len(self._code), target))
        self._code.append((If, cond.index))

    def finish(self) -> VMFunction:
        """Resolve the jumps and return the function."""
        code = list(self._code)
        for pc, label in self._jumps:
            if label.position is None:
                raise VMError(f"{self.name}: jump at instruction {pc} to a label never bound")
            offset = label.position - pc
            code[pc] = Goto(offset) if code[pc] is Goto else If(code[pc][1], offset)
        return VMFunction(self.name, self._param_names, self._num_registers, tuple(code))
