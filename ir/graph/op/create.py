"""Tensor creation: filled tensors, ranges, and triangles of a tensor.

zeros, ones and full take a shape; zeros_like, ones_like and full_like another tensor's shape;
arange makes a range; tril and triu zero the elements above or below a diagonal.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ...diagnostics import StructInfoError
from ...dtype import DataType
from ...dtype import dtype as to_dtype
from ...span import Span
from ...tir import FloatImm, IntImm, PrimExpr, Select, const, floordiv, max_, ne
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call, Constant, Expr, PrimValue, ShapeExpr
from ..infer import RuntimeCheck
from ..registry import InferContext, attr, register_op
from ..struct_info import PrimStructInfo, ShapeStructInfo, StructInfo, TensorStructInfo
from .axes import int_attr
from .base import make_call, op_name, tensor_arg
from .lowering import INDEX, cast, index, lower, result_info

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _out_dtype(call: Call, default: DataType | None) -> DataType | None:
    value = call.attrs["dtype"]
    return default if value is None else to_dtype(value)


def _fill(call: Call, i: int) -> TensorStructInfo:
    fill = tensor_arg(call, i)
    if fill.ndim not in (-1, 0):
        raise StructInfoError(
            f"R.{op_name(call)} fills with a scalar (a 0-d tensor), not a tensor of rank "
            f"{fill.ndim}",
            call.span,
        )
    return fill


def _infer_filled(call: Call, ctx: InferContext) -> StructInfo:
    """zeros, ones, full: the shape is argument 0."""
    shape = getattr(call.args[0], "struct_info", None)
    if not isinstance(shape, ShapeStructInfo):
        raise StructInfoError(f"R.{op_name(call)} takes its shape as a shape value", call.span)
    default = _fill(call, 1).dtype if op_name(call) == "full" else None
    dt = _out_dtype(call, default)
    if shape.values is None:
        return TensorStructInfo(None, dt, shape.ndim)
    return TensorStructInfo(ShapeExpr(shape.values), dt)


def _infer_like(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    default = _fill(call, 1).dtype if op_name(call) == "full_like" else x.dtype
    return TensorStructInfo(x.shape, _out_dtype(call, default), x.ndim)


def _legalize_filled(bb: BlockBuilder, call: Call) -> Call:
    info = result_info(call)
    dt: DataType = info.dtype  # type: ignore[assignment]
    name = op_name(call)
    if name.startswith("full"):

        def fn(fill: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
            return compute(shape, lambda *i: cast(fill[()], dt), f"T_{name}")

        return lower(bb, call, fn, call.args[1], shape=info.values)
    value = const(0 if name.startswith("zeros") else 1, dt)
    return lower(bb, call, lambda shape: compute(shape, lambda *i: value, f"T_{name}"), info.values)


# -- arange --------------------------------------------------------------------------------


def _bounds(call: Call) -> list[PrimExpr | None]:
    """start, end and step as expressions (None where only the dtype is known)."""
    out: list[PrimExpr | None] = []
    for i, role in enumerate(("start", "end", "step")):
        sinfo = getattr(call.args[i], "struct_info", None)
        if not isinstance(sinfo, PrimStructInfo):
            raise StructInfoError(f"R.arange takes {role} as a scalar value", call.span)
        if sinfo.dtype is not None and not (sinfo.dtype.is_integer or sinfo.dtype.is_float):
            raise StructInfoError(
                f"R.arange: {role} must be a number, not {sinfo.dtype}", call.span
            )
        out.append(sinfo.value)
    return out


def _arange_length(call: Call, ctx: InferContext) -> PrimExpr | None:
    start, end, step = _bounds(call)
    if start is None or end is None or step is None:
        return None
    if isinstance(step, IntImm | FloatImm) and step.value == 0:
        raise StructInfoError("R.arange: step must not be 0", call.span)
    known = [v.value for v in (start, end, step) if isinstance(v, IntImm | FloatImm)]
    if len(known) == 3:
        length = math.ceil((known[1] - known[0]) / known[2])
        return const(max(length, 0), INDEX)
    if any(v.dtype.is_float for v in (start, end, step)):
        return None  # a symbolic float range has no length we can write down
    start, end, step = (cast(v, INDEX) for v in (start, end, step))
    if not isinstance(step, IntImm):
        ctx.checks.append(RuntimeCheck(ne(step, index(0)), "R.arange: step must not be 0"))
    # ceil((end - start) / step) for either sign of step, and never negative.
    return ctx.analyzer.simplify(max_(index(0) - floordiv(start - end, step), index(0)))


def _infer_arange(call: Call, ctx: InferContext) -> StructInfo:
    dt = to_dtype(call.attrs["dtype"])
    if not (dt.is_integer or dt.is_float):
        raise StructInfoError(f"R.arange makes numbers, not {dt}", call.span)
    length = _arange_length(call, ctx)
    if length is None:
        return TensorStructInfo(None, dt, 1)
    return TensorStructInfo(ShapeExpr((length,)), dt)


def _legalize_arange(bb: BlockBuilder, call: Call) -> Call:
    info = result_info(call)
    dt: DataType = info.dtype  # type: ignore[assignment]
    start, _, step = _bounds(call)
    assert start is not None, "a known length needs known bounds"
    assert step is not None, "a known length needs known bounds"

    def fn(start: PrimExpr, step: PrimExpr, shape: tuple[PrimExpr, ...]) -> Tensor:
        return compute(shape, lambda i: cast(start, dt) + cast(i, dt) * cast(step, dt), "T_arange")

    return lower(bb, call, fn, start, step, shape=info.values)


# -- tril, triu ----------------------------------------------------------------------------


def _infer_triangle(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.ndim != -1 and x.ndim < 2:
        raise StructInfoError(
            f"R.{op_name(call)} needs a tensor of rank 2 or more, not {x.ndim}", call.span
        )
    return x


def _legalize_triangle(bb: BlockBuilder, call: Call) -> Call:
    k, lower_half = int_attr(call, "k") or 0, op_name(call) == "tril"

    def fn(x: Tensor) -> Tensor:
        def element(*i: PrimExpr) -> PrimExpr:
            row, col = i[-2], i[-1]
            keep = col - row <= k if lower_half else col - row >= k
            return Select(keep, x[i], const(0, x.dtype))

        return compute(x.shape, element, f"T_{op_name(call)}")

    return lower(bb, call, fn, call.args[0])


_DTYPE = {"dtype": attr(DataType, type(None))}
for _name in ("zeros", "ones"):
    register_op(
        _name,
        infer=_infer_filled,
        num_args=1,
        attrs_schema={"dtype": attr(DataType, required=True)},
        legalize=_legalize_filled,
    )
register_op("full", infer=_infer_filled, num_args=2, attrs_schema=_DTYPE, legalize=_legalize_filled)
for _name in ("zeros_like", "ones_like"):
    register_op(
        _name, infer=_infer_like, num_args=1, attrs_schema=_DTYPE, legalize=_legalize_filled
    )
register_op(
    "full_like", infer=_infer_like, num_args=2, attrs_schema=_DTYPE, legalize=_legalize_filled
)
register_op(
    "arange",
    infer=_infer_arange,
    num_args=3,
    attrs_schema={"dtype": attr(DataType, required=True)},
    legalize=_legalize_arange,
)
for _name in ("tril", "triu"):
    register_op(
        _name,
        infer=_infer_triangle,
        num_args=1,
        attrs_schema={"k": attr(int, default=0)},
        legalize=_legalize_triangle,
    )


# -- builders ------------------------------------------------------------------------------


def _shape(shape: ArgExpr | tuple | list, span: Span | None) -> ArgExpr:
    return ShapeExpr(tuple(shape), span=span) if isinstance(shape, tuple | list) else shape


def _scalar(value: Expr | bool | int | float, dt: str | DataType | None) -> Expr:
    """A fill value: a graph expression as is, a Python number as a 0-d constant."""
    if isinstance(value, Expr):
        return value
    if dt is None:
        dt = "bool" if isinstance(value, bool) else "int64" if isinstance(value, int) else "float32"
    return Constant(np.array(value, dtype=to_dtype(dt).numpy))


def _prim_value(value: int | float | PrimExpr | Expr) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, PrimExpr):
        return PrimValue(value)
    return PrimValue(const(value, "int64" if isinstance(value, int) else "float32"))


def _dt(dt: str | DataType | None) -> DataType | None:
    return None if dt is None else to_dtype(dt)


def zeros(
    shape: ArgExpr | tuple | list, dtype: str | DataType = "float32", span: Span | None = None
) -> Call:
    """A tensor of `shape` filled with 0. Script: ``R.zeros((n, 4), "float32")``."""
    return make_call("zeros", (_shape(shape, span),), {"dtype": to_dtype(dtype)}, span=span)


def ones(
    shape: ArgExpr | tuple | list, dtype: str | DataType = "float32", span: Span | None = None
) -> Call:
    """A tensor of `shape` filled with 1. Script: ``R.ones((n, 4), "float32")``."""
    return make_call("ones", (_shape(shape, span),), {"dtype": to_dtype(dtype)}, span=span)


def full(
    shape: ArgExpr | tuple | list,
    fill_value: Expr | bool | int | float,
    dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """A tensor of `shape` filled with `fill_value` (a 0-d tensor or a number).

    `dtype` defaults to the fill value's. Script: ``R.full((n, 4), R.const(1.5, "float32"))``.
    """
    args = (_shape(shape, span), _scalar(fill_value, dtype))
    return make_call("full", args, {"dtype": _dt(dtype)}, span=span)


def zeros_like(x: ArgExpr, dtype: str | DataType | None = None, span: Span | None = None) -> Call:
    """Zeros of `x`'s shape, in `dtype` (default: `x`'s). Script: ``R.zeros_like(x)``."""
    return make_call("zeros_like", (x,), {"dtype": _dt(dtype)}, span=span)


def ones_like(x: ArgExpr, dtype: str | DataType | None = None, span: Span | None = None) -> Call:
    """Ones of `x`'s shape, in `dtype` (default: `x`'s). Script: ``R.ones_like(x)``."""
    return make_call("ones_like", (x,), {"dtype": _dt(dtype)}, span=span)


def full_like(
    x: ArgExpr,
    fill_value: Expr | bool | int | float,
    dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """`fill_value` in `x`'s shape, in `dtype` (default: the fill value's).

    Script: ``R.full_like(x, v)``.
    """
    args = (x, _scalar(fill_value, dtype))
    return make_call("full_like", args, {"dtype": _dt(dtype)}, span=span)


def arange(
    start: int | float | PrimExpr | Expr,
    end: int | float | PrimExpr | Expr | None = None,
    step: int | float | PrimExpr | Expr = 1,
    dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """``start, start + step, ...`` up to `end` (excluded); ``arange(n)`` counts from 0.

    `dtype` defaults to int64 when every bound is an integer, else float32.
    Script: ``R.arange(0, n, 2, "int64")``.
    """
    if end is None:
        start, end = 0, start
    bounds = tuple(_prim_value(v) for v in (start, end, step))
    if dtype is None:
        kinds = [getattr(b.struct_info, "dtype", None) for b in bounds]
        dtype = "int64" if all(k is not None and k.is_integer for k in kinds) else "float32"
    return make_call("arange", bounds, {"dtype": to_dtype(dtype)}, span=span)


def tril(x: ArgExpr, k: int = 0, span: Span | None = None) -> Call:
    """`x` with the elements above diagonal `k` of its last two axes zeroed.

    Script: ``R.tril(x, 0)``.
    """
    return make_call("tril", (x,), {"k": k}, span=span)


def triu(x: ArgExpr, k: int = 0, span: Span | None = None) -> Call:
    """`x` with the elements below diagonal `k` of its last two axes zeroed.

    Script: ``R.triu(x, 0)``.
    """
    return make_call("triu", (x,), {"k": k}, span=span)
