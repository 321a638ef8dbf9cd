"""Simplify: expressions simplified under loop, branch and size facts; dead code removed."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_same_results, scheduled, te_programs

from loom.ir import assert_structural_equal
from loom.ir.tir import interpret
from loom.script import tir as T
from loom.transform import PassContext, Sequential
from loom.transform.tir import FlattenBuffers, LowerBlocks, Simplify


def test_branches_proved_by_loop_bounds_are_removed():
    @T.prim_func
    def before(A: T.Buffer((16,), "float32")):
        for i in range(16):
            if i < 16:
                A[i] = T.float32(1)
            if i >= 16:
                A[i] = T.float32(2)
            else:
                A[i] = A[i] + T.float32(3)

    @T.prim_func
    def expected(A: T.Buffer((16,), "float32")):
        for i in range(16):
            A[i] = T.float32(1)
            A[i] = A[i] + T.float32(3)

    assert_structural_equal(Simplify()(before), expected)


def test_branch_condition_is_known_inside_the_branch():
    @T.prim_func
    def before(A: T.Buffer((16,), "int32"), n: T.int32):
        for i in range(16):
            if i < n:  # noqa: SIM102
                if i < n + 1:
                    A[i] = T.min(i, n)

    @T.prim_func
    def expected(A: T.Buffer((16,), "int32"), n: T.int32):
        for i in range(16):
            if i < n:
                A[i] = i

    assert_structural_equal(Simplify()(before), expected)


def test_conditions_on_memory_are_not_assumed():
    @T.prim_func
    def before(A: T.Buffer((2,), "int32")):
        if 0 < A[0]:  # noqa: SIM300
            A[0] = -1
            if 0 < A[0]:  # noqa: SIM300
                A[1] = 1

    assert_structural_equal(Simplify()(before), before)


def test_true_asserts_are_dropped_and_extent_one_loops_folded():
    @T.prim_func
    def before(A: T.Buffer((4, 1), "float32")):
        for i in range(4):
            assert i < 4, "never fails"
            for j in range(1):
                A[i, j] = T.float32(0)
        for k in range(0):
            A[k, 0] = T.float32(1)

    @T.prim_func
    def expected(A: T.Buffer((4, 1), "float32")):
        for i in range(4):
            A[i, 0] = T.float32(0)

    assert_structural_equal(Simplify()(before), expected)


def test_buffer_sizes_are_non_negative():
    @T.prim_func
    def before(a: T.handle):
        n = T.int32()
        A = T.match_buffer(a, (n,), "float32")
        if n >= 0:
            A[0] = T.float32(0)

    @T.prim_func
    def expected(a: T.handle):
        n = T.int32()
        A = T.match_buffer(a, (n,), "float32")
        A[0] = T.float32(0)

    assert_structural_equal(Simplify()(before), expected)


def test_lets_of_constants_are_substituted_and_unused_lets_dropped():
    @T.prim_func
    def before(A: T.Buffer((8,), "float32")):
        for i in range(4):
            c: T.int32 = 2
            unused: T.float32 = A[0] * T.float32(2)  # noqa: F841
            A[i * c] = T.float32(1)

    @T.prim_func
    def expected(A: T.Buffer((8,), "float32")):
        for i in range(4):
            A[i * 2] = T.float32(1)

    assert_structural_equal(Simplify()(before), expected)


def test_lets_that_call_out_are_kept():
    @T.prim_func
    def before(A: T.Buffer((1,), "int32")):
        unused: T.int32 = T.call_extern("int32", "tick")  # noqa: F841
        A[0] = 1

    out = Simplify()(before)
    calls = []
    interpret(out, np.zeros(1, "int32"), extern_funcs={"tick": lambda: calls.append(1)})
    assert calls == [1]


def test_float_arithmetic_is_not_reassociated():
    @T.prim_func
    def before(A: T.Buffer((1,), "float32"), x: T.float32):
        A[0] = x + T.float32(1) - T.float32(1)

    assert_structural_equal(Simplify()(before), before)


def test_simplify_is_skipped_at_opt_level_zero(verified_context):
    @T.prim_func
    def before(A: T.Buffer((4,), "float32")):
        for i in range(4):
            if i < 4:
                A[i] = T.float32(0)

    with verified_context(opt_level=0):
        assert Sequential((Simplify(),))(before) is before


@settings(max_examples=80)
@given(st.data())
def test_simplified_programs_compute_the_same(data):
    program = data.draw(scheduled(data.draw(te_programs())))
    with PassContext():  # the round trip of each step is checked in the pipeline tests
        after = Sequential((LowerBlocks(), FlattenBuffers(), Simplify()))(program.func)
    assert_same_results(program, after)
