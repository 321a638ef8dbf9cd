"""Elementwise unary operators: the result has the operand's struct info."""

from __future__ import annotations

from ...diagnostics import StructInfoError
from ...span import Span
from ..expr import ArgExpr, Call
from ..registry import InferContext, register_op
from ..struct_info import StructInfo
from .base import make_call, op_name, tensor_arg


def _infer_float_unary(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.dtype is not None and not x.dtype.is_float:
        raise StructInfoError(f"R.{op_name(call)} needs a float tensor, not {x.dtype}", call.span)
    return x


def _infer_unary(call: Call, ctx: InferContext) -> StructInfo:
    return tensor_arg(call, 0)


register_op("exp", infer=_infer_float_unary, num_args=1)
for _name in ("negative", "relu"):
    register_op(_name, infer=_infer_unary, num_args=1)


def exp(x: ArgExpr, span: Span | None = None) -> Call:
    """``e ** x`` elementwise (float). Script: ``R.exp(x)``."""
    return make_call("exp", (x,), span=span)


def negative(x: ArgExpr, span: Span | None = None) -> Call:
    """``-x`` elementwise. Script: ``R.negative(x)``."""
    return make_call("negative", (x,), span=span)


def relu(x: ArgExpr, span: Span | None = None) -> Call:
    """``max(x, 0)`` elementwise. Script: ``R.nn.relu(x)``."""
    return make_call("relu", (x,), span=span)
