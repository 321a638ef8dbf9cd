"""Activations: relu, gelu (erf and tanh forms), silu, and softmax / log_softmax over one axis.

Pointwise activations keep their operand's struct info. The softmax family legalizes to the
numerically stable form (subtract the maximum along the axis before exponentiating).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...span import Span
from ...tir import PrimExpr, const, exp, log, max_, unary
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo
from ..te_call import te_call
from .axes import normalize_axis
from .base import make_call, tensor_arg
from .shape_checks import float_tensor, int_attr, known_rank, op_error
from .te_util import fconst

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _infer_numeric(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.dtype is not None and not (x.dtype.is_float or x.dtype.is_integer):
        raise op_error(call, f"needs a numeric tensor, not {x.dtype}")
    return x


def _infer_float(call: Call, ctx: InferContext) -> StructInfo:
    return float_tensor(call, 0, "x")


def _relu(x: PrimExpr) -> PrimExpr:
    return max_(x, const(0, x.dtype))


def _gelu(x: PrimExpr) -> PrimExpr:
    t = x.dtype
    return fconst(0.5, t) * x * (fconst(1.0, t) + unary("erf", x * fconst(math.sqrt(0.5), t)))


def _gelu_tanh(x: PrimExpr) -> PrimExpr:
    t = x.dtype
    inner = fconst(math.sqrt(2.0 / math.pi), t) * (x + fconst(0.044715, t) * x * x * x)
    return fconst(0.5, t) * x * (fconst(1.0, t) + unary("tanh", inner))


def _silu(x: PrimExpr) -> PrimExpr:
    return x * unary("sigmoid", x)


def _pointwise(name: str, fn: Callable[[PrimExpr], PrimExpr]) -> Callable[..., Expr]:
    stage = name.split(".")[-1]

    def build(x: te_.Tensor) -> te_.Tensor:
        return te_.compute(x.shape, lambda *i: fn(x[i]), stage)

    def legalize(bb: BlockBuilder, call: Call) -> Expr:
        return te_call(bb, build, call.args, {}, stage)

    return legalize


def _axis(call: Call, ndim: int) -> int:
    return normalize_axis(call, int_attr(call, "axis"), ndim)


def _infer_softmax(call: Call, ctx: InferContext) -> StructInfo:
    x = float_tensor(call, 0, "x")
    axis = int_attr(call, "axis")
    if x.ndim == 0:
        raise op_error(call, "needs a tensor of rank at least 1")
    if x.ndim != -1:
        normalize_axis(call, axis, x.ndim)
    return x


def _softmax_te(x: te_.Tensor, axis: int, log_form: bool) -> te_.Tensor:
    shape = x.shape
    reduced = tuple(e for d, e in enumerate(shape) if d != axis)

    def point(index: tuple[PrimExpr, ...], r: PrimExpr) -> tuple[PrimExpr, ...]:
        return (*index[:axis], r, *index[axis:])

    k = te_.reduce_axis((0, shape[axis]), "k")
    peak = te_.compute(reduced, lambda *i: te_.max(x[point(i, k)], axis=k), "x_max")
    shifted = te_.compute(shape, lambda *i: exp(x[i] - peak[(*i[:axis], *i[axis + 1 :])]), "x_exp")
    k2 = te_.reduce_axis((0, shape[axis]), "k")
    total = te_.compute(reduced, lambda *i: te_.sum(shifted[point(i, k2)], axis=k2), "x_sum")

    def rest(i: tuple[PrimExpr, ...]) -> tuple[PrimExpr, ...]:
        return (*i[:axis], *i[axis + 1 :])

    if log_form:
        return te_.compute(
            shape, lambda *i: x[i] - peak[rest(i)] - log(total[rest(i)]), "log_softmax"
        )
    return te_.compute(shape, lambda *i: shifted[i] / total[rest(i)], "softmax")


def _softmax_legalize(log_form: bool) -> Callable[..., Expr]:
    name = "log_softmax" if log_form else "softmax"

    def legalize(bb: BlockBuilder, call: Call) -> Expr:
        axis = _axis(call, known_rank(call, 0))
        return te_call(bb, _softmax_te, call.args, {"axis": axis, "log_form": log_form}, name)

    return legalize


register_op("nn.relu", infer=_infer_numeric, num_args=1, legalize=_pointwise("nn.relu", _relu))
for _name, _fn in (("nn.gelu", _gelu), ("nn.gelu_tanh", _gelu_tanh), ("nn.silu", _silu)):
    register_op(_name, infer=_infer_float, num_args=1, legalize=_pointwise(_name, _fn))
for _name, _log in (("nn.softmax", False), ("nn.log_softmax", True)):
    register_op(
        _name,
        infer=_infer_softmax,
        num_args=1,
        attrs_schema={"axis": attr(int, default=-1)},
        legalize=_softmax_legalize(_log),
    )


def relu(x: ArgExpr, span: Span | None = None) -> Call:
    """``max(x, 0)`` elementwise. Script: ``R.nn.relu(x)``."""
    return make_call("nn.relu", (x,), span=span)


def gelu(x: ArgExpr, span: Span | None = None) -> Call:
    """``x * Phi(x)`` with the exact (erf) normal CDF. Script: ``R.nn.gelu(x)``."""
    return make_call("nn.gelu", (x,), span=span)


def gelu_tanh(x: ArgExpr, span: Span | None = None) -> Call:
    """GELU with the tanh approximation of the normal CDF. Script: ``R.nn.gelu_tanh(x)``."""
    return make_call("nn.gelu_tanh", (x,), span=span)


def silu(x: ArgExpr, span: Span | None = None) -> Call:
    """``x * sigmoid(x)`` (swish). Script: ``R.nn.silu(x)``."""
    return make_call("nn.silu", (x,), span=span)


def softmax(x: ArgExpr, axis: int = -1, span: Span | None = None) -> Call:
    """``exp(x) / sum(exp(x))`` along `axis`. Script: ``R.nn.softmax(x, axis=-1)``."""
    return make_call("nn.softmax", (x,), {"axis": axis}, span=span)


def log_softmax(x: ArgExpr, axis: int = -1, span: Span | None = None) -> Call:
    """``log(softmax(x))`` computed stably. Script: ``R.nn.log_softmax(x, axis=-1)``."""
    return make_call("nn.log_softmax", (x,), {"axis": axis}, span=span)
