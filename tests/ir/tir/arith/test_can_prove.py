"""Proofs of equalities and inequalities under variable bounds, ranges and constraints."""

import pytest

from loom.ir import TypeCheckError, tir
from loom.ir.tir import Range, SizeVar, Var, all_, floordiv, floormod
from loom.ir.tir.arith import Analyzer

x, y = Var("x"), Var("y")
i, j = Var("i"), Var("j")
n = SizeVar("n")
xf, yf = Var("xf", "float32"), Var("yf", "float32")


def test_without_facts():
    ana = Analyzer()
    assert ana.can_prove(x < x + 1)
    assert ana.can_prove(x * x >= 0)
    assert ana.can_prove(tir.eq((x + 1) * (x - 1), x * x - 1))
    assert not ana.can_prove(x < y)
    assert not ana.can_prove(x * y >= 0)
    assert ana.can_prove(True)
    assert not ana.can_prove(False)


def test_size_vars_are_non_negative():
    ana = Analyzer()
    assert ana.can_prove(n >= 0)
    assert ana.can_prove(n + 1 > 0)
    assert not ana.can_prove(n > 0)


def test_constant_ranges():
    ana = Analyzer()
    ana.bind(i, Range(0, 16))
    assert ana.can_prove(i < 16)
    assert ana.can_prove(i >= 0)
    assert ana.can_prove(i * 4 + 3 < 64)
    assert not ana.can_prove(i < 15)
    assert not ana.can_prove(i * 4 + 4 < 64)
    ana.bind(x, (2, 5))
    assert ana.can_prove(all_(x >= 2, x < 5))
    assert not ana.can_prove(tir.eq(x, 4))


def test_symbolic_ranges():
    ana = Analyzer()
    ana.bind(i, Range(0, n))
    assert ana.can_prove(i < n)
    assert ana.can_prove(i < n + 1)
    assert ana.can_prove(i <= n - 1)
    assert not ana.can_prove(i < n - 1)
    ana.bind(j, Range(0, i))
    assert ana.can_prove(j < n)
    assert ana.can_prove(j + 1 < n)
    assert not ana.can_prove(j + 2 < n)


def test_constraints_hold_only_inside_the_block():
    ana = Analyzer()
    with ana.constraint(i < n):
        assert ana.can_prove(i < n + 5)
        assert ana.can_prove(i * 2 < n * 2)
        assert ana.can_prove(n > i)
        assert not ana.can_prove(i < n - 1)
    assert not ana.can_prove(i < n + 5)


def test_conjunctions_bound_variables():
    ana = Analyzer()
    with ana.constraint(all_(x >= 0, x < 8)):
        assert ana.can_prove(tir.eq(floordiv(x, 8), 0))
        assert ana.can_prove(tir.eq(floormod(x, 8), x))
    with ana.constraint(tir.ne(x, 0)):
        assert ana.can_prove(tir.ne(x, 0))
        assert not ana.can_prove(tir.eq(x, 0))
    with ana.constraint(tir.Not(x < 3)):
        assert ana.can_prove(x > 2)


def test_opaque_conditions_are_remembered():
    flag = Var("flag", "bool")
    ana = Analyzer()
    with ana.constraint(flag):
        assert ana.can_prove(flag)
        assert ana.can_prove(tir.any_(flag, x < 0))


def test_bound_values_are_substituted():
    ana = Analyzer()
    ana.bind(y, x + 1)
    assert ana.can_prove(y > x)
    assert ana.can_prove_equal(y * 2, x * 2 + 2)


def test_can_prove_equal():
    ana = Analyzer()
    assert ana.can_prove_equal((x + 1) * (y + 1), x * y + x + y + 1)
    assert ana.can_prove_equal(floordiv(x, 4) * 4 + floormod(x, 4), x)
    assert ana.can_prove_equal(x + 0, x)
    assert not ana.can_prove_equal(x, y)
    assert ana.can_prove_equal(xf + yf, xf + yf)
    assert not ana.can_prove_equal(xf + yf, yf + xf)  # no float algebra


def test_non_bool_conditions_are_rejected():
    with pytest.raises(TypeCheckError, match="bool"):
        Analyzer().can_prove(x + 1)
