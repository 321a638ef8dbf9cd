"""Indexing: strided_slice (numpy slices on chosen axes) and take (gather along one axis).

Slice bounds follow numpy: a negative index counts from the end, and bounds past either end
are clamped, so a slice never reads outside its operand whatever its (symbolic) size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...span import Span
from ...tir import PrimExpr, floordiv, floormod, max_, min_
from ...tir.arith import Analyzer
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call, ShapeExpr
from ..infer import assume_sizes
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .axes import as_tuple, int_attr, int_tuple_attr, normalize_axes, normalize_axis
from .base import make_call, tensor_arg
from .lowering import INDEX, cast, index, lower, result_shape, shape_analyzer, unravel_index

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


# -- strided_slice -------------------------------------------------------------------------


def slice_range(
    begin: int, end: int, stride: int, size: PrimExpr, analyzer: Analyzer
) -> tuple[PrimExpr, PrimExpr]:
    """The first index and the length of ``range(size)[begin:end:stride]`` (numpy rules)."""

    def bound(v: int) -> PrimExpr:
        # Clamp into [0, size] (stride > 0) or [-1, size - 1] (stride < 0).
        if v >= 0:
            return min_(index(v), size if stride > 0 else size - 1)
        return max_(size + v, index(0 if stride > 0 else -1))

    start, stop = bound(begin), bound(end)
    if stride > 0:
        length = floordiv(stop - start + (stride - 1), stride)
    else:
        length = floordiv(start - stop + (-stride - 1), -stride)
    return analyzer.simplify(start), analyzer.simplify(max_(length, index(0)))


def _slice_attrs(call: Call) -> tuple[tuple[int, ...], list[tuple[int, int, int]]]:
    """The sliced axes (as given) and their (begin, end, stride), checked to agree."""
    axes = int_tuple_attr(call, "axes")
    begin, end = int_tuple_attr(call, "begin"), int_tuple_attr(call, "end")
    strides = int_tuple_attr(call, "strides")
    assert axes is not None, "the schema requires axes"
    assert begin is not None, "the schema requires begin"
    assert end is not None, "the schema requires end"
    if strides is None:
        strides = (1,) * len(axes)
    if not len(axes) == len(begin) == len(end) == len(strides):
        raise StructInfoError(
            f"R.strided_slice: axes, begin, end and strides differ in length "
            f"({len(axes)}, {len(begin)}, {len(end)}, {len(strides)})",
            call.span,
        )
    for v in (*begin, *end):
        if not _INT64_MIN <= v <= _INT64_MAX:
            raise StructInfoError(f"R.strided_slice: bound {v} does not fit in int64", call.span)
    if 0 in strides:
        raise StructInfoError("R.strided_slice: a stride must not be 0", call.span)
    return axes, list(zip(begin, end, strides, strict=True))


def _slices(call: Call, ndim: int) -> dict[int, tuple[int, int, int]]:
    """Normalized axis -> (begin, end, stride)."""
    axes, ranges = _slice_attrs(call)
    return dict(zip(normalize_axes(call, axes, ndim), ranges, strict=True))


def _infer_strided_slice(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.ndim == -1:
        _slice_attrs(call)
        return TensorStructInfo(None, x.dtype, -1)
    slices = _slices(call, x.ndim)
    if x.values is None:
        return TensorStructInfo(None, x.dtype, x.ndim)
    assume_sizes(ctx.analyzer, x.values)
    shape = list(x.values)
    for d, (b, e, s) in slices.items():
        shape[d] = slice_range(b, e, s, x.values[d], ctx.analyzer)[1]
    return TensorStructInfo(ShapeExpr(tuple(shape)), x.dtype)


def _legalize_strided_slice(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        analyzer = shape_analyzer(x.shape)
        starts = {
            d: (slice_range(b, e, s, x.shape[d], analyzer)[0], s)
            for d, (b, e, s) in _slices(call, x.ndim).items()
        }

        def element(*i: PrimExpr) -> PrimExpr:
            return x[
                tuple(
                    starts[d][0] + v * starts[d][1] if d in starts else v for d, v in enumerate(i)
                )
            ]

        return compute(shape, element, "T_strided_slice")

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


# -- take ----------------------------------------------------------------------------------

TAKE_MODES = ("fast", "clip", "wrap")


def _infer_take(call: Call, ctx: InferContext) -> StructInfo:
    x, indices = tensor_arg(call, 0), tensor_arg(call, 1)
    if indices.dtype is not None and not indices.dtype.is_integer:
        raise StructInfoError(f"R.take needs integer indices, not {indices.dtype}", call.span)
    if call.attrs["mode"] not in TAKE_MODES:
        raise StructInfoError(
            f"R.take: mode must be one of {', '.join(TAKE_MODES)}, not {call.attrs['mode']!r}",
            call.span,
        )
    axis = int_attr(call, "axis")
    if axis is None:
        return TensorStructInfo(indices.shape, x.dtype, indices.ndim)
    if x.ndim == -1 or indices.ndim == -1:
        return TensorStructInfo(None, x.dtype, -1)
    axis = normalize_axis(call, axis, x.ndim)
    if x.values is None or indices.values is None:
        return TensorStructInfo(None, x.dtype, x.ndim - 1 + indices.ndim)
    shape = (*x.values[:axis], *indices.values, *x.values[axis + 1 :])
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _legalize_take(bb: BlockBuilder, call: Call) -> Call:
    mode, axis = call.attrs["mode"], int_attr(call, "axis")

    def fn(x: Tensor, indices: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        at = None if axis is None else normalize_axis(call, axis, x.ndim)
        size: PrimExpr = index(1)
        for v in x.shape if at is None else (x.shape[at],):
            size = size * v
        size = shape_analyzer(x.shape).simplify(size)

        def element(*i: PrimExpr) -> PrimExpr:
            first = 0 if at is None else at
            k = cast(indices[i[first : first + indices.ndim]], INDEX)
            if mode == "clip":
                k = min_(max_(k, index(0)), size - 1)
            elif mode == "wrap":
                k = floormod(k, size)
            if at is None:
                return x[unravel_index(k, x.shape)]
            return x[(*i[:at], k, *i[at + indices.ndim :])]

        return compute(shape, element, "T_take")

    return lower(bb, call, fn, call.args[0], call.args[1], shape=result_shape(call))


_STRIDED = {
    "axes": attr(tuple, required=True),
    "begin": attr(tuple, required=True),
    "end": attr(tuple, required=True),
    "strides": attr(tuple, type(None)),
}
register_op(
    "strided_slice",
    infer=_infer_strided_slice,
    num_args=1,
    attrs_schema=_STRIDED,
    legalize=_legalize_strided_slice,
)
register_op(
    "take",
    infer=_infer_take,
    num_args=2,
    attrs_schema={"axis": attr(int, type(None)), "mode": attr(str, default="fast")},
    legalize=_legalize_take,
)


def strided_slice(
    x: ArgExpr,
    axes: Sequence[int],
    begin: Sequence[int],
    end: Sequence[int],
    strides: Sequence[int] | None = None,
    span: Span | None = None,
) -> Call:
    """``x[begin:end:stride]`` on each of `axes` (numpy rules; other axes whole).

    Script: ``R.strided_slice(x, axes=[1], begin=[0], end=[-1], strides=[2])``.
    """
    attrs = {
        "axes": as_tuple(axes),
        "begin": as_tuple(begin),
        "end": as_tuple(end),
        "strides": as_tuple(strides),
    }
    return make_call("strided_slice", (x,), attrs, span=span)


def take(
    x: ArgExpr,
    indices: ArgExpr,
    axis: int | None = None,
    mode: str = "fast",
    span: Span | None = None,
) -> Call:
    """The elements of `x` at `indices` along `axis` (None: of `x` flattened).

    `mode` handles indices outside ``[0, size)``: "fast" assumes there are none, "clip" clamps
    them, "wrap" wraps them around (so -1 is the last). Script: ``R.take(x, i, axis=0)``.
    """
    return make_call("take", (x, indices), {"axis": axis, "mode": mode}, span=span)
