"""Floor and truncated division and modulo in the canonical form."""

import pytest
from strategies import tir_expr_text

from loom.ir import tir
from loom.ir.tir import IntImm, Range, SizeVar, Var
from loom.ir.tir import floordiv as fdiv
from loom.ir.tir import floormod as fmod
from loom.ir.tir import truncdiv as tdiv
from loom.ir.tir import truncmod as tmod
from loom.ir.tir.arith import Analyzer, expr_equal

x, y = Var("x"), Var("y")


def c(value):
    return IntImm("int32", value)


def check(expr, expected, ana=None):
    got = (ana or Analyzer()).simplify(expr)
    assert expr_equal(got, expected), f"{tir_expr_text(got)} != {tir_expr_text(expected)}"


def bounded(**ranges):
    ana = Analyzer()
    for name, (lo, hi) in ranges.items():
        ana.bind(globals()[name], Range(lo, hi - lo))
    return ana


def test_exact_multiples_come_out():
    check(fdiv(x * 4 + y, 4), x + fdiv(y, 4))
    check(fmod(x * 4 + y, 4), fmod(y, 4))
    check(fmod(x * 8, 4), c(0))
    check(fdiv(x * 8, 4), x * 2)
    check(fdiv(x * 8 + 5, 4), x * 2 + 1)


def test_bounded_remainders_vanish():
    ana = bounded(y=(0, 4))
    check(fdiv(x * 4 + y, 4), x, ana)
    check(fmod(x * 4 + y, 4), y, ana)
    check(fdiv(x * 4 + y, 8), fdiv(x, 2), ana)
    check(fmod(x * 4 + y, 8), fmod(x, 2) * 4 + y, ana)


def test_division_by_one():
    check(fdiv(x, 1), x)
    check(fmod(x, 1), c(0))
    check(tdiv(x, 1), x)
    check(tdiv(x, -1), x * -1)
    check(tmod(x, -1), c(0))


@pytest.mark.parametrize(
    ("a", "b", "quotient", "remainder"),
    [(-7, 2, -4, 1), (7, -2, -4, -1), (-7, -2, 3, -1), (7, 2, 3, 1), (-8, 4, -2, 0)],
)
def test_floor_semantics_of_constants(a, b, quotient, remainder):
    check(fdiv(c(a), c(b)), c(quotient))
    check(fmod(c(a), c(b)), c(remainder))


@pytest.mark.parametrize(
    ("a", "b", "quotient", "remainder"),
    [(-7, 2, -3, -1), (7, -2, -3, 1), (-7, -2, 3, -1), (7, 2, 3, 1)],
)
def test_truncated_semantics_of_constants(a, b, quotient, remainder):
    check(tdiv(c(a), c(b)), c(quotient))
    check(tmod(c(a), c(b)), c(remainder))


def test_nested_floor_divisions_merge():
    check(fdiv(fdiv(x, 2), 3), fdiv(x, 6))
    check(fdiv(fdiv(x, 2) + 1, 3), fdiv(x + 2, 6))
    check(fmod(fmod(x, 8), 4), fmod(x, 4))


def test_quotient_and_remainder_recombine():
    check(fdiv(x, 4) * 4 + fmod(x, 4), x)
    check(x - fdiv(x, 4) * 4, fmod(x, 4))
    check(tdiv(x, 4) * 4 + tmod(x, 4), x)
    check((fdiv(x, 4) * 4 + fmod(x, 4)) * 2 + y, x * 2 + y)


def test_common_factor_divides_through():
    check(fdiv(x * 4 + 2, 8), fdiv(x, 2))
    check(fmod(x * 4 + 2, 8), fmod(x, 2) * 4 + 2)
    check(fdiv(x * 6 + 3, 9), fdiv(x * 2 + 1, 3))


def test_symbolic_divisors():
    n = SizeVar("n")
    check(fdiv(x * n + y, n), x + fdiv(y, n))
    check(fmod(x * n, n), c(0))
    check(fdiv(n * 2 + 2, n + 1), c(2))
    i = Var("i")
    ana = Analyzer()
    ana.bind(i, Range(0, n))
    check(fdiv(i, n), c(0), ana)
    check(fmod(i, n), i, ana)


def test_truncated_division_needs_sign_facts():
    kept = tdiv(x * 4 + 3, 4)
    check(kept, kept)  # x may be negative: C division does not split
    check(tdiv(x * 4, 4), x)  # an exact multiple divides exactly whatever the sign
    check(tmod(x * 4, 4), c(0))
    ana = bounded(x=(0, 100))
    check(tdiv(x * 4 + 3, 4), x, ana)
    check(tmod(x * 4 + 3, 4), c(3), ana)
    check(tdiv(x, 200), c(0), ana)
    negative = bounded(x=(-10, 0))
    check(tdiv(x * 4 + 1, 4), tdiv(x * 4 + 1, 4), negative)
    check(tmod(x, 16), x, negative)


def test_division_by_zero_is_left_alone():
    check(fdiv(x, 0), fdiv(x, 0))
    check(fmod(c(5), c(0)), fmod(c(5), c(0)))
    check(tdiv(c(5), c(0)), tdiv(c(5), c(0)))


def test_results_keep_int64():
    n = Var("n", "int64")
    result = Analyzer().simplify(fdiv(n * 8 + 4, 4))
    assert expr_equal(result, n * 2 + 1)
    assert all(node.dtype == n.dtype for node in (result, result.a, result.b)), tir_expr_text(
        result
    )
    assert isinstance(result.b, tir.IntImm)
