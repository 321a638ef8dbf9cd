"""Constant integer bounds of expressions."""

from loom.ir import tir
from loom.ir.tir import Cast, Range, Select, SizeVar, Var, floordiv, floormod, truncdiv, truncmod
from loom.ir.tir.arith import NEG_INF, POS_INF, Analyzer, ConstIntBound

x, y = Var("x"), Var("y")


def bound(expr, **ranges):
    ana = Analyzer()
    for name, (lo, hi) in ranges.items():
        ana.bind({"x": x, "y": y}[name], Range(lo, hi - lo + 1))
    b = ana.const_int_bound(expr)
    return b.min_value, b.max_value


def test_sentinels():
    assert POS_INF == ConstIntBound.POS_INF == 2**63 - 1
    assert NEG_INF == -POS_INF
    assert bound(Var("w", "int64")) == (NEG_INF, POS_INF)
    assert bound(tir.const(1.5)) == (NEG_INF, POS_INF)


def test_leaves():
    assert bound(tir.const(7)) == (7, 7)
    assert bound(x) == (-(2**31), 2**31 - 1)
    assert bound(SizeVar("n")) == (0, 2**31 - 1)
    assert bound(x, x=(2, 9)) == (2, 9)


def test_arithmetic():
    assert bound(x * 3 + 1, x=(0, 3)) == (1, 10)
    assert bound(x - y, x=(0, 3), y=(1, 2)) == (-2, 2)
    assert bound(x * y, x=(-2, 3), y=(-5, 4)) == (-15, 12)
    assert bound(x * x, x=(-3, 2)) == (0, 9)
    assert bound(x - x) == (0, 0)


def test_division():
    assert bound(floordiv(x, 4), x=(-9, 9)) == (-3, 2)
    assert bound(floordiv(x, -4), x=(-4, 3)) == (-1, 1)
    assert bound(floormod(x, 4)) == (0, 3)
    assert bound(floormod(x, -4)) == (-3, 0)
    assert bound(floormod(x, 8), x=(0, 5)) == (0, 5)
    assert bound(floormod(x, 8), x=(9, 12)) == (1, 4)
    assert bound(truncdiv(x, 4), x=(-9, 9)) == (-2, 2)
    assert bound(truncmod(x, 4), x=(-9, 9)) == (-3, 3)
    assert bound(truncmod(x, 4), x=(0, 2)) == (0, 2)
    assert bound(floordiv(x, y), x=(0, 10), y=(-2, 2)) == (-10, 10)


def test_min_max_select_cast():
    assert bound(tir.min_(x, 5), x=(0, 9)) == (0, 5)
    assert bound(tir.max_(x, 5), x=(0, 9)) == (5, 9)
    assert bound(Select(y < 0, x, tir.const(20)), x=(0, 3)) == (0, 20)
    assert bound(Cast("int64", x), x=(0, 3)) == (0, 3)
    assert bound(Cast("int8", x), x=(0, 300)) == (-128, 127)
    assert bound(x < y) == (0, 1)
