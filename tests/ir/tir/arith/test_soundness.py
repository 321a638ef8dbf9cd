"""Property tests: simplification is sound and idempotent; proofs, bounds and intervals hold.

Expressions come from `strategies.tir_int_exprs`; the oracle `eval_tir_int_expr` evaluates
exactly with Python ints (floor division for // and %, C semantics for truncdiv/truncmod).
"""

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import (
    eval_tir_int_expr,
    tir_bool_exprs,
    tir_expr_text,
    tir_int_env,
    tir_int_exprs,
    tir_int_vars,
)

from loom.ir import structural_equal, tir
from loom.ir.tir import Range, SizeVar
from loom.ir.tir.arith import Analyzer

VARS = (*tir_int_vars("abc"), SizeVar("n"))
DIVISORS = tir_int_vars(["d"])
A, B, C, N = VARS
RANGES = {A: (0, 7), B: (-4, 3)}
SETTINGS = settings(max_examples=200, deadline=None)


def bound_analyzer() -> Analyzer:
    ana = Analyzer()
    for var, (lo, hi) in RANGES.items():
        ana.bind(var, Range(lo, hi - lo + 1))
    return ana


def assert_same_value(expr, simplified, env):
    want = eval_tir_int_expr(expr, env)
    got = eval_tir_int_expr(simplified, env)
    assert got == want, f"{tir_expr_text(expr)} -> {tir_expr_text(simplified)}: {want} != {got}"


@SETTINGS
@given(tir_int_exprs(VARS, DIVISORS, opaque=True), tir_int_env(VARS, DIVISORS))
def test_simplify_is_sound(expr, env):
    assert_same_value(expr, Analyzer().simplify(expr), env)


@SETTINGS
@given(tir_int_exprs(VARS, DIVISORS, opaque=True, max_leaves=16))
def test_simplify_is_idempotent(expr):
    ana = Analyzer()
    once = ana.simplify(expr)
    twice = ana.simplify(once)
    assert structural_equal(once, twice), f"{tir_expr_text(once)} -> {tir_expr_text(twice)}"


@SETTINGS
@given(tir_int_exprs(VARS, DIVISORS, max_leaves=16), tir_int_env(VARS, DIVISORS, RANGES))
def test_simplify_with_bounds_is_sound_and_idempotent(expr, env):
    ana = bound_analyzer()
    once = ana.simplify(expr)
    assert_same_value(expr, once, env)
    assert structural_equal(once, ana.simplify(once))


@SETTINGS
@given(tir_bool_exprs(VARS, DIVISORS, max_leaves=6), tir_int_env(VARS, DIVISORS, RANGES))
def test_conditions_and_proofs_are_sound(cond, env):
    ana = bound_analyzer()
    assert_same_value(cond, ana.simplify(cond), env)
    if ana.can_prove(cond):
        assert eval_tir_int_expr(cond, env)


@SETTINGS
@given(
    tir_int_exprs(VARS, DIVISORS, max_leaves=10),
    tir_int_exprs((A, B, C), max_leaves=3, trunc=False, select=False),
    tir_int_env(VARS, DIVISORS, RANGES),
)
def test_constraints_are_sound(expr, limit, env):
    cond = limit > A + C
    assume(eval_tir_int_expr(cond, env))  # about half the environments satisfy it
    ana = bound_analyzer()
    with ana.constraint(cond):
        simplified = ana.simplify(expr)
    assert_same_value(expr, simplified, env)


@SETTINGS
@given(tir_int_exprs(VARS, DIVISORS, max_leaves=10), tir_int_env(VARS, DIVISORS, RANGES))
def test_const_int_bound_contains_the_value(expr, env):
    bnd = bound_analyzer().const_int_bound(expr)
    value = eval_tir_int_expr(expr, env)
    assert bnd.min_value <= value <= bnd.max_value, f"{tir_expr_text(expr)}: {value} {bnd}"


@SETTINGS
@given(
    tir_int_exprs(VARS, DIVISORS, max_leaves=10),
    tir_int_env(VARS, DIVISORS, RANGES),
    st.integers(0, 7),
    st.integers(-4, 3),
)
def test_int_set_contains_the_value(expr, env, a_value, b_value):
    # Relax a and b over their ranges; the interval, evaluated at the other variables, must
    # contain the value at every point of the domain.
    interval = Analyzer().int_set(expr, {A: Range(0, 8), B: Range(-4, 8)})
    point = dict(env)
    point[A], point[B] = a_value, b_value
    value = eval_tir_int_expr(expr, point)
    if interval.min_value is not None:
        assert eval_tir_int_expr(interval.min_value, env) <= value, tir_expr_text(expr)
    if interval.max_value is not None:
        assert value <= eval_tir_int_expr(interval.max_value, env), tir_expr_text(expr)


WIDE = tir_int_vars("pq", "int64")


@SETTINGS
@given(tir_int_exprs(WIDE, dtype="int64", max_leaves=10), tir_int_env(WIDE))
def test_int64_is_sound_and_keeps_its_dtype(expr, env):
    simplified = Analyzer().simplify(expr)
    assert simplified.dtype == tir.IntImm("int64", 0).dtype
    assert_same_value(expr, simplified, env)
