"""The shape heap of one graph function as `VMShapeLower` plans it: slots and shape functions.

Every symbolic size variable, and every composite size expression (``n * m``, ``n + 1``) a
function needs at run time, gets one int64 slot of the heap that ``vm.builtin.alloc_shape_heap``
makes per call. Variables are stored into their slots by ``vm.builtin.match_shape`` (or
``shape_heap_store``); composite expressions are computed by *shape functions*: small generated
prim_funcs, compiled with the kernels, that read their operands from the heap and write the
results back (the heap is an int64 buffer argument). This is TVM's design, chosen over
interpreting expressions in Python builtins because a shape function is one native call however
many expressions it computes, and because it reuses the whole TIR pipeline (simplification,
codegen, argument checks) instead of a second evaluator.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from loom.ir import DataType, Map, dtype
from loom.ir.node import Node, child_fields
from loom.ir.tir import (
    AssertStmt,
    BufferStore,
    Cast,
    Evaluate,
    IntImm,
    PrimExpr,
    PrimFunc,
    Stmt,
    Var,
    const,
    decl_buffer,
    seq,
)
from loom.ir.tir.arith import free_vars, substitute

_INT64 = dtype("int64")


def expr_key(expr: PrimExpr) -> Hashable:
    """A hashable key equal for two expressions that compute the same thing from the same vars.

    Unlike `structural_equal`, free variables compare by identity (``n * 2`` and ``m * 2``
    differ), which is what a slot needs.
    """
    if isinstance(expr, Var):
        return ("var", id(expr))
    if isinstance(expr, IntImm):
        return ("int", str(expr.dtype), expr.value)
    parts: list[Hashable] = [type(expr).__name__, str(expr.dtype)]
    for name in child_fields(type(expr)):
        value = getattr(expr, name)
        if isinstance(value, PrimExpr):
            parts.append(expr_key(value))
        elif isinstance(value, tuple):
            parts.append(tuple(expr_key(v) if isinstance(v, PrimExpr) else _leaf(v) for v in value))
        else:
            parts.append(_leaf(value))
    return tuple(parts)


def _leaf(value: object) -> Hashable:
    if isinstance(value, Node):
        return ("node", id(value))
    if isinstance(value, DataType):
        return str(value)
    return value if isinstance(value, Hashable) else repr(value)


def is_constant(expr: PrimExpr) -> bool:
    """Whether `expr` is an integer constant (needs no slot)."""
    return isinstance(expr, IntImm)


@dataclass
class ShapeCheck:
    """An assertion a shape function makes: `cond` over heap values, failing with `message`."""

    cond: PrimExpr
    message: str


@dataclass
class HeapLayout:
    """The slots of one function's heap: one per variable and per composite expression."""

    slots: dict[Hashable, int] = field(default_factory=dict)
    exprs: list[PrimExpr] = field(default_factory=list)

    def slot(self, expr: PrimExpr) -> int:
        """The slot of `expr` (a variable or composite expression), allocated on first use."""
        key = expr_key(expr)
        index = self.slots.get(key)
        if index is None:
            index = self.slots[key] = len(self.exprs)
            self.exprs.append(expr)
        return index

    @property
    def size(self) -> int:
        """How many slots the heap needs."""
        return len(self.exprs)


def build_shape_func(
    name: str,
    layout: HeapLayout,
    computed: Sequence[PrimExpr],
    checks: Sequence[ShapeCheck],
) -> PrimFunc:
    """A prim_func over the heap that checks `checks`, then stores each of `computed`.

    Variables in the expressions read their slots (every one must already hold its value); each
    computed expression is written to its own slot. The heap's length is a parameter of the
    buffer, so one shape function fits any heap size.
    """
    size = Var("heap_size", _INT64)
    heap = decl_buffer((size,), _INT64, "H")
    param = Var("var_H", "handle")

    def load(expr: PrimExpr) -> PrimExpr:
        mapping: dict[Var, PrimExpr] = {}
        for var in free_vars(expr):
            value: PrimExpr = heap.load((const(layout.slot(var), _INT64),))
            mapping[var] = value if var.dtype == _INT64 else Cast(var.dtype, value)
        return substitute(expr, mapping)

    stores: list[Stmt] = []
    for expr in computed:
        value = load(expr)
        if value.dtype != _INT64:
            value = Cast(_INT64, value)
        stores.append(BufferStore(heap, value, (const(layout.slot(expr), _INT64),)))
    body: Stmt = seq(*stores) if stores else Evaluate(const(0, "int32"))
    for check in reversed(checks):
        body = AssertStmt(load(check.cond), check.message, body)
    return PrimFunc((param,), body, Map({param: heap}), Map({"global_symbol": name}))


__all__ = ["HeapLayout", "ShapeCheck", "build_shape_func", "expr_key", "is_constant"]
