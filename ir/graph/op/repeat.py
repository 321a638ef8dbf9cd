"""Repetition and reversal with numpy semantics: tile, repeat, flip.

tile repeats the whole tensor per axis; repeat each element along an axis (or of the flattened
tensor); flip reverses one axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...span import Span
from ...tir import PrimExpr, const, floordiv, floormod
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .axes import as_tuple, int_attr, int_tuple_attr, normalize_axis
from .base import make_call, tensor_arg
from .lowering import INDEX, lower, result_shape, shape_analyzer, unravel_index

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


# -- tile ----------------------------------------------------------------------------------


def _reps(call: Call) -> tuple[int, ...]:
    reps = int_tuple_attr(call, "repeats")
    assert reps is not None, "the schema requires repeats"
    if any(r < 0 for r in reps):
        raise StructInfoError(f"R.tile: repeats must be non-negative, not {reps}", call.span)
    return reps


def _tiled(values: Sequence[PrimExpr], reps: Sequence[int]) -> tuple[PrimExpr, ...]:
    """Numpy's tile shape: the shorter of shape and reps is padded with leading 1s."""
    ndim = max(len(values), len(reps))
    one = const(1, INDEX)
    padded = (one,) * (ndim - len(values)) + tuple(values)
    reps = (1,) * (ndim - len(reps)) + tuple(reps)
    return tuple(v if r == 1 else v * r for v, r in zip(padded, reps, strict=True))


def _infer_tile(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    reps = _reps(call)
    if x.ndim == -1:
        return TensorStructInfo(None, x.dtype, -1)
    if x.values is None:
        return TensorStructInfo(None, x.dtype, max(x.ndim, len(reps)))
    shape = tuple(ctx.analyzer.simplify(v) for v in _tiled(x.values, reps))
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _legalize_tile(bb: BlockBuilder, call: Call) -> Call:
    reps = _reps(call)

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        lead = len(shape) - x.ndim
        reps_ = (1,) * (len(shape) - len(reps)) + reps

        def element(*i: PrimExpr) -> PrimExpr:
            return x[
                tuple(
                    i[lead + d] if reps_[lead + d] == 1 else floormod(i[lead + d], size)
                    for d, size in enumerate(x.shape)
                )
            ]

        return compute(shape, element, "T_tile")

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


# -- repeat --------------------------------------------------------------------------------


def _infer_repeat(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    repeats, axis = int_attr(call, "repeats"), int_attr(call, "axis")
    assert repeats is not None, "the schema requires repeats"
    if repeats < 0:
        raise StructInfoError(f"R.repeat: repeats must be non-negative, not {repeats}", call.span)
    if axis is None:
        if x.values is None:
            return TensorStructInfo(None, x.dtype, 1)
        count: PrimExpr = const(repeats, INDEX)
        for v in x.values:
            count = count * v
        return TensorStructInfo(ShapeExpr((ctx.analyzer.simplify(count),)), x.dtype)
    if x.ndim == -1:
        return TensorStructInfo(None, x.dtype, -1)
    axis = normalize_axis(call, axis, x.ndim)
    if x.values is None:
        return TensorStructInfo(None, x.dtype, x.ndim)
    shape = tuple(
        ctx.analyzer.simplify(v * repeats) if d == axis else v for d, v in enumerate(x.values)
    )
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _legalize_repeat(bb: BlockBuilder, call: Call) -> Call:
    repeats, axis = int_attr(call, "repeats"), int_attr(call, "axis")

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        if axis is None:
            return compute(
                shape, lambda i: x[unravel_index(floordiv(i, repeats), x.shape)], "T_repeat"
            )
        at = normalize_axis(call, axis, x.ndim)
        return compute(
            shape,
            lambda *i: x[tuple(floordiv(v, repeats) if d == at else v for d, v in enumerate(i))],
            "T_repeat",
        )

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


# -- flip ----------------------------------------------------------------------------------


def _infer_flip(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.ndim != -1:
        normalize_axis(call, int_attr(call, "axis") or 0, x.ndim)
    return x


def _legalize_flip(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor) -> Tensor:
        at = normalize_axis(call, int_attr(call, "axis") or 0, x.ndim)
        last = shape_analyzer(x.shape).simplify(x.shape[at] - 1)
        return compute(
            x.shape,
            lambda *i: x[tuple(last - v if d == at else v for d, v in enumerate(i))],
            "T_flip",
        )

    return lower(bb, call, fn, call.args[0])


register_op(
    "tile",
    infer=_infer_tile,
    num_args=1,
    attrs_schema={"repeats": attr(tuple, required=True)},
    legalize=_legalize_tile,
)
register_op(
    "repeat",
    infer=_infer_repeat,
    num_args=1,
    attrs_schema={"repeats": attr(int, required=True), "axis": attr(int, type(None))},
    legalize=_legalize_repeat,
)
register_op(
    "flip",
    infer=_infer_flip,
    num_args=1,
    attrs_schema={"axis": attr(int, required=True)},
    legalize=_legalize_flip,
)


def tile(x: ArgExpr, repeats: int | Sequence[int], span: Span | None = None) -> Call:
    """`x` repeated `repeats[d]` times along each axis d (numpy's tile).

    Script: ``R.tile(x, [2, 1])``.
    """
    return make_call("tile", (x,), {"repeats": as_tuple(repeats)}, span=span)


def repeat(x: ArgExpr, repeats: int, axis: int | None = None, span: Span | None = None) -> Call:
    """Each element of `x` repeated `repeats` times along `axis` (None: of `x` flattened).

    Script: ``R.repeat(x, 2, axis=0)``.
    """
    return make_call("repeat", (x,), {"repeats": repeats, "axis": axis}, span=span)


def flip(x: ArgExpr, axis: int, span: Span | None = None) -> Call:
    """`x` with `axis` reversed. Script: ``R.flip(x, axis=0)``."""
    return make_call("flip", (x,), {"axis": axis}, span=span)
