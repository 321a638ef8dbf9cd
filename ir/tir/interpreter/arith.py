"""Semantics of the TIR binary operators on interpreter values (numpy scalars or lane arrays).

Integer `Div`/`Mod` truncate toward zero like C; `FloorDiv`/`FloorMod` round toward negative
infinity. Integer division by zero raises (C leaves it undefined); the one overflowing quotient,
``INT_MIN / -1``, wraps. Float `Div` is IEEE division; float `FloorDiv` is ``floor(a / b)`` and
float `FloorMod` is ``a - floor(a / b) * b``; float `Mod` is ``fmod``. `Min`/`Max` propagate NaN.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np

from ...diagnostics import InterpreterError
from ...dtype import DataType
from ..expr import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    Add,
    BinaryOp,
    Div,
    FloorDiv,
    FloorMod,
    Max,
    Min,
    Mod,
    Mul,
    Sub,
)
from .values import Value

BinaryFn = Callable[[Value, Value], Value]


def _nonzero(name: str, fn: BinaryFn) -> BinaryFn:
    def checked(a: Value, b: Value) -> Value:
        if not np.all(b):
            raise InterpreterError(f"integer division by zero in {name}({a}, {b})")
        return fn(a, b)

    return checked


def _truncdiv(a: Value, b: Value) -> Value:
    # a - fmod(a, b) is an exact multiple of b and never overflows, so the floor division
    # that follows is exact: the truncated quotient.
    return (a - np.fmod(a, b)) // b


def _float_floordiv(a: Value, b: Value) -> Value:
    return np.floor(a / b)


def _float_floormod(a: Value, b: Value) -> Value:
    return a - np.floor(a / b) * b


_COMMON: dict[type[BinaryOp], BinaryFn] = {
    Add: operator.add,
    Sub: operator.sub,
    Mul: operator.mul,
    Min: np.minimum,
    Max: np.maximum,
    EQ: operator.eq,
    NE: operator.ne,
    LT: operator.lt,
    LE: operator.le,
    GT: operator.gt,
    GE: operator.ge,
}

_INTEGER: dict[type[BinaryOp], BinaryFn] = {
    Div: _nonzero("truncdiv", _truncdiv),
    Mod: _nonzero("truncmod", np.fmod),
    FloorDiv: _nonzero("floordiv", operator.floordiv),
    FloorMod: _nonzero("floormod", np.remainder),
}

_FLOAT: dict[type[BinaryOp], BinaryFn] = {
    Div: operator.truediv,
    Mod: np.fmod,
    FloorDiv: _float_floordiv,
    FloorMod: _float_floormod,
}

_ARITHMETIC = (Add, Sub, Mul, Div, Mod, FloorDiv, FloorMod)


def binary_fn(cls: type[BinaryOp], operand: DataType) -> BinaryFn:
    """The function computing ``cls(a, b)`` for operands of dtype `operand`."""
    if operand.is_handle or (operand.is_bool and cls in _ARITHMETIC):
        raise InterpreterError(f"{cls.__name__} is not defined on {operand} operands")
    fn = _COMMON.get(cls)
    if fn is None:
        table = _FLOAT if operand.is_float else _INTEGER
        fn = table.get(cls)
    if fn is None:
        raise InterpreterError(f"the interpreter has no semantics for {cls.__name__}")
    return fn
