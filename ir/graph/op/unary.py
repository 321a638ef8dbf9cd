"""Elementwise unary operators, each legalized to one ``te.compute`` of a scalar function.

The result has the operand's shape, and its dtype but for ``logical_not`` (bool).

Transcendental ops need float tensors; the rounding ops are the identity on integers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...dtype import dtype
from ...span import Span
from ...tir import Not, PrimExpr, Select, const, eq, max_, min_, unary
from ...tir.te import compute
from ..expr import ArgExpr, Call
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .base import make_call, op_name, tensor_arg
from .lowering import lower

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

Scalar = Callable[[Call, PrimExpr], PrimExpr]
"""The value of one output element from the call and one input element."""


def _check_kind(call: Call, kind: str) -> TensorStructInfo:
    """The operand, checked to be a float tensor (`kind` "float") or not bool ("numeric")."""
    x = tensor_arg(call, 0)
    t = x.dtype
    if t is None:
        return x
    if kind == "float" and not t.is_float:
        raise StructInfoError(f"R.{op_name(call)} needs a float tensor, not {t}", call.span)
    if kind == "numeric" and t.is_bool:
        raise StructInfoError(f"R.{op_name(call)} needs a numeric tensor, not bool", call.span)
    return x


def _infer(kind: str) -> Callable[[Call, InferContext], StructInfo]:
    def infer(call: Call, ctx: InferContext) -> StructInfo:
        return _check_kind(call, kind)

    return infer


def _infer_clip(call: Call, ctx: InferContext) -> StructInfo:
    x = _check_kind(call, "numeric")
    low, high = call.attrs["min"], call.attrs["max"]
    if low > high:
        raise StructInfoError(f"R.clip: min {low} is greater than max {high}", call.span)
    if x.dtype is not None and x.dtype.is_integer:
        for key in ("min", "max"):
            value = call.attrs[key]
            if isinstance(value, float) and not value.is_integer():
                raise StructInfoError(
                    f"R.clip: {key} {value} is not a whole number, but the tensor is {x.dtype}",
                    call.span,
                )
    return x


def _infer_logical_not(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    return TensorStructInfo(x.shape, dtype("bool"), x.ndim)


def _legalize(scalar: Scalar) -> Callable[[BlockBuilder, Call], Call]:
    def legalize(bb: BlockBuilder, call: Call) -> Call:
        name = f"T_{op_name(call)}"
        return lower(
            bb, call, lambda x: compute(x.shape, lambda *i: scalar(call, x[i]), name), call.args[0]
        )

    return legalize


def _float_intrinsic(name: str) -> Scalar:
    return lambda call, x: unary(name, x)


def _rounding(name: str) -> Scalar:
    return lambda call, x: unary(name, x) if x.dtype.is_float else x


def _abs(call: Call, x: PrimExpr) -> PrimExpr:
    if x.dtype.is_float:
        return unary("fabs", x)
    return x if x.dtype.is_uint else Select(x < 0, -x, x)


def _sign(call: Call, x: PrimExpr) -> PrimExpr:
    one, zero = const(1, x.dtype), const(0, x.dtype)
    if x.dtype.is_uint:
        return Select(x > zero, one, zero)
    # The innermost branch keeps x itself, so a float NaN or -0.0 is its own sign (as numpy).
    return Select(x > zero, one, Select(x < zero, const(-1, x.dtype), x))


def _clip(call: Call, x: PrimExpr) -> PrimExpr:
    low, high = const(call.attrs["min"], x.dtype), const(call.attrs["max"], x.dtype)
    return min_(max_(x, low), high)


def _logical_not(call: Call, x: PrimExpr) -> PrimExpr:
    return Not(x) if x.dtype.is_bool else eq(x, const(0, x.dtype))


FLOAT_OPS = ("exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf")
for _name in FLOAT_OPS:
    register_op(
        _name, infer=_infer("float"), num_args=1, legalize=_legalize(_float_intrinsic(_name))
    )
for _name in ("floor", "ceil", "round"):
    register_op(_name, infer=_infer("numeric"), num_args=1, legalize=_legalize(_rounding(_name)))
_NUMERIC: dict[str, Scalar] = {
    "abs": _abs,
    "negative": lambda call, x: -x,
    "sign": _sign,
    "square": lambda call, x: x * x,
}
for _name, _scalar in _NUMERIC.items():
    register_op(_name, infer=_infer("numeric"), num_args=1, legalize=_legalize(_scalar))
register_op(
    "clip",
    infer=_infer_clip,
    num_args=1,
    attrs_schema={
        "min": attr(int, float, required=True),
        "max": attr(int, float, required=True),
    },
    legalize=_legalize(_clip),
)
register_op("logical_not", infer=_infer_logical_not, num_args=1, legalize=_legalize(_logical_not))


def _call(name: str, x: ArgExpr, span: Span | None) -> Call:
    return make_call(name, (x,), span=span)


def abs(x: ArgExpr, span: Span | None = None) -> Call:
    """``|x|`` elementwise. Script: ``R.abs(x)``."""
    return _call("abs", x, span)


def negative(x: ArgExpr, span: Span | None = None) -> Call:
    """``-x`` elementwise. Script: ``R.negative(x)``."""
    return _call("negative", x, span)


def exp(x: ArgExpr, span: Span | None = None) -> Call:
    """``e ** x`` elementwise (float). Script: ``R.exp(x)``."""
    return _call("exp", x, span)


def log(x: ArgExpr, span: Span | None = None) -> Call:
    """The natural logarithm elementwise (float). Script: ``R.log(x)``."""
    return _call("log", x, span)


def sqrt(x: ArgExpr, span: Span | None = None) -> Call:
    """The square root elementwise (float). Script: ``R.sqrt(x)``."""
    return _call("sqrt", x, span)


def rsqrt(x: ArgExpr, span: Span | None = None) -> Call:
    """``1 / sqrt(x)`` elementwise (float). Script: ``R.rsqrt(x)``."""
    return _call("rsqrt", x, span)


def sin(x: ArgExpr, span: Span | None = None) -> Call:
    """The sine elementwise (float). Script: ``R.sin(x)``."""
    return _call("sin", x, span)


def cos(x: ArgExpr, span: Span | None = None) -> Call:
    """The cosine elementwise (float). Script: ``R.cos(x)``."""
    return _call("cos", x, span)


def tanh(x: ArgExpr, span: Span | None = None) -> Call:
    """The hyperbolic tangent elementwise (float). Script: ``R.tanh(x)``."""
    return _call("tanh", x, span)


def sigmoid(x: ArgExpr, span: Span | None = None) -> Call:
    """``1 / (1 + e ** -x)`` elementwise (float). Script: ``R.sigmoid(x)``."""
    return _call("sigmoid", x, span)


def erf(x: ArgExpr, span: Span | None = None) -> Call:
    """The Gauss error function elementwise (float). Script: ``R.erf(x)``."""
    return _call("erf", x, span)


def floor(x: ArgExpr, span: Span | None = None) -> Call:
    """Round down elementwise (integers unchanged). Script: ``R.floor(x)``."""
    return _call("floor", x, span)


def ceil(x: ArgExpr, span: Span | None = None) -> Call:
    """Round up elementwise (integers unchanged). Script: ``R.ceil(x)``."""
    return _call("ceil", x, span)


def round(x: ArgExpr, span: Span | None = None) -> Call:
    """Round to nearest, ties to even, elementwise (integers unchanged). Script: ``R.round(x)``."""
    return _call("round", x, span)


def sign(x: ArgExpr, span: Span | None = None) -> Call:
    """-1, 0 or 1 by the sign of `x`, in `x`'s dtype. Script: ``R.sign(x)``."""
    return _call("sign", x, span)


def square(x: ArgExpr, span: Span | None = None) -> Call:
    """``x * x`` elementwise. Script: ``R.square(x)``."""
    return _call("square", x, span)


def clip(x: ArgExpr, min: int | float, max: int | float, span: Span | None = None) -> Call:
    """`x` limited to ``[min, max]`` elementwise. Script: ``R.clip(x, 0.0, 6.0)``."""
    return make_call("clip", (x,), {"min": min, "max": max}, span=span)


def logical_not(x: ArgExpr, span: Span | None = None) -> Call:
    """``x == 0`` elementwise, as a bool tensor. Script: ``R.logical_not(x)``."""
    return _call("logical_not", x, span)
