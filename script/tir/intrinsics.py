"""Expression builders of the T dialect: intrinsics, arithmetic helpers and node constructors.

They work on IR values anywhere (``T.exp(x)`` in Python builds the same `Call` as in a script);
Python numbers are converted, taking the dtype of a typed operand where there is one.
"""

from __future__ import annotations

from typing import Any

from loom.ir import DataType, TypeCheckError, tir

from ..parser.construct import to_dtype

Scalar = tir.PrimExpr | int | float | bool


def _pair(a: Any, b: Any) -> tuple[tir.PrimExpr, tir.PrimExpr]:
    """Convert two operands together: a literal takes the other operand's dtype."""
    a = tir.convert(a, b.dtype if isinstance(b, tir.PrimExpr) else None)
    b = tir.convert(b, a.dtype)
    return tir.promote(a, b)


def _unary_float(name: str) -> Any:
    def intrinsic(x: Scalar) -> tir.PrimExpr:
        return tir.unary(name, x)

    intrinsic.__name__ = intrinsic.__qualname__ = name
    intrinsic.__doc__ = f"The float intrinsic ``{name}``. Script: ``T.{name}(x)``."
    return intrinsic


exp = _unary_float("exp")
exp2 = _unary_float("exp2")
log = _unary_float("log")
log2 = _unary_float("log2")
sqrt = _unary_float("sqrt")
rsqrt = _unary_float("rsqrt")
tanh = _unary_float("tanh")
sigmoid = _unary_float("sigmoid")
sin = _unary_float("sin")
cos = _unary_float("cos")
fabs = _unary_float("fabs")
floor = _unary_float("floor")
ceil = _unary_float("ceil")
round = _unary_float("round")
trunc = _unary_float("trunc")
erf = _unary_float("erf")


def pow(x: Scalar, y: Scalar) -> tir.PrimExpr:
    """`x` to the power `y` (floats)."""
    return tir.pow_(x, y)


def if_then_else(cond: Scalar, then_value: Scalar, else_value: Scalar) -> tir.PrimExpr:
    """The value of one branch; only that branch is evaluated."""
    return tir.if_then_else(cond, then_value, else_value)


def likely(cond: Scalar) -> tir.PrimExpr:
    """A hint that `cond` is usually true."""
    cond = tir.convert(cond)
    return tir.call_intrin(cond.dtype, "likely", cond)


def reinterpret(dtype: Any, value: Scalar) -> tir.PrimExpr:
    """The bits of `value` read as `dtype`."""
    return tir.call_intrin(to_dtype(dtype), "reinterpret", tir.convert(value))


def max_value(dtype: Any) -> tir.PrimExpr:
    """The largest value of `dtype`."""
    return tir.call_intrin(_numeric(dtype, "max_value"), "max_value")


def min_value(dtype: Any) -> tir.PrimExpr:
    """The smallest value of `dtype`."""
    return tir.call_intrin(_numeric(dtype, "min_value"), "min_value")


def _numeric(dtype: Any, name: str) -> DataType:
    t = to_dtype(dtype)
    if not (t.is_integer or t.is_float):
        raise TypeCheckError(f"T.{name} needs a numeric dtype, not {t}")
    return t


def _bitwise(name: str) -> Any:
    def intrinsic(a: Scalar, b: Scalar) -> tir.PrimExpr:
        a, b = _pair(a, b)
        return tir.call_intrin(a.dtype, name, a, b)

    intrinsic.__name__ = intrinsic.__qualname__ = name
    intrinsic.__doc__ = f"The integer intrinsic ``{name}``. Script: ``T.{name}(a, b)``."
    return intrinsic


bitwise_and = _bitwise("bitwise_and")
bitwise_or = _bitwise("bitwise_or")
bitwise_xor = _bitwise("bitwise_xor")
shift_left = _bitwise("shift_left")
shift_right = _bitwise("shift_right")


def bitwise_not(a: Scalar) -> tir.PrimExpr:
    """Every bit of `a` flipped."""
    a = tir.convert(a)
    return tir.call_intrin(a.dtype, "bitwise_not", a)


