"""VMShapeLower: make symbolic shapes concrete at run time (graph lowering, just before codegen).

Each graph function gets a shape heap (`vm_shape_heap`), then, in order:

- **Signature checks.** Every parameter is checked against its struct info with
  ``vm.builtin.check_tensor_info`` (and the shape/tuple/prim/func variants), naming the function
  and the parameter; ``vm.builtin.match_shape`` stores each symbolic size at its first
  occurrence and compares every later one, so the same ``n`` given two different values is an
  error that names both the parameter and ``n``.
- **Computed sizes.** Composite sizes (``n * m``) are computed into their own slots by a
  generated shape function (a prim_func called with the heap) as soon as their variables are
  known: after the parameters and after each ``match_cast`` that defines new sizes. A composite
  size in a signature (``x: R.Tensor((n * 2,))``) is stored first, then compared in a second
  ``match_shape`` once it has been computed.
- **match_cast.** The value is checked like a parameter; the binding stays (it still defines the
  sizes for the static struct info) but its check has now been emitted, which the function's
  ``vm.shape_lowered`` attribute records for the bytecode compiler.
- **Values.** A shape value with symbolic sizes becomes ``vm.builtin.make_shape`` of heap slots;
  a symbolic prim value becomes ``vm.builtin.shape_heap_load``. Constant ones stay as they are.

Checks and builtin calls have effects (they raise), so the input must have left dataflow form
(`ToNonDataflow`) first; a dataflow block is reported as a `PassError`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from loom.ir import GlobalVar, IRModule, PassError
from loom.ir.graph import (
    Binding,
    BindingBlock,
    Call,
    Constant,
    DataflowBlock,
    Expr,
    ExternFunc,
    FuncStructInfo,
    Function,
    If,
    MatchCast,
    Normalizer,
    ObjectStructInfo,
    PrimStructInfo,
    PrimValue,
    SeqExpr,
    ShapeExpr,
    ShapeStructInfo,
    StringImm,
    StructInfo,
    TensorStructInfo,
    Tuple,
    TupleGetItem,
    TupleStructInfo,
    Var,
    VarBinding,
)
from loom.ir.graph.infer.shape import dim_text
from loom.ir.node import replace
from loom.ir.tir import IntImm, PrimExpr, const, eq
from loom.ir.tir import Var as SizeVar
from loom.ir.tir.arith import free_vars

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import canonical_blocks
from .vm_shape_heap import HeapLayout, ShapeCheck, build_shape_func, expr_key, is_constant

LOWERED_ATTR = "vm.shape_lowered"
"""Function attribute set by `VMShapeLower`: its run-time checks are in the code."""

_BUILTIN = "vm.builtin."
_HEAP_SINFO = TensorStructInfo(None, "int64", 1)
_UNIT = TupleStructInfo(())


@dataclass(frozen=True)
class VMShapeLower(Pass):
    """Lower symbolic shapes to shape-heap operations and emit the run-time checks.

    Adds one shape function per stage that computes sizes (named ``shape_func_<function>``,
    deduplicated). Functions already lowered (``vm.shape_lowered``) are left alone.
    """

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Lower every graph function of `mod`."""
        out = mod
        for gv, func in mod.functions.items():
            if not isinstance(func, Function) or func.attrs.get(LOWERED_ATTR):
                continue
            lowering = _FunctionLowering(gv.name_hint, func, out)
            lowered = lowering.run()
            functions = out.functions
            for shape_gv, shape_func in lowering.shape_funcs:
                functions = functions.set(shape_gv, shape_func)
            out = IRModule(functions.set(gv, lowered), out.attrs, span=out.span)
        return out


@dataclass
class _Scope:
    """What holds at one point of a function: slots with values, values already materialized.

    A branch of an `If` works on a copy: sizes it defines are unknown after it.
    """

    known: set[Hashable] = field(default_factory=set)
    values: dict[Hashable, Expr] = field(default_factory=dict)
    pending: list[ShapeCheck] = field(default_factory=list)

    def child(self) -> _Scope:
        return _Scope(set(self.known), dict(self.values), list(self.pending))


