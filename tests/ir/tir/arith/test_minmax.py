"""Rules for min and max: chains, bounds, common parts, absorption; floats left alone."""

from strategies import tir_expr_text

from loom.ir import tir
from loom.ir.tir import FloatImm, Range, Select, SizeVar, Var, max_, min_
from loom.ir.tir.arith import Analyzer, expr_equal

x, y, z = Var("x"), Var("y"), Var("z")
xf, yf = Var("xf", "float32"), Var("yf", "float32")


def check(expr, expected, ana=None):
    got = (ana or Analyzer()).simplify(expr)
    assert expr_equal(got, expected), f"{tir_expr_text(got)} != {tir_expr_text(expected)}"


def test_comparable_operands_decide():
    check(min_(x, x + 1), x)
    check(max_(x, x + 1), x + 1)
    check(min_(x, x), x)
    check(max_(x - 3, x), x)


def test_chains_flatten_and_sort():
    check(min_(y, x), min_(x, y))
    check(min_(3, x), min_(x, 3))
    check(min_(min_(x, 3), 5), min_(x, 3))
    check(max_(max_(y, x), y), max_(x, y))
    check(min_(min_(z, y), min_(x, y)), min_(min_(x, y), z))


def test_bounds_decide():
    ana = Analyzer()
    ana.bind(x, Range(0, 10))
    check(min_(x, 10), x, ana)
    check(max_(x, -1), x, ana)
    check(min_(x, 5), min_(x, 5), ana)
    n, i = SizeVar("n"), Var("i")
    ana.bind(i, Range(0, n))
    check(min_(i, n), i, ana)
    check(max_(i + 1, n), n, ana)


def test_common_terms_and_factors_come_out():
    check(min_(x + y, x + z), x + min_(y, z))
    check(max_(x + 2, y + 2), max_(x, y) + 2)
    check(min_(x * 4, y * 4), min_(x, y) * 4)


def test_absorption():
    check(min_(x, max_(x, y)), x)
    check(min_(max_(y, x), x), x)
    check(max_(min_(x, y), x), x)


def test_select_of_a_comparison_is_min_or_max():
    check(Select(x < y, x, y), min_(x, y))
    check(Select(x <= y, y, x), max_(x, y))


def test_floats_are_not_reordered_or_decided():
    check(min_(xf, xf), xf)
    check(min_(yf, xf), min_(yf, xf))
    check(max_(xf, xf + 1.0), max_(xf, xf + 1.0))
    check(min_(FloatImm("float32", 1.0), FloatImm("float32", 2.0)), FloatImm("float32", 1.0))
    nan = FloatImm("float32", float("nan"))
    check(min_(nan, FloatImm("float32", 2.0)), min_(nan, FloatImm("float32", 2.0)))
    check(Select(xf < yf, xf, yf), Select(xf < yf, xf, yf))


def test_vector_operands_are_not_canonicalized():
    a = tir.Broadcast(x, 4)
    check(min_(a, a), a)
