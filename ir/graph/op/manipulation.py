"""Shape manipulation that keeps the elements.

reshape, flatten, permute_dims, expand_dims, squeeze and broadcast_to.

Reshape and flatten legalize through the row-major offset of each element; the others map
output indices to operand indices dimension by dimension.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...span import Span
from ...tir import IntImm, PrimExpr, const, eq, ne
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call, ShapeExpr
from ..infer import RuntimeCheck, assume_sizes, reshape_shape
from ..infer.shape import dim_text
from ..registry import InferContext, attr, register_op
from ..struct_info import ShapeStructInfo, StructInfo, TensorStructInfo, shape_values
from .axes import as_tuple, int_tuple_attr, normalize_axes
from .base import make_call, op_name, tensor_arg
from .lowering import (
    INDEX,
    broadcast_index,
    index,
    linear_index,
    lower,
    result_shape,
    shape_analyzer,
    unravel_index,
)

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _shape_arg(call: Call, what: str) -> ShapeStructInfo:
    target = getattr(call.args[1], "struct_info", None)
    if not isinstance(target, ShapeStructInfo):
        raise StructInfoError(f"R.{op_name(call)} takes {what} as a shape value", call.span)
    return target


# -- reshape, flatten ----------------------------------------------------------------------


def _infer_reshape(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    target = _shape_arg(call, "the new shape")
    if target.values is None:
        return TensorStructInfo(None, x.dtype, target.ndim)
    if x.values is None:
        if any(isinstance(v, IntImm) and v.value == -1 for v in target.values):
            return TensorStructInfo(None, x.dtype, target.ndim)
        return TensorStructInfo(ShapeExpr(target.values), x.dtype)
    shape, checks = reshape_shape(x.values, target.values, ctx.analyzer, ctx.span)
    ctx.checks.extend(checks)
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _infer_flatten(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.values is None:
        return TensorStructInfo(None, x.dtype, 1)
    size: PrimExpr = const(1, INDEX)
    for v in x.values:
        size = size * v
    return TensorStructInfo(ShapeExpr((ctx.analyzer.simplify(size),)), x.dtype)


def _legalize_reshape(bb: BlockBuilder, call: Call) -> Call:
    name = f"T_{op_name(call)}"

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        return compute(shape, lambda *i: x[unravel_index(linear_index(i, shape), x.shape)], name)

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


# -- permute_dims, expand_dims, squeeze ----------------------------------------------------


def _infer_permute_dims(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    axes = int_tuple_attr(call, "axes")
    if x.ndim == -1:
        return x if axes is None else TensorStructInfo(None, x.dtype, len(axes))
    order = _permutation(call, x.ndim)
    if x.values is None:
        return TensorStructInfo(None, x.dtype, x.ndim)
    return TensorStructInfo(ShapeExpr(tuple(x.values[a] for a in order)), x.dtype)


def _permutation(call: Call, ndim: int) -> tuple[int, ...]:
    axes = int_tuple_attr(call, "axes")
    if axes is None:
        return tuple(range(ndim - 1, -1, -1))
    if len(axes) != ndim:
        raise StructInfoError(
            f"R.permute_dims: axes {axes} must list each of the {ndim} axes once", call.span
        )
    return normalize_axes(call, axes, ndim)


def _legalize_permute_dims(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor) -> Tensor:
        order = _permutation(call, x.ndim)
        shape = tuple(x.shape[a] for a in order)

        def element(*i: PrimExpr) -> PrimExpr:
            source: list[PrimExpr] = [index(0)] * x.ndim
            for out_dim, a in enumerate(order):
                source[a] = i[out_dim]
            return x[tuple(source)]

        return compute(shape, element, "T_permute_dims")

    return lower(bb, call, fn, call.args[0])


def _inserted(call: Call, ndim: int) -> tuple[int, ...]:
    axes = int_tuple_attr(call, "axis")
    assert axes is not None, "the schema requires axis"
    return normalize_axes(call, axes, ndim + len(axes))


def _infer_expand_dims(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.ndim == -1:
        return TensorStructInfo(None, x.dtype, -1)
    new = _inserted(call, x.ndim)
    if x.values is None:
        return TensorStructInfo(None, x.dtype, x.ndim + len(new))
    sizes = iter(x.values)
    shape = tuple(const(1, INDEX) if d in new else next(sizes) for d in range(x.ndim + len(new)))
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _squeezed(call: Call, x: TensorStructInfo, ctx: InferContext | None) -> tuple[int, ...]:
    """The axes squeeze removes; with `ctx`, check (or schedule a check) that each is 1."""
    assert x.values is not None
    analyzer = ctx.analyzer if ctx is not None else shape_analyzer(x.values)
    assume_sizes(analyzer, x.values)
    axes = int_tuple_attr(call, "axis")
    if axes is None:
        return tuple(d for d, v in enumerate(x.values) if analyzer.can_prove_equal(v, 1))
    out = normalize_axes(call, axes, x.ndim)
    for d in out:
        size = x.values[d]
        if ctx is None or analyzer.can_prove_equal(size, 1):
            continue
        if analyzer.can_prove(ne(size, const(1, INDEX))):
            raise StructInfoError(
                f"R.squeeze: axis {d} has size {dim_text(size)}, not 1", call.span
            )
        ctx.checks.append(
            RuntimeCheck(
                eq(size, const(1, INDEX)),
                f"R.squeeze: axis {d} (size {dim_text(size)}) must be 1",
                call.span,
            )
        )
    return out


def _infer_squeeze(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    axes = int_tuple_attr(call, "axis")
    if x.ndim == -1:
        return TensorStructInfo(None, x.dtype, -1)
    if x.values is None:
        if axes is None:
            return TensorStructInfo(None, x.dtype, -1)
        return TensorStructInfo(None, x.dtype, x.ndim - len(normalize_axes(call, axes, x.ndim)))
    gone = _squeezed(call, x, ctx)
    shape = tuple(v for d, v in enumerate(x.values) if d not in gone)
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _legalize_expand_dims(bb: BlockBuilder, call: Call) -> Call:
    """Legalize expand_dims and squeeze: the output index with the 1-dims dropped or added."""
    out_shape = result_shape(call)

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        if op_name(call) == "expand_dims":
            new = _inserted(call, x.ndim)

            def element(*i: PrimExpr) -> PrimExpr:
                return x[tuple(v for d, v in enumerate(i) if d not in new)]
        else:
            gone = _squeezed(call, TensorStructInfo(ShapeExpr(x.shape), x.dtype), None)

            def element(*i: PrimExpr) -> PrimExpr:
                kept = iter(i)
                return x[tuple(index(0) if d in gone else next(kept) for d in range(x.ndim))]

        return compute(shape, element, f"T_{op_name(call)}")

    return lower(bb, call, fn, call.args[0], shape=out_shape)


# -- broadcast_to --------------------------------------------------------------------------


def _infer_broadcast_to(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    target = _shape_arg(call, "the target shape")
    if target.values is None:
        return TensorStructInfo(None, x.dtype, target.ndim)
    if x.ndim > target.ndim:
        raise StructInfoError(
            f"R.broadcast_to cannot broadcast a tensor of rank {x.ndim} to rank {target.ndim}",
            call.span,
        )
    if x.values is not None:
        _check_broadcast_to(call, ctx, x.values, target.values)
    return TensorStructInfo(ShapeExpr(target.values), x.dtype)


def _check_broadcast_to(
    call: Call, ctx: InferContext, src: Sequence[PrimExpr], dst: Sequence[PrimExpr]
) -> None:
    analyzer = ctx.analyzer
    assume_sizes(analyzer, [*src, *dst])
    one = const(1, INDEX)
    for d, size in enumerate(src):
        axis = d + len(dst) - len(src)
        want = dst[axis]
        if analyzer.can_prove_equal(size, 1) or analyzer.can_prove_equal(size, want):
            continue
        ok = eq(size, one) | eq(size, want)
        if analyzer.can_prove(ne(size, one)) and analyzer.can_prove(ne(size, want)):
            raise StructInfoError(
                f"R.broadcast_to cannot broadcast size {dim_text(size)} to {dim_text(want)} "
                f"(axis {axis} of the result)",
                call.span,
            )
        ctx.checks.append(
            RuntimeCheck(
                ok,
                f"R.broadcast_to: size {dim_text(size)} must be 1 or {dim_text(want)}",
                call.span,
            )
        )


def _legalize_broadcast_to(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        analyzer = shape_analyzer(x.shape, shape)
        return compute(
            shape, lambda *i: x[broadcast_index(x, i, shape, analyzer)], "T_broadcast_to"
        )

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


register_op("reshape", infer=_infer_reshape, num_args=2, legalize=_legalize_reshape)
register_op("flatten", infer=_infer_flatten, num_args=1, legalize=_legalize_reshape)
register_op(
    "permute_dims",
    infer=_infer_permute_dims,
    num_args=1,
    attrs_schema={"axes": attr(tuple, type(None))},
    legalize=_legalize_permute_dims,
)
register_op(
    "expand_dims",
    infer=_infer_expand_dims,
    num_args=1,
    attrs_schema={"axis": attr(tuple, required=True)},
    legalize=_legalize_expand_dims,
)
register_op(
    "squeeze",
    infer=_infer_squeeze,
    num_args=1,
    attrs_schema={"axis": attr(tuple, type(None))},
    legalize=_legalize_expand_dims,
)
register_op("broadcast_to", infer=_infer_broadcast_to, num_args=2, legalize=_legalize_broadcast_to)


def _shape(shape: ShapeExpr | ArgExpr | Sequence[int | PrimExpr], span: Span | None) -> ArgExpr:
    if isinstance(shape, Sequence):
        return ShapeExpr(shape_values(shape), span=span)
    return shape


def reshape(
    x: ArgExpr, shape: ArgExpr | Sequence[int | PrimExpr], span: Span | None = None
) -> Call:
    """`x` with a new shape of the same element count; one size may be -1 (inferred).

    `shape` is a shape value or a list of sizes. Script: ``R.reshape(x, (n, -1))``.
    """
    return make_call("reshape", (x, _shape(shape, span)), span=span)


def flatten(x: ArgExpr, span: Span | None = None) -> Call:
    """`x` as a 1-D tensor of all its elements. Script: ``R.flatten(x)``."""
    return make_call("flatten", (x,), span=span)


def permute_dims(x: ArgExpr, axes: Sequence[int] | None = None, span: Span | None = None) -> Call:
    """`x` with its axes reordered (None: reversed). Script: ``R.permute_dims(x, [1, 0])``."""
    return make_call("permute_dims", (x,), {"axes": as_tuple(axes)}, span=span)


def expand_dims(x: ArgExpr, axis: int | Sequence[int], span: Span | None = None) -> Call:
    """`x` with size-1 axes inserted at `axis` (positions in the result).

    Script: ``R.expand_dims(x, axis=[0])``.
    """
    return make_call("expand_dims", (x,), {"axis": as_tuple(axis)}, span=span)


def squeeze(x: ArgExpr, axis: int | Sequence[int] | None = None, span: Span | None = None) -> Call:
    """`x` without the size-1 axes `axis` (None: every axis provably of size 1).

    Script: ``R.squeeze(x, axis=[1])``.
    """
    return make_call("squeeze", (x,), {"axis": as_tuple(axis)}, span=span)


def broadcast_to(
    x: ArgExpr, shape: ArgExpr | Sequence[int | PrimExpr], span: Span | None = None
) -> Call:
    """`x` broadcast (numpy rules) to `shape`. Script: ``R.broadcast_to(x, (n, 4))``."""
    return make_call("broadcast_to", (x, _shape(shape, span)), span=span)