@dataclass
class _Deferred:
    """A match whose pattern has composite sizes: compared again once they are computed."""

    value: Expr
    sizes: tuple[PrimExpr, ...]
    err_ctx: str


class _FunctionLowering:
    """Lowers one graph function; see the module docstring."""

    def __init__(self, name: str, func: Function, module: IRModule):
        self.name = name
        self.func = func
        self.module = module
        self.layout = HeapLayout()
        self.normalizer = Normalizer(module)
        self.shape_funcs: list[tuple[GlobalVar, Any]] = []
        self.composites = _Composites.of(func)
        self.heap: Expr = (
            Var("shape_heap", _HEAP_SINFO)
            if self.composites.needs_heap
            else Constant(np.zeros(0, np.int64))  # constant sizes only: match_shape reads no slot
        )
        self.out: list[Binding] = []

    # -- structure ---------------------------------------------------------------------------

    def run(self) -> Function:
        func = self.func
        scope = _Scope()
        entry: list[Binding] = []
        self.out = entry
        deferred: list[_Deferred] = []
        for p in func.params:
            self.match(p, p.struct_info, f"{self.name}: argument {p.name_hint}", scope, deferred)
        self.stage(scope, deferred)
        body = self.seq(func.body, scope)
        if isinstance(self.heap, Var):
            alloc = self.call("alloc_shape_heap", [_int(self.layout.size)], _HEAP_SINFO)
            entry.insert(0, VarBinding(self.heap, alloc))
        if entry:
            blocks = canonical_blocks((BindingBlock(tuple(entry)), *body.blocks))
            body = SeqExpr(blocks, body.body, span=body.span)
        return replace(func, body=body, attrs=func.attrs.set(LOWERED_ATTR, True))

    def seq(self, seq: SeqExpr, scope: _Scope) -> SeqExpr:
        blocks = [self.block(block, scope) for block in seq.blocks]
        tail: list[Binding] = []
        saved, self.out = self.out, tail
        body = self.value(seq.body, scope)
        self.out = saved
        if tail:
            blocks.append(BindingBlock(tuple(tail)))
        return SeqExpr(canonical_blocks(blocks), body, span=seq.span)

    def block(self, block: BindingBlock, scope: _Scope) -> BindingBlock:
        if isinstance(block, DataflowBlock):
            raise PassError(
                f"VMShapeLower: function {self.name} still has a dataflow block; its run-time "
                "checks have effects, so run ToNonDataflow first"
            )
        out: list[Binding] = []
        saved, self.out = self.out, out
        for b in block.bindings:
            if isinstance(b, MatchCast):
                self.match_cast(b, scope)
            elif isinstance(b.value, If):
                out.append(replace(b, value=self.if_(b.value, scope)))
            elif isinstance(b.value, SeqExpr):
                out.append(replace(b, value=self.seq(b.value, scope.child())))
            else:
                out.append(replace(b, value=self.value(b.value, scope)))
        self.out = saved
        return replace(block, bindings=tuple(out))

    def if_(self, node: If, scope: _Scope) -> If:
        cond = self.value(node.cond, scope)
        t = self.seq(node.true_branch, scope.child())
        f = self.seq(node.false_branch, scope.child())
        return If(cond, t, f, struct_info=node.struct_info, span=node.span)

    def match_cast(self, b: MatchCast, scope: _Scope) -> None:
        value = self.value(b.value, scope)
        deferred: list[_Deferred] = []
        static = getattr(value, "struct_info", None)
        err_ctx = f"{self.name}: match_cast of {b.var.name_hint}"
        self.match(value, b.struct_info, err_ctx, scope, deferred, static)
        self.stage(scope, deferred)
        self.out.append(replace(b, value=value))

    # -- checks ------------------------------------------------------------------------------

    def match(
        self,
        value: Expr,
        sinfo: StructInfo,
        err_ctx: str,
        scope: _Scope,
        deferred: list[_Deferred],
        static: StructInfo | None = None,
    ) -> None:
        """Emit the checks that `value` has `sinfo`, storing the sizes it defines.

        `static` is what is known of `value` at compile time (None for a parameter, whose
        annotation is exactly what must be checked); checks it proves are left out.
        """
        if isinstance(sinfo, TensorStructInfo):
            dt = "" if sinfo.dtype is None else str(sinfo.dtype)
            if not (
                isinstance(static, TensorStructInfo)
                and sinfo.ndim in (-1, static.ndim)
                and (sinfo.dtype is None or sinfo.dtype == static.dtype)
            ):
                self.check("check_tensor_info", [value, _int(sinfo.ndim), _str(dt)], err_ctx)
            if sinfo.values:
                self.match_sizes(value, sinfo.values, err_ctx, scope, deferred)
        elif isinstance(sinfo, ShapeStructInfo):
            if not (isinstance(static, ShapeStructInfo) and sinfo.ndim in (-1, static.ndim)):
                self.check("check_shape_info", [value, _int(sinfo.ndim)], err_ctx)
            if sinfo.values:
                self.match_sizes(value, sinfo.values, err_ctx, scope, deferred)
        elif isinstance(sinfo, PrimStructInfo):
            dt = "" if sinfo.dtype is None else str(sinfo.dtype)
            if not (isinstance(static, PrimStructInfo) and static.dtype == sinfo.dtype):
                self.check("check_prim_info", [value, _str(dt)], err_ctx)
            if sinfo.value is not None:
                self.match_prim(value, sinfo.value, err_ctx, scope)
        elif isinstance(sinfo, TupleStructInfo):
            n = len(sinfo.fields)
            fields = static.fields if isinstance(static, TupleStructInfo) else None
            if fields is None or len(fields) != n:
                self.check("check_tuple_info", [value, _int(n)], err_ctx)
                fields = None
            for i, field_sinfo in enumerate(sinfo.fields):
                if isinstance(field_sinfo, ObjectStructInfo):
                    continue
                item = self.bind(TupleGetItem(value, i), f"{_hint(value)}_{i}")
                inner = None if fields is None else fields[i]
                self.match(item, field_sinfo, f"{err_ctx}[{i}]", scope, deferred, inner)
        elif isinstance(sinfo, FuncStructInfo) and not isinstance(static, FuncStructInfo):
            self.check("check_func_info", [value], err_ctx)

    def match_sizes(
        self,
        value: Expr,
        sizes: tuple[PrimExpr, ...],
        err_ctx: str,
        scope: _Scope,
        deferred: list[_Deferred],
    ) -> None:
        """``match_shape`` of `value` against `sizes`: store new variables, compare the rest."""
        pairs: list[Expr] = []
        composite = False
        for size in sizes:
            key = expr_key(size)
            if isinstance(size, IntImm):
                pairs += [_int(0), _int(size.value)]
            elif key in scope.known:
                pairs += [_int(2), _int(self.layout.slot(size))]
            else:
                # A new variable is defined here; a composite size is stored into its own slot
                # for now and compared once it is computed (see `stage`).
                pairs += [_int(1), _int(self.layout.slot(size))]
                if isinstance(size, SizeVar):
                    scope.known.add(key)
                else:
                    composite = True
        self.check("match_shape", [value, self.heap, _int(len(sizes)), *pairs], err_ctx, sizes)
        if composite:
            deferred.append(_Deferred(value, sizes, err_ctx))

    def match_prim(self, value: Expr, expected: PrimExpr, err_ctx: str, scope: _Scope) -> None:
        """Store a prim value's variable, or check the value against a known size."""
        key = expr_key(expected)
        if isinstance(expected, SizeVar) and key not in scope.known:
            self.emit_call("shape_heap_store", [self.heap, _int(self.layout.slot(expected)), value])
            scope.known.add(key)
            return
        got = SizeVar(f"{_hint(value)}_value", expected.dtype)
        self.emit_call("shape_heap_store", [self.heap, _int(self.layout.slot(got)), value])
        scope.known.add(expr_key(got))
        message = f"{err_ctx}: expected the value {dim_text(expected)}"
        scope.pending.append(ShapeCheck(eq(got, expected), message))

    def stage(self, scope: _Scope, deferred: list[_Deferred]) -> None:
        """Compute the composite sizes that just became computable; finish deferred matches."""
        ready = [
            e
            for e in self.composites.exprs
            if expr_key(e) not in scope.known
            and all(expr_key(v) in scope.known for v in free_vars(e))
        ]
        checks = [
            c for c in scope.pending if all(expr_key(v) in scope.known for v in free_vars(c.cond))
        ]
        if ready or checks:
            gv = self.new_shape_func(ready, checks)
            self.bind(Call(gv, (self.heap,), struct_info=_UNIT), "_")
            scope.known.update(expr_key(e) for e in ready)
            scope.pending = [c for c in scope.pending if c not in checks]
        for d in deferred:
            pairs: list[Expr] = []
            for size in d.sizes:
                if isinstance(size, IntImm):
                    pairs += [_int(0), _int(size.value)]
                else:
                    pairs += [_int(2), _int(self.layout.slot(size))]
            args = [d.value, self.heap, _int(len(d.sizes)), *pairs]
            self.check("match_shape", args, d.err_ctx, d.sizes)

    def new_shape_func(self, exprs: list[PrimExpr], checks: list[ShapeCheck]) -> GlobalVar:
        taken = {gv.name_hint for gv in self.module.functions}
        taken.update(gv.name_hint for gv, _ in self.shape_funcs)
        name, i = f"shape_func_{self.name}", 0
        while name in taken:
            i += 1
            name = f"shape_func_{self.name}_{i}"
        gv = GlobalVar(name)
        self.shape_funcs.append((gv, build_shape_func(name, self.layout, exprs, checks)))
        return gv

    # -- values ------------------------------------------------------------------------------

    def value(self, expr: Any, scope: _Scope) -> Any:
        """`expr` with its symbolic shape and prim values replaced by heap reads."""
        if isinstance(expr, ShapeExpr):
            return self.shape_value(expr, scope)
        if isinstance(expr, PrimValue):
            return self.prim_value(expr, scope)
        if isinstance(expr, Tuple):
            fields = tuple(self.value(f, scope) for f in expr.fields)
            if all(a is b for a, b in zip(fields, expr.fields, strict=True)):
                return expr
            return self.normalizer.normalize(Tuple(fields, span=expr.span))
        if isinstance(expr, Call):
            args = tuple(self.value(a, scope) for a in expr.args)
            if all(a is b for a, b in zip(args, expr.args, strict=True)):
                return expr
            return self.normalizer.normalize(replace(expr, args=args, struct_info=None))
        if isinstance(expr, Function):
            raise PassError(
                f"VMShapeLower: function {self.name} defines a nested function, which the VM "
                "does not support yet (lift it to a module function)"
            )
        if isinstance(expr, If | SeqExpr):
            raise PassError(f"VMShapeLower: {type(expr).__name__} is not a leaf value here")
        return expr

    def shape_value(self, shape: ShapeExpr, scope: _Scope) -> Expr:
        if all(is_constant(v) for v in shape.values):
            return shape
        key = ("shape", *(expr_key(v) for v in shape.values))
        cached = scope.values.get(key)
        if cached is not None:
            return cached
        pairs: list[Expr] = []
        for v in shape.values:
            if isinstance(v, IntImm):
                pairs += [_int(0), _int(v.value)]
            else:
                pairs += [_int(1), _int(self.computed_slot(v, scope))]
        args = [self.heap, _int(len(shape.values)), *pairs]
        var = self.bind(self.call("make_shape", args, ShapeStructInfo(shape.values)), "shape")
        scope.values[key] = var
        return var

    def prim_value(self, prim: PrimValue, scope: _Scope) -> Expr:
        value = prim.value
        if not free_vars(value):
            return prim
        if not (value.dtype.is_integer or value.dtype.is_bool):
            raise PassError(
                f"VMShapeLower: function {self.name} computes the {value.dtype} value "
                f"{dim_text(value)} from sizes; only integer and bool sizes are supported"
            )
        key = ("prim", expr_key(value))
        cached = scope.values.get(key)
        if cached is not None:
            return cached
        slot = self.computed_slot(value, scope)
        load = self.call("shape_heap_load", [self.heap, _int(slot)], PrimStructInfo(value=value))
        var = self.bind(load, "size")
        scope.values[key] = var
        return var

    def computed_slot(self, size: PrimExpr, scope: _Scope) -> int:
        key = expr_key(size)
        if key not in scope.known:
            raise PassError(
                f"VMShapeLower: function {self.name} uses the size {dim_text(size)} where it "
                "is not known (is a symbolic variable used before a parameter or match_cast "
                "defines it?)"
            )
        return self.layout.slot(size)

    # -- emission ----------------------------------------------------------------------------

    def call(self, builtin: str, args: list[Any], sinfo: StructInfo) -> Call:
        callee = ExternFunc(_BUILTIN + builtin)
        return Call(callee, tuple(args), sinfo_args=(sinfo,), struct_info=sinfo)

    def emit_call(self, builtin: str, args: list[Any]) -> None:
        self.bind(self.call(builtin, args, _UNIT), "_")

    def check(
        self, builtin: str, args: list[Any], err_ctx: str, sizes: tuple[PrimExpr, ...] = ()
    ) -> None:
        """Emit a check builtin; `sizes` name the dimensions in its error messages."""
        if sizes:
            names = ["" if isinstance(s, IntImm) else dim_text(s) for s in sizes]
            err_ctx = "|".join([err_ctx, *names])
        self.emit_call(builtin, [*args, _str(err_ctx)])

    def bind(self, value: Expr, hint: str) -> Var:
        sinfo = value.struct_info
        assert sinfo is not None, "emitted values carry their struct info"
        var = Var(hint, sinfo)
        self.out.append(VarBinding(var, value))
        return var


