"""Elementwise binary operators with numpy broadcasting over symbolic shapes."""

from __future__ import annotations

from ...span import Span
from ..expr import ArgExpr, Call, ShapeExpr
from ..infer import broadcast_shapes
from ..registry import InferContext, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .base import make_call, same_dtype, tensor_arg


def _infer_broadcast(call: Call, ctx: InferContext) -> StructInfo:
    a, b = tensor_arg(call, 0), tensor_arg(call, 1)
    dtype = same_dtype(call, [a, b])
    if a.values is None or b.values is None:
        ndim = max(a.ndim, b.ndim) if -1 not in (a.ndim, b.ndim) else -1
        return TensorStructInfo(None, dtype, ndim)
    shape, checks = broadcast_shapes(a.values, b.values, ctx.analyzer, ctx.span)
    ctx.checks.extend(checks)
    return TensorStructInfo(ShapeExpr(shape), dtype)


BINARY_ARITH = ("add", "subtract", "multiply", "divide")
for _name in BINARY_ARITH:
    register_op(_name, infer=_infer_broadcast, num_args=2)


def add(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a + b`` elementwise, broadcasting. Script: ``R.add(a, b)``."""
    return make_call("add", (a, b), span=span)


def subtract(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a - b`` elementwise, broadcasting. Script: ``R.subtract(a, b)``."""
    return make_call("subtract", (a, b), span=span)


def multiply(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a * b`` elementwise, broadcasting. Script: ``R.multiply(a, b)``."""
    return make_call("multiply", (a, b), span=span)


def divide(a: ArgExpr, b: ArgExpr, span: Span | None = None) -> Call:
    """``a / b`` elementwise, broadcasting. Script: ``R.divide(a, b)``."""
    return make_call("divide", (a, b), span=span)
