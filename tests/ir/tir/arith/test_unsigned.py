"""Unsigned arithmetic wraps around, so the analyzer may only fold constants over it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loom.ir import tir
from loom.ir.tir.arith import Analyzer

U8 = "uint8"
x = tir.Var("x", U8)
y = tir.Var("y", U8)


def wrap(value: int) -> int:
    return value % 256


def evaluate(expr, env):
    """Exact uint8 semantics: every operation wraps modulo 256."""
    if isinstance(expr, tir.Var):
        return env[expr]
    if isinstance(expr, tir.IntImm):
        return expr.value
    a, b = evaluate(expr.a, env), evaluate(expr.b, env)
    ops = {
        tir.Add: lambda: wrap(a + b),
        tir.Sub: lambda: wrap(a - b),
        tir.Mul: lambda: wrap(a * b),
        tir.Min: lambda: min(a, b),
        tir.Max: lambda: max(a, b),
        tir.FloorDiv: lambda: a // b,
        tir.FloorMod: lambda: a % b,
        tir.LT: lambda: int(a < b),
        tir.LE: lambda: int(a <= b),
    }
    return ops[type(expr)]()


CASES = [
    tir.max_(tir.const(0, U8), tir.const(0, U8) - x),
    tir.min_(x - 1, x),
    (x - 5) < x,
    (x + 1) // 2,
    (x * 2) % 4,
    tir.max_(x - y, y - x),
    (x + y) - y <= x,
    tir.const(250, U8) + x < x,
]


@pytest.mark.parametrize("expr", CASES, ids=str)
@given(st.integers(0, 255), st.integers(0, 255))
def test_simplification_keeps_wrap_around_values(expr, xv, yv):
    env = {x: xv, y: yv}
    simplified = Analyzer().simplify(expr)
    assert evaluate(simplified, env) == evaluate(expr, env)


def test_no_unsound_proofs_or_bounds():
    analyzer = Analyzer()
    assert not analyzer.can_prove(x - 5 < x)
    bound = analyzer.const_int_bound(x - 5)
    assert (bound.min_value, bound.max_value) == (0, 255)


def test_constants_still_fold():
    assert Analyzer().simplify(tir.const(200, U8) + tir.const(50, U8)).value == 250
    overflow = tir.const(200, U8) + tir.const(100, U8)
    assert Analyzer().simplify(overflow) is overflow  # not folded to a wrong 300
