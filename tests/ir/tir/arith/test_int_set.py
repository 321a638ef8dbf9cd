"""Symbolic interval analysis of loop variables."""

import pytest
from strategies import tir_expr_text

from loom.ir import TypeCheckError, tir
from loom.ir.tir import IntImm, Range, SizeVar, Var, floordiv, floormod, max_, min_
from loom.ir.tir.arith import Analyzer, IntervalSet, expr_equal

i, j, k = Var("i"), Var("j"), Var("k")
n = SizeVar("n")


def c(value):
    return IntImm("int32", value)


def check(interval, lo, hi):
    for got, want in ((interval.min_value, lo), (interval.max_value, hi)):
        if want is None:
            assert got is None, tir_expr_text(got)
        else:
            assert expr_equal(got, want), f"{tir_expr_text(got)} != {tir_expr_text(want)}"


def test_inner_loop_of_a_tiled_index():
    ana = Analyzer()
    interval = ana.int_set(i * 4 + k, {k: Range(0, 4)})
    check(interval, i * 4, i * 4 + 3)
    assert expr_equal(ana.cover_range(interval, Range(0, 64)).extent, c(4))


def test_variables_bound_in_the_analyzer_are_relaxed_by_default():
    ana = Analyzer()
    ana.bind(k, Range(0, 4))
    check(ana.int_set(k * 2), c(0), c(6))
    ana.bind(i, Range(0, n))
    check(ana.int_set(i * 4 + k), c(0), n * 4 - 1)


def test_nested_domains_are_relaxed_too():
    ana = Analyzer()
    dom = {j: IntervalSet(c(0), i), i: IntervalSet(c(0), c(9))}
    check(ana.int_set(j, dom), c(0), c(9))
    check(ana.int_set(i + j, dom), c(0), c(18))


def test_scaling_and_division():
    ana = Analyzer()
    dom = {k: Range(0, 8)}
    check(ana.int_set(k * -2, dom), c(-14), c(0))
    check(ana.int_set(floordiv(k, 2), dom), c(0), c(3))
    check(ana.int_set(floormod(k, 4), dom), c(0), c(3))
    check(ana.int_set(floormod(k, 16), dom), c(0), c(7))
    check(ana.int_set(floormod(i * 8 + k, 8), dom), c(0), c(7))
    check(ana.int_set(min_(k, 2), dom), c(0), c(2))
    check(ana.int_set(max_(k, i), dom), max_(i, 0), max_(i, 7))


def test_points_and_unbounded_sides():
    ana = Analyzer()
    point = ana.int_set(i + 1, {k: Range(0, 4)})
    assert point.is_single_point()
    check(point, i + 1, i + 1)
    half = ana.int_set(k + 1, {k: IntervalSet(c(0), None)})
    check(half, c(1), None)
    assert half.has_lower_bound()
    assert not half.has_upper_bound()
    assert ana.int_set(k * j, {k: Range(0, 4), j: IntervalSet(None, None)}).is_everything()


def test_vector_indices():
    ana = Analyzer()
    check(ana.int_set(tir.Ramp(i * 4, c(1), 4)), i * 4, i * 4 + 3)
    check(ana.int_set(tir.Ramp(c(0), c(2), 4)), c(0), c(6))


def test_bad_domains_are_rejected():
    with pytest.raises(TypeCheckError, match="domain"):
        Analyzer().int_set(i, {i: 3})
