"""Elementwise binary operators with numpy broadcasting over symbolic shapes.

Arithmetic keeps the operands' common dtype; comparisons and logical ops give bool tensors.
Each legalizes to one ``te.compute`` over the broadcast shape (see `lowering.broadcast_index`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...dtype import DataType, dtype
from ...span import Span
from ...tir import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    And,
    Or,
    PrimExpr,
    binary,
    const,
    floordiv,
    max_,
    min_,
    ne,
    pow_,
    unary,
)
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call, ShapeExpr
from ..infer import broadcast_shapes
from ..registry import InferContext, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .base import make_call, op_name, same_dtype, tensor_arg
from .lowering import broadcast_index, lower, result_shape, shape_analyzer

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

Scalar = Callable[[PrimExpr, PrimExpr], PrimExpr]


def _operand_dtype(call: Call, kind: str) -> DataType | None:
    """The operands' dtype, checked for `kind`: "numeric", "float", "any", or "logical"."""
    a, b = tensor_arg(call, 0), tensor_arg(call, 1)
    if kind == "logical":  # each operand is read as a truth value on its own
        return None
    t = same_dtype(call, [a, b])
    if t is None:
        return None
    if kind == "float" and not t.is_float:
        hint = "; R.floor_divide divides integers" if op_name(call) == "divide" else ""
        raise StructInfoError(f"R.{op_name(call)} needs float tensors, not {t}{hint}", call.span)
    if kind == "numeric" and t.is_bool:
        raise StructInfoError(f"R.{op_name(call)} needs numeric tensors, not bool", call.span)
    return t


def broadcast_result(call: Call, ctx: InferContext, dt: DataType | None) -> TensorStructInfo:
    """The broadcast of the tensor arguments' shapes, with dtype `dt`."""
    infos = [tensor_arg(call, i) for i in range(len(call.args))]
    if any(i.values is None for i in infos):
        ndims = [i.ndim for i in infos]
        return TensorStructInfo(None, dt, -1 if -1 in ndims else max(ndims))
    shape = infos[0].values
    assert shape is not None
    for info in infos[1:]:
        assert info.values is not None
        shape, checks = broadcast_shapes(shape, info.values, ctx.analyzer, ctx.span)
        ctx.checks.extend(checks)
    return TensorStructInfo(ShapeExpr(shape), dt)


def _infer(kind: str, result: str | None) -> Callable[[Call, InferContext], StructInfo]:
    def infer(call: Call, ctx: InferContext) -> StructInfo:
        t = _operand_dtype(call, kind)
        return broadcast_result(call, ctx, dtype(result) if result else t)

    return infer


def _legalize(scalar: Scalar) -> Callable[[BlockBuilder, Call], Call]:
    def legalize(bb: BlockBuilder, call: Call) -> Call:
        name = f"T_{op_name(call)}"

        def fn(a: Tensor, b: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
            analyzer = shape_analyzer(a.shape, b.shape, shape)

            def element(*i: PrimExpr) -> PrimExpr:
                x = a[broadcast_index(a, i, shape, analyzer)]
                y = b[broadcast_index(b, i, shape, analyzer)]
                return scalar(x, y)

            return compute(shape, element, name)

        return lower(bb, call, fn, call.args[0], call.args[1], shape=result_shape(call))

    return legalize


def _floor_divide(a: PrimExpr, b: PrimExpr) -> PrimExpr:
    return unary("floor", a / b) if a.dtype.is_float else floordiv(a, b)


def _truth(x: PrimExpr) -> PrimExpr:
    return x if x.dtype.is_bool else ne(x, const(0, x.dtype))


_OPS: dict[str, tuple[str, str | None, Scalar]] = {
    "add": ("numeric", None, lambda a, b: a + b),
    "subtract": ("numeric", None, lambda a, b: a - b),
    "multiply": ("numeric", None, lambda a, b: a * b),
    "divide": ("float", None, lambda a, b: a / b),
    "floor_divide": ("numeric", None, _floor_divide),
    "power": ("float", None, pow_),
    "maximum": ("numeric", None, max_),
    "minimum": ("numeric", None, min_),
    "equal": ("any", "bool", lambda a, b: binary(EQ, a, b)),
    "not_equal": ("any", "bool", lambda a, b: binary(NE, a, b)),
    "less": ("any", "bool", lambda a, b: binary(LT, a, b)),
    "less_equal": ("any", "bool", lambda a, b: binary(LE, a, b)),
    "greater": ("any", "bool", lambda a, b: binary(GT, a, b)),
    "greater_equal": ("any", "bool", lambda a, b: binary(GE, a, b)),
    "logical_and": ("logical", "bool", lambda a, b: binary(And, _truth(a), _truth(b))),
    "logical_or": ("logical", "bool", lambda a, b: binary(Or, _truth(a), _truth(b))),
}
for _name, (_kind, _result, _scalar) in _OPS.items():
    register_op(_name, infer=_infer(_kind, _result), num_args=2, legalize=_legalize(_scalar))


def _call(name: str, a: ArgExpr, b: ArgExpr, span: Span | None) -> Call:
    return make_call(name, (a, b), span=span)


def add(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a + b`` elementwise, broadcasting. Script: ``R.add(a, b)``."""
    return _call("add", a, b, span)


def subtract(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a - b`` elementwise, broadcasting. Script: ``R.subtract(a, b)``."""
    return _call("subtract", a, b, span)


def multiply(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a * b`` elementwise, broadcasting. Script: ``R.multiply(a, b)``."""
    return _call("multiply", a, b, span)


def divide(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a / b`` elementwise (float), broadcasting. Script: ``R.divide(a, b)``."""
    return _call("divide", a, b, span)


def floor_divide(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``floor(a / b)`` elementwise, broadcasting. Script: ``R.floor_divide(a, b)``."""
    return _call("floor_divide", a, b, span)


def power(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a ** b`` elementwise (float), broadcasting. Script: ``R.power(a, b)``."""
    return _call("power", a, b, span)


def maximum(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """The larger of `a` and `b` elementwise, broadcasting. Script: ``R.maximum(a, b)``."""
    return _call("maximum", a, b, span)


def minimum(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """The smaller of `a` and `b` elementwise, broadcasting. Script: ``R.minimum(a, b)``."""
    return _call("minimum", a, b, span)


def equal(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a == b`` elementwise (bool), broadcasting. Script: ``R.equal(a, b)``."""
    return _call("equal", a, b, span)


def not_equal(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a != b`` elementwise (bool), broadcasting. Script: ``R.not_equal(a, b)``."""
    return _call("not_equal", a, b, span)


def less(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a < b`` elementwise (bool), broadcasting. Script: ``R.less(a, b)``."""
    return _call("less", a, b, span)


def less_equal(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a <= b`` elementwise (bool), broadcasting. Script: ``R.less_equal(a, b)``."""
    return _call("less_equal", a, b, span)


def greater(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a > b`` elementwise (bool), broadcasting. Script: ``R.greater(a, b)``."""
    return _call("greater", a, b, span)


def greater_equal(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a >= b`` elementwise (bool), broadcasting. Script: ``R.greater_equal(a, b)``."""
    return _call("greater_equal", a, b, span)


def logical_and(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """Both nonzero, elementwise (bool), broadcasting. Script: ``R.logical_and(a, b)``."""
    return _call("logical_and", a, b, span)


def logical_or(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """Either nonzero, elementwise (bool), broadcasting. Script: ``R.logical_or(a, b)``."""
    return _call("logical_or", a, b, span)