def call_extern(dtype: Any, name: str, *args: Scalar) -> tir.PrimExpr:
    """Call the C function `name`, returning `dtype`."""
    return tir.call_extern(to_dtype(dtype), _function_name(name), *args)


def call_packed(name: str, *args: Scalar, dtype: Any = "int32") -> tir.PrimExpr:
    """Call the packed function registered as `name`."""
    return tir.call_packed(_function_name(name), *args, dtype_=to_dtype(dtype))


def _function_name(name: Any) -> str:
    if isinstance(name, tir.StringImm):
        return name.value
    if not isinstance(name, str):
        raise TypeCheckError(f"a function name is a string, not a {type(name).__name__}")
    return name


def _binary(cls: type[tir.BinaryOp], a: Any, b: Any) -> tir.PrimExpr:
    a, b = _pair(a, b)
    return cls(a, b)


def min(a: Scalar, b: Scalar) -> tir.PrimExpr:
    """The smaller of two values (`Min`)."""
    return _binary(tir.Min, a, b)


def max(a: Scalar, b: Scalar) -> tir.PrimExpr:
    """The larger of two values (`Max`)."""
    return _binary(tir.Max, a, b)


def truncdiv(a: Scalar, b: Scalar) -> tir.PrimExpr:
    """Division rounding toward zero (`Div`)."""
    return _binary(tir.Div, a, b)


def truncmod(a: Scalar, b: Scalar) -> tir.PrimExpr:
    """The remainder of `truncdiv` (`Mod`)."""
    return _binary(tir.Mod, a, b)


def floordiv(a: Scalar, b: Scalar) -> tir.PrimExpr:
    """Division rounding toward negative infinity (`FloorDiv`)."""
    return _binary(tir.FloorDiv, a, b)


def floormod(a: Scalar, b: Scalar) -> tir.PrimExpr:
    """The remainder of `floordiv` (`FloorMod`)."""
    return _binary(tir.FloorMod, a, b)


def Cast(dtype: Any, value: Scalar) -> tir.PrimExpr:
    """`value` converted to `dtype`."""
    return tir.Cast(to_dtype(dtype), tir.convert(value))


def Select(cond: Scalar, true_value: Scalar, false_value: Scalar) -> tir.PrimExpr:
    """One of two values, both evaluated."""
    true_value, false_value = _pair(true_value, false_value)
    return tir.Select(tir.convert(cond), true_value, false_value)


def Ramp(base: Scalar, stride: Scalar, lanes: int) -> tir.PrimExpr:
    """The vector ``base, base + stride, ...`` of `lanes` elements."""
    base, stride = _pair(base, stride)
    return tir.Ramp(base, stride, _lanes(lanes))


def Broadcast(value: Scalar, lanes: int) -> tir.PrimExpr:
    """`value` in each of `lanes` lanes."""
    return tir.Broadcast(tir.convert(value), _lanes(lanes))


def Let(body: Scalar, where: dict[tir.Var, Scalar]) -> tir.PrimExpr:
    """`body` with each variable of `where` bound to its value, the first binding outermost."""
    if not isinstance(where, dict) or not where:
        raise TypeCheckError("T.Let needs where={var: value, ...} with at least one binding")
    result = tir.convert(body)
    for var, value in reversed(list(where.items())):
        if not isinstance(var, tir.Var):
            raise TypeCheckError(f"T.Let binds variables, not a {type(var).__name__}")
        result = tir.Let(var, tir.convert(value, var.dtype), result)
    return result


def evaluate(value: Scalar) -> tir.Stmt:
    """A statement that evaluates `value` for its effect."""
    return tir.Evaluate(tir.convert(value))


def _lanes(lanes: Any) -> int:
    if isinstance(lanes, tir.IntImm):
        lanes = lanes.value
    if not isinstance(lanes, int) or isinstance(lanes, bool):
        raise TypeCheckError(f"lanes must be a Python int, not {lanes!r}")
    return lanes
