"""Property: random TIR (every expression and statement kind) survives print -> parse, and the
reparsed IR prints to the same text."""

from hypothesis import given, settings
from strategies import tir_expr_funcs, tir_modules, tir_prim_funcs

from loom.ir import assert_structural_equal
from loom.ir.tir import LT
from loom.script import from_source


def _round_trip(program):
    text = program.script()
    reparsed = from_source(text)
    assert_structural_equal(program, reparsed)
    assert reparsed.script() == text


@settings(max_examples=200, deadline=None)
@given(tir_expr_funcs())
def test_expressions_round_trip(func):
    _round_trip(func)


@settings(max_examples=150, deadline=None)
@given(tir_prim_funcs())
def test_prim_funcs_round_trip(func):
    _round_trip(func)


@settings(max_examples=40, deadline=None)
@given(tir_modules())
def test_modules_round_trip(module):
    _round_trip(module)


def test_var_compared_with_size_var():
    # Regression: Python's `i < n` with n a SizeVar (a subclass of Var) runs the reflected
    # SizeVar.__gt__ first, so a parser using operator.lt built `n > i`.
    program = from_source(
        """
@T.prim_func
def main(i: T.int32, var_A: T.handle):
    n = T.int32(is_size_var=True)
    A = T.match_buffer(var_A, (n,), "int8")
    assert i < n, "in bounds"
    A[0] = T.int8(1)
"""
    )
    condition = program.body.condition
    assert isinstance(condition, LT)
    _round_trip(program)
