"""Constant folding: an operation whose operands are all immediates becomes an immediate.

Integers fold exactly (floor or C semantics as the node says) and only when the result fits the
dtype; division by zero never folds. Floats fold only when the result is what the machine would
compute: IEEE arithmetic in the node's own precision, finite operands and a finite result.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from ...diagnostics import TypeCheckError
from ...dtype import DataType
from ..expr import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    Add,
    And,
    BinaryOp,
    Call,
    Cast,
    Div,
    FloatImm,
    FloorDiv,
    FloorMod,
    IntImm,
    Max,
    Min,
    Mod,
    Mul,
    Not,
    Or,
    PrimExpr,
    Select,
    Sub,
)


def truncdiv(a: int, b: int) -> int:
    """C division: the quotient rounded toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def truncmod(a: int, b: int) -> int:
    """C remainder: ``a - b * truncdiv(a, b)``, with the sign of `a`."""
    return a - b * truncdiv(a, b)


_INT_OPS: dict[type, Callable[[int, int], Any]] = {
    Add: operator.add,
    Sub: operator.sub,
    Mul: operator.mul,
    FloorDiv: operator.floordiv,
    FloorMod: operator.mod,
    Div: truncdiv,
    Mod: truncmod,
    Min: min,
    Max: max,
    EQ: operator.eq,
    NE: operator.ne,
    LT: operator.lt,
    LE: operator.le,
    GT: operator.gt,
    GE: operator.ge,
    And: lambda a, b: bool(a) and bool(b),
    Or: lambda a, b: bool(a) or bool(b),
}

_FLOAT_OPS: dict[type, Callable[[Any, Any], Any]] = {
    Add: operator.add,
    Sub: operator.sub,
    Mul: operator.mul,
    Div: operator.truediv,
    EQ: operator.eq,
    NE: operator.ne,
    LT: operator.lt,
    LE: operator.le,
    GT: operator.gt,
    GE: operator.ge,
}

_DIVISIONS = (FloorDiv, FloorMod, Div, Mod)


def int_const(value: int | bool, dtype: DataType) -> IntImm | None:
    """An immediate of `dtype`, or None when `value` does not fit."""
    try:
        return IntImm(dtype, int(value))
    except TypeCheckError:
        return None


def fold(expr: PrimExpr) -> PrimExpr | None:
    """The immediate that `expr` evaluates to, when its operands are immediates; else None."""
    if isinstance(expr, BinaryOp):
        return _fold_binary(expr)
    if isinstance(expr, Not) and isinstance(expr.a, IntImm):
        return IntImm(expr.dtype, not expr.a.value)
    if isinstance(expr, Select) and isinstance(expr.condition, IntImm):
        return expr.true_value if expr.condition.value else expr.false_value
    if isinstance(expr, Cast):
        return _fold_cast(expr)
    if isinstance(expr, Call):
        return _fold_call(expr)
    return None


def _fold_binary(expr: BinaryOp) -> PrimExpr | None:
    a, b = expr.a, expr.b
    if isinstance(a, IntImm) and isinstance(b, IntImm):
        fn = _INT_OPS.get(type(expr))
        if fn is None or (isinstance(expr, _DIVISIONS) and b.value == 0):
            return None
        return int_const(fn(a.value, b.value), expr.dtype)
    if isinstance(a, FloatImm) and isinstance(b, FloatImm):
        return _fold_float(expr, a, b)
    return None


def _fold_float(expr: BinaryOp, a: FloatImm, b: FloatImm) -> PrimExpr | None:
    if isinstance(expr, Min | Max):
        if math.isnan(a.value) or math.isnan(b.value):
            return None
        return (min if isinstance(expr, Min) else max)(a, b, key=lambda imm: imm.value)
    fn = _FLOAT_OPS.get(type(expr))
    if fn is None:
        return None
    numpy_type = a.dtype.numpy.type
    with np.errstate(all="ignore"):
        result = fn(numpy_type(a.value), numpy_type(b.value))
    if expr.dtype.is_bool:
        return IntImm(expr.dtype, bool(result))
    if not (math.isfinite(a.value) and math.isfinite(b.value) and math.isfinite(float(result))):
        return None
    return FloatImm(expr.dtype, float(result))


def _fold_cast(expr: Cast) -> PrimExpr | None:
    value, target = expr.value, expr.dtype
    if not target.is_scalar:
        return None
    if isinstance(value, IntImm):
        if target.is_bool:
            return IntImm(target, value.value != 0)
        if target.is_integer:
            return int_const(value.value, target)
        if target.is_float:
            converted = float(target.numpy.type(value.value))
            return FloatImm(target, converted) if converted == value.value else None
        return None
    if isinstance(value, FloatImm):
        if target.is_bool:
            return IntImm(target, value.value != 0.0)
        if target.is_integer:
            if not math.isfinite(value.value):
                return None
            return int_const(math.trunc(value.value), target)
        if target.is_float:
            with np.errstate(all="ignore"):
                converted = float(target.numpy.type(value.value))
            if math.isfinite(converted) or not math.isfinite(value.value):
                return FloatImm(target, converted)
    return None


_BITWISE: dict[str, Callable[..., int]] = {
    "bitwise_and": operator.and_,
    "bitwise_or": operator.or_,
    "bitwise_xor": operator.xor,
    "bitwise_not": operator.invert,
}


def _fold_call(expr: Call) -> PrimExpr | None:
    name = getattr(expr.op, "name", None)
    args = expr.args
    if name == "if_then_else" and isinstance(args[0], IntImm):
        return args[1] if args[0].value else args[2]
    if not args or not all(isinstance(a, IntImm) for a in args) or not expr.dtype.is_integer:
        return None
    values = [a.value for a in args]  # type: ignore[attr-defined]
    if name in _BITWISE:
        result = _BITWISE[name](*values)
        if expr.dtype.is_uint:
            result &= (1 << expr.dtype.bits) - 1
        return int_const(result, expr.dtype)
    if name == "shift_left" and 0 <= values[1] < expr.dtype.bits:
        return int_const(values[0] << values[1], expr.dtype)
    if name == "shift_right" and 0 <= values[1] < expr.dtype.bits:
        return int_const(values[0] >> values[1], expr.dtype)
    return None