@dataclass
class _Composites:
    """The composite sizes a function needs at run time, and whether it needs a heap at all."""

    exprs: list[PrimExpr]
    needs_heap: bool

    @staticmethod
    def of(func: Function) -> _Composites:
        found: dict[Hashable, PrimExpr] = {}
        symbolic = False

        def size(e: PrimExpr) -> None:
            nonlocal symbolic
            if is_constant(e):
                return
            symbolic = True
            if not isinstance(e, SizeVar):
                found.setdefault(expr_key(e), e)

        def pattern(s: StructInfo) -> None:
            nonlocal symbolic
            if isinstance(s, TensorStructInfo | ShapeStructInfo) and s.values is not None:
                for v in s.values:
                    size(v)
            elif isinstance(s, PrimStructInfo) and s.value is not None:
                symbolic = True  # compared through a heap slot, even when constant
                if not isinstance(s.value, SizeVar) and not is_constant(s.value):
                    found.setdefault(expr_key(s.value), s.value)
            elif isinstance(s, TupleStructInfo):
                for f in s.fields:
                    pattern(f)

        def expr(e: Any) -> None:
            if isinstance(e, ShapeExpr):
                for v in e.values:
                    size(v)
            elif isinstance(e, PrimValue):
                if free_vars(e.value):
                    size(e.value)
            elif isinstance(e, Tuple):
                for f in e.fields:
                    expr(f)
            elif isinstance(e, Call):
                for a in e.args:
                    expr(a)
            elif isinstance(e, If):
                expr(e.cond)
                seq(e.true_branch)
                seq(e.false_branch)
            elif isinstance(e, SeqExpr):
                seq(e)

        def seq(s: SeqExpr) -> None:
            for block in s.blocks:
                for b in block.bindings:
                    if isinstance(b, MatchCast):
                        pattern(b.struct_info)
                    expr(b.value)
            expr(s.body)

        for p in func.params:
            pattern(p.struct_info)
        seq(func.body)
        return _Composites(list(found.values()), symbolic)


def _int(value: int) -> PrimValue:
    return PrimValue(const(value, "int64"))


def _str(value: str) -> StringImm:
    return StringImm(value)


def _hint(value: Any) -> str:
    return value.name_hint if isinstance(value, Var) else "value"


__all__ = ["LOWERED_ATTR", "VMShapeLower"]
