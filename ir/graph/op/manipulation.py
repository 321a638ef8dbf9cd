"""Shape manipulation: reshape (with -1 inferred) and flatten; element counts are preserved."""

from __future__ import annotations

from collections.abc import Sequence

from ...diagnostics import StructInfoError
from ...span import Span
from ...tir import IntImm, PrimExpr, const
from ..expr import ArgExpr, Call, ShapeExpr
from ..infer import reshape_shape
from ..registry import InferContext, register_op
from ..struct_info import ShapeStructInfo, StructInfo, TensorStructInfo, shape_values
from .base import make_call, tensor_arg


def _infer_reshape(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    target = getattr(call.args[1], "struct_info", None)
    if not isinstance(target, ShapeStructInfo):
        raise StructInfoError("R.reshape takes the new shape as a shape value", call.span)
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
    size: PrimExpr = const(1, "int64")
    for v in x.values:
        size = size * v
    return TensorStructInfo(ShapeExpr((ctx.analyzer.simplify(size),)), x.dtype)


register_op("reshape", infer=_infer_reshape, num_args=2)
register_op("flatten", infer=_infer_flatten, num_args=1)


def reshape(
    x: ArgExpr, shape: ShapeExpr | Sequence[int | PrimExpr], span: Span | None = None
) -> Call:
    """`x` with a new shape of the same element count; one size may be -1 (inferred).

    Script: ``R.reshape(x, (n, -1))``.
    """
    if not isinstance(shape, ShapeExpr):
        shape = ShapeExpr(shape_values(shape), span=span)
    return make_call("reshape", (x, shape), span=span)


def flatten(x: ArgExpr, span: Span | None = None) -> Call:
    """`x` as a 1-D tensor of all its elements. Script: ``R.flatten(x)``."""
    return make_call("flatten", (x,), span=span)
