"""Runtime values of the TIR reference interpreter and the conversions between them.

A scalar of dtype ``t`` is a numpy scalar of ``t.numpy`` (so int32 wraps like C and float32
rounds like float32); a vector is a 1-d numpy array of ``t.lanes`` elements; a handle is a
`Memory`; a string immediate is a Python ``str``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from ...diagnostics import InterpreterError
from ...dtype import DataType

Value = Any
"""A runtime value: a numpy scalar, a lane array, a `Memory` or a ``str``."""


def from_python(value: Any, t: DataType, what: str) -> Value:
    """Turn a Python (or numpy) number into a value of dtype `t`, refusing lossy conversions.

    `what` names the value in the error message (e.g. ``"argument n of main"``).
    """
    if t.is_handle:
        raise InterpreterError(f"{what}: a handle cannot be made from the number {value!r}")
    if isinstance(value, np.ndarray) or not isinstance(value, int | float | bool | np.generic):
        raise InterpreterError(f"{what}: expected a {t} number, got {type(value).__name__}")
    element = t.element
    scalar: Any
    if element.is_bool:
        if not isinstance(value, bool | np.bool_):
            raise InterpreterError(f"{what}: expected a bool, got {value!r}")
        scalar = np.bool_(value)
    elif element.is_integer:
        if isinstance(value, float | np.floating):
            raise InterpreterError(f"{what}: expected an integer ({t}), got {value!r}")
        number = int(value)
        if not element.min_value() <= number <= element.max_value():
            raise InterpreterError(f"{what}: {number} does not fit in {element}")
        scalar = element.numpy.type(number)
    else:
        scalar = np.asarray(float(value)).astype(element.numpy)[()]
    return scalar if t.lanes == 1 else np.full(t.lanes, scalar, dtype=element.numpy)


index: Callable[[Value], int] = operator.index
"""A scalar integer value as a Python int (for indexing and loop bounds)."""


def truth(value: Value, what: str) -> bool:
    """The truth of a scalar bool value; a vector condition is a program error here."""
    if isinstance(value, np.ndarray):
        raise InterpreterError(f"{what} must be a scalar bool, got {value.size} lanes")
    return bool(value)


def caster(src: DataType, dst: DataType) -> Callable[[Value], Value]:
    """The conversion `Cast` performs from `src` values to `dst` values.

    Integers wrap to the target width (two's complement), floats round to nearest, anything
    to bool is ``!= 0``, and float to integer truncates toward zero. A float that is NaN,
    infinite or out of the target's range has no defined integer value (undefined behaviour
    in C and LLVM), so converting it raises `InterpreterError` instead of inventing one.
    """
    target = dst.element.numpy
    if dst.is_bool:
        zero = src.element.numpy.type(0)
        return lambda v: v != zero
    if src.is_float and dst.is_integer:
        low, high = float(dst.element.min_value()), float(dst.element.max_value()) + 1.0

        def float_to_int(v: Value) -> Value:
            wide = np.trunc(np.asarray(v, dtype=np.float64))
            if not np.all((wide >= low) & (wide < high)):
                raise InterpreterError(f"cannot convert {v} from {src} to {dst}: out of range")
            return wide.astype(target)[()] if wide.ndim == 0 else wide.astype(target)

        return float_to_int
    return lambda v: v.astype(target)


def describe(value: Value) -> str:
    """A short text for a value in error messages."""
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(str(v) for v in value.tolist()) + "]"
    return str(value)


def expr_text(expr: object) -> str:
    """Script text of an expression for messages (names and constants even without a printer)."""
    name = getattr(expr, "name_hint", None)
    if isinstance(name, str):
        return name
    value = getattr(expr, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    try:
        return str(expr)
    except Exception:  # the printer may be unavailable or reject a fragment
        return type(expr).__name__
