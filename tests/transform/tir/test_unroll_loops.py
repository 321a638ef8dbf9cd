"""UnrollLoops: unrolled loops of constant extent become copies of their body."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_same_results, scheduled, te_programs

from loom.ir import PassError, assert_structural_equal
from loom.ir.tir import ForKind, well_formed
from loom.script import tir as T
from loom.transform import Sequential
from loom.transform.tir import FlattenBuffers, LowerBlocks, UnrollLoops


def test_unrolled_loop_becomes_copies_with_the_variable_replaced():
    @T.prim_func
    def before(A: T.Buffer((8,), "float32")):
        for i in range(2):
            for j in T.unroll(3):
                A[i * 3 + j] = T.float32(0)

    @T.prim_func
    def expected(A: T.Buffer((8,), "float32")):
        for i in range(2):
            A[i * 3 + 0] = T.float32(0)
            A[i * 3 + 1] = T.float32(0)
            A[i * 3 + 2] = T.float32(0)

    assert_structural_equal(UnrollLoops()(before), expected)


def test_each_copy_defines_its_own_variables_and_buffers():
    @T.prim_func
    def before(A: T.Buffer((4, 4), "float32")):
        for i in T.unroll(2, 4):
            x: T.float32 = T.float32(i)
            data = T.allocate([4], "float32", "local")
            tmp = T.decl_buffer((4,), data=data, scope="local")
            for j in range(4):
                tmp[j] = x
            for j in range(4):
                A[i, j] = tmp[j]

    after = UnrollLoops()(before)
    well_formed(after, allow_undeclared_views=False)
    text = after.script()
    assert 'x_1: T.float32 = T.Cast("float32", 3)' in text
    assert "tmp_1 = T.decl_buffer" in text


def test_loops_with_symbolic_extent_stay():
    @T.prim_func
    def before(A: T.Buffer((8,), "float32"), n: T.int32):
        for i in T.unroll(n):
            A[i] = T.float32(0)

    after = UnrollLoops()(before)
    assert after is before
    assert after.body.kind is ForKind.UNROLLED


def test_small_serial_loops_unroll_when_configured(verified_context):
    @T.prim_func
    def before(A: T.Buffer((4, 100), "float32")):
        for i in range(4):
            for j in range(2):
                A[i, j] = T.float32(0)
            for j in range(100):
                A[i, j] = T.float32(1)

    @T.prim_func
    def expected(A: T.Buffer((4, 100), "float32")):
        for i in range(4):
            A[i, 0] = T.float32(0)
            A[i, 1] = T.float32(0)
            for j in range(100):
                A[i, j] = T.float32(1)

    assert UnrollLoops()(before) is before
    with verified_context(config={"tir.unroll_max_extent": 3}):
        assert_structural_equal(UnrollLoops()(before), expected)
    assert_structural_equal(UnrollLoops(max_extent=3)(before), expected)


def test_serial_unrolling_respects_the_size_limit():
    @T.prim_func
    def before(A: T.Buffer((4, 4), "float32")):
        for i in range(4):
            for j in range(4):
                A[i, j] = T.float32(0)

    after = UnrollLoops(max_extent=4, max_size=4)(before)
    assert after.script().count("A[") == 4  # the inner loop unrolled, the outer did not


def test_blocks_must_be_lowered_first():
    @T.prim_func
    def func(A: T.Buffer((4,), "float32")):
        for i in T.unroll(4):
            with T.block("A"):
                vi = T.axis.spatial(4, i)
                A[vi] = T.float32(0)

    with pytest.raises(PassError, match="run LowerBlocks"):
        UnrollLoops()(func)


@settings(max_examples=80)
@given(st.data())
def test_unrolled_programs_compute_the_same(data):
    program = data.draw(scheduled(data.draw(te_programs(symbolic=data.draw(st.booleans())))))
    passes = Sequential((LowerBlocks(), FlattenBuffers(), UnrollLoops(max_extent=3)))
    after = passes(program.func)
    assert "T.unroll" not in after.script() or program.sizes
    assert_same_results(program, after)
