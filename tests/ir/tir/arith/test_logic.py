"""Comparisons, and/or/not and select: decided, normalized, merged."""

from strategies import tir_expr_text

from loom.ir import tir
from loom.ir.tir import IntImm, Not, Select, SizeVar, Var, all_, any_, max_, min_
from loom.ir.tir.arith import Analyzer, expr_equal

x, y, z = Var("x"), Var("y"), Var("z")
xf, yf = Var("xf", "float32"), Var("yf", "float32")
b = Var("b", "bool")
TRUE, FALSE = IntImm("bool", True), IntImm("bool", False)


def check(expr, expected, ana=None):
    got = (ana or Analyzer()).simplify(expr)
    assert expr_equal(got, expected), f"{tir_expr_text(got)} != {tir_expr_text(expected)}"


def test_decided_comparisons():
    check(x < x + 1, TRUE)
    check(x + 1 <= x, FALSE)
    check(tir.eq(x + y, y + x), TRUE)
    check(tir.ne(x, x + 2), TRUE)
    check(SizeVar("n") >= 0, TRUE)


def test_normal_form():
    check(x * 2 < y * 2 + 3, x < y + 2)
    n, i = SizeVar("n"), Var("i")
    check(i < n - 1, i + 1 < n)
    check(i + 1 < n, i + 1 < n)
    check(x > 5, tir.LT(IntImm("int32", 5), x))  # `5 < x` in Python builds x > 5
    check(x >= y, y <= x)
    check(tir.eq(5, x), tir.eq(x, 5))
    check(tir.eq(x * 2, 3), FALSE)
    check(tir.ne(x * 2, 3), TRUE)
    check(tir.eq(x * 2, y * 2), tir.eq(x, y))


def test_float_comparisons_fold_constants_only():
    check(xf < xf, FALSE)
    check(xf <= xf, xf <= xf)  # NaN <= NaN is false
    check(tir.const(1.0) < tir.const(2.0), TRUE)
    check(xf > yf, xf > yf)


def test_and_or_merge_comparisons():
    check(all_(x < 5, x < 3), x < 3)
    check(all_(x < 5, x >= 5), FALSE)
    check(all_(x <= 3, x >= 3), tir.eq(x, 3))
    check(any_(x < 5, x >= 5), TRUE)
    check(any_(x < 5, x < 3), x < 5)
    check(all_(tir.ne(x, 3), x < 3), x < 3)
    check(any_(tir.ne(x, 3), x < 5), TRUE)


def test_and_or_with_constants_and_duplicates():
    check(all_(x < 5, True), x < 5)
    check(all_(x < 5, False), FALSE)
    check(any_(x < 5, True), TRUE)
    check(any_(False, x < 5), x < 5)
    check(all_(b, b), b)
    check(all_(b, Not(b)), FALSE)
    check(any_(Not(b), b), TRUE)


def test_not_is_pushed_inward():
    check(Not(Not(b)), b)
    check(Not(x < y), y <= x)
    check(Not(tir.eq(xf, yf)), tir.ne(xf, yf))
    check(Not(xf < yf), Not(xf < yf))  # with NaN, not (a < b) is not b <= a
    check(Not(all_(x < y, y < z)), any_(y <= x, z <= y))
    check(Not(TRUE), FALSE)


def test_select():
    check(Select(TRUE, x, y), x)
    check(Select(b, x, x), x)
    check(Select(Not(b), x, y), Select(b, y, x))
    check(Select(b, TRUE, FALSE), b)
    check(Select(b, FALSE, TRUE), Not(b))
    check(tir.eq(b, True), b)
    check(tir.eq(b, False), Not(b))


def test_select_branches_use_the_condition():
    seven = IntImm("int32", 7)
    check(Select(x < 5, min_(x, 5), seven), Select(x < 5, x, seven))
    check(Select(x < 5, seven, max_(x, 5)), Select(x < 5, seven, x))
    check(Select(b, Select(b, x, y), z), Select(b, x, z))
    check(tir.if_then_else(x < 5, min_(x, 9), y), tir.if_then_else(x < 5, x, y))
