"""Interpreter semantics of the intrinsics in `loom.ir.tir.op`, keyed by op name.

Each entry turns a `Call` and its compiled arguments into a closure. Float math computes in
float64 and rounds to the call's dtype, so results are (nearly always) the correctly rounded
value and do not depend on which SIMD kernels numpy picked for this CPU.
``round`` rounds half to even (``rint``, what LLVM's ``nearbyint`` does in the default mode).
``erf`` uses the C library's double-precision ``erf`` and rounds to the dtype. Other layers may
add semantics for their own intrinsics with `register_intrinsic`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...diagnostics import InterpreterError
from ...dtype import DataType
from ..expr import Call, StringImm
from ..op import FLOAT_UNARY
from .memory import Memory
from .values import Value, describe, from_python

Closure = Callable[[], Value]


@dataclass(frozen=True)
class Externals:
    """Python callables that ``call_packed`` and ``call_extern`` reach, by name."""

    packed_funcs: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    extern_funcs: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


Intrinsic = Callable[[Call, tuple[Closure, ...], Externals], Closure]
_TABLE: dict[str, Intrinsic] = {}


def register_intrinsic(name: str) -> Callable[[Intrinsic], Intrinsic]:
    """Give the intrinsic `name` interpreter semantics (a decorator; the last one wins)."""

    def decorate(fn: Intrinsic) -> Intrinsic:
        _TABLE[name] = fn
        return fn

    return decorate


def intrinsic(name: str) -> Intrinsic:
    """The semantics of intrinsic `name`; raise if it has none."""
    try:
        return _TABLE[name]
    except KeyError:
        raise InterpreterError(f"the interpreter has no semantics for intrinsic T.{name}") from None


# ---------------------------------------------------------------------------------------------
# Float math


def _erf(x: Value) -> Value:
    if isinstance(x, np.ndarray):
        return np.array([math.erf(v) for v in x.tolist()], dtype=x.dtype)
    return x.dtype.type(math.erf(float(x)))


def _sigmoid(x: Value) -> Value:
    return np.reciprocal(1 + np.exp(-x))


def _rsqrt(x: Value) -> Value:
    return np.reciprocal(np.sqrt(x))


_FLOAT_MATH: dict[str, Callable[[Value], Value]] = {
    "exp": np.exp,
    "exp2": np.exp2,
    "log": np.log,
    "log2": np.log2,
    "sqrt": np.sqrt,
    "rsqrt": _rsqrt,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "sin": np.sin,
    "cos": np.cos,
    "fabs": np.abs,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": np.rint,
    "trunc": np.trunc,
    "erf": _erf,
}
assert set(_FLOAT_MATH) == set(FLOAT_UNARY)


def _at_float_width(t: DataType, fn: Callable[..., Value]) -> Callable[..., Value]:
    """`fn` computed in float64 and rounded to `t`."""
    if t.element.bits >= 64:
        return fn
    narrow = t.element.numpy

    def widened(*values: Value) -> Value:
        return fn(*(v.astype(np.float64) for v in values)).astype(narrow)

    return widened


def _unary_math(name: str) -> Intrinsic:
    def build(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
        fn = _at_float_width(call.dtype, _FLOAT_MATH[name])
        (arg,) = args
        return lambda: fn(arg())

    return build


for _name in FLOAT_UNARY:
    register_intrinsic(_name)(_unary_math(_name))


@register_intrinsic("pow")
def _pow(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
    fn = _at_float_width(call.dtype, np.power)
    base, exponent = args
    return lambda: fn(base(), exponent())


# ---------------------------------------------------------------------------------------------
# Control and type intrinsics


@register_intrinsic("if_then_else")
def _if_then_else(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
    cond, then_value, else_value = args
    if call.args[0].dtype.is_vector:
        # Lanes choose independently, so every lane of both sides is needed.
        return lambda: np.where(cond(), then_value(), else_value())
    return lambda: then_value() if cond() else else_value()


@register_intrinsic("likely")
def _likely(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
    return args[0]


@register_intrinsic("reinterpret")
def _reinterpret(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
    source, target = call.args[0].dtype, call.dtype
    if source.bits != target.bits or source.lanes != target.lanes:
        raise InterpreterError(f"T.reinterpret cannot turn {source} into {target}: sizes differ")
    numpy_type = target.element.numpy
    (arg,) = args
    return lambda: arg().view(numpy_type)


def _limit(which: str) -> Intrinsic:
    def build(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
        element = call.dtype.element
        value = from_python(getattr(element, which)(), call.dtype, f"T.{which}")
        return lambda: value

    return build


register_intrinsic("max_value")(_limit("max_value"))
register_intrinsic("min_value")(_limit("min_value"))


# ---------------------------------------------------------------------------------------------
# Bitwise operations


def _bitwise(fn: Callable[..., Value]) -> Intrinsic:
    def build(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
        if len(args) == 1:
            (a,) = args
            return lambda: fn(a())
        a, b = args
        return lambda: fn(a(), b())

    return build


register_intrinsic("bitwise_and")(_bitwise(operator.and_))
register_intrinsic("bitwise_or")(_bitwise(operator.or_))
register_intrinsic("bitwise_xor")(_bitwise(operator.xor))
register_intrinsic("bitwise_not")(_bitwise(operator.invert))


def _shift(name: str, fn: Callable[[Value, Value], Value]) -> Intrinsic:
    def build(call: Call, args: tuple[Closure, ...], _: Externals) -> Closure:
        bits = call.dtype.bits
        value, amount = args

        def shift() -> Value:
            a, b = value(), amount()
            # C and LLVM leave shifts by a negative amount or by the width undefined.
            if np.any((b < 0) | (b >= bits)):
                raise InterpreterError(f"T.{name} by {describe(b)} is out of range for {bits} bits")
            return fn(a, b)

        return shift

    return build


register_intrinsic("shift_left")(_shift("shift_left", np.left_shift))
register_intrinsic("shift_right")(_shift("shift_right", np.right_shift))


# ---------------------------------------------------------------------------------------------
# Calls out to Python


def _callout(kind: str, table: str) -> Intrinsic:
    def build(call: Call, args: tuple[Closure, ...], externals: Externals) -> Closure:
        name_arg = call.args[0] if call.args else None
        if not isinstance(name_arg, StringImm):
            raise InterpreterError(f"T.{kind} needs the function name as its first argument")
        name, operands, t = name_arg.value, args[1:], call.dtype
        functions = getattr(externals, table)

        def invoke() -> Value:
            fn = functions.get(name)
            if fn is None:
                known = ", ".join(sorted(functions)) or "none"
                raise InterpreterError(
                    f"T.{kind} calls {name!r}, which is not in {table} (known: {known})"
                )
            result = fn(*(_outgoing(arg()) for arg in operands))
            return _incoming(result, t, f"the result of {kind} {name!r}")

        return invoke

    return build


def _outgoing(value: Value) -> Any:
    """What a Python callee sees: memory as a 1-d numpy array view, everything else as is."""
    return value.array if isinstance(value, Memory) else value


def _incoming(value: Any, t: DataType, what: str) -> Value:
    if t.is_handle:
        return value
    if value is None:
        return from_python(False if t.is_bool else 0, t, what)
    if isinstance(value, np.ndarray):
        if value.shape != (t.lanes,) or t.lanes == 1:
            raise InterpreterError(f"{what} is an array of shape {value.shape}, expected {t}")
        return value.astype(t.element.numpy)
    return from_python(value, t, what)


register_intrinsic("call_packed")(_callout("call_packed", "packed_funcs"))
register_intrinsic("call_extern")(_callout("call_extern", "extern_funcs"))
