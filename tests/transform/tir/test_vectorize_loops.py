"""VectorizeLoops: vectorized loops become vector code, or serial loops where that would differ."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_same_results, scheduled, te_programs

from loom.ir import assert_structural_equal, replace
from loom.ir.tir import ForKind, interpret
from loom.script import tir as T
from loom.transform import Sequential
from loom.transform.tir import FlattenBuffers, LowerBlocks, VectorizeLoops


def test_elementwise_loop_becomes_vector_loads_and_stores():
    @T.prim_func
    def before(A: T.Buffer((32,), "float32"), B: T.Buffer((32,), "float32")):
        for i in range(4):
            for j in T.vectorized(8):
                B[i * 8 + j] = A[i * 8 + j] * T.float32(2)

    @T.prim_func
    def expected(A: T.Buffer((32,), "float32"), B: T.Buffer((32,), "float32")):
        for i in range(4):
            B[T.Ramp(i * 8, 1, 8)] = A[T.Ramp(i * 8, 1, 8)] * T.Broadcast(T.float32(2), 8)

    assert_structural_equal(VectorizeLoops()(before), expected)


def test_calls_casts_selects_and_invariant_loads():
    @T.prim_func
    def before(A: T.Buffer((8,), "float32"), s: T.Buffer((1,), "float32")):
        for j in T.vectorized(4):
            A[j] = T.Select(A[j] > s[0], T.exp(A[j]), T.Cast("float32", j))

    @T.prim_func
    def expected(A: T.Buffer((8,), "float32"), s: T.Buffer((1,), "float32")):
        A[T.Ramp(0, 1, 4)] = T.Select(
            A[T.Ramp(0, 1, 4)] > T.Broadcast(s[0], 4),
            T.exp(A[T.Ramp(0, 1, 4)]),
            T.Cast("float32x4", T.Ramp(0, 1, 4)),
        )

    assert_structural_equal(VectorizeLoops()(before), expected)


def test_lets_become_vector_lets_and_invariant_ifs_stay():
    @T.prim_func
    def before(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32"), n: T.int32):
        for j in T.vectorized(4):
            if n > 0:
                x: T.float32 = A[j] + T.float32(1)
                B[j] = x * x

    @T.prim_func
    def expected(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32"), n: T.int32):
        if n > 0:
            x: T.float32x4 = A[T.Ramp(0, 1, 4)] + T.Broadcast(T.float32(1), 4)
            B[T.Ramp(0, 1, 4)] = x * x

    assert_structural_equal(VectorizeLoops()(before), expected)


def test_wide_loops_split_into_vectors_and_a_tail(verified_context):
    @T.prim_func
    def before(A: T.Buffer((10,), "float32")):
        for j in T.vectorized(10):
            A[j] = A[j] + T.float32(1)

    @T.prim_func
    def expected(A: T.Buffer((10,), "float32")):
        for j_outer in range(2):
            A[T.Ramp(j_outer * 4, 1, 4)] = A[T.Ramp(j_outer * 4, 1, 4)] + T.Broadcast(
                T.float32(1), 4
            )
        A[T.Ramp(8, 1, 2)] = A[T.Ramp(8, 1, 2)] + T.Broadcast(T.float32(1), 2)

    with verified_context(config={"tir.vector_width": 4}):
        assert_structural_equal(VectorizeLoops()(before), expected)
    after = VectorizeLoops(width=3)(before)
    assert "A[9] = A[9] + T.float32(1.0)" in after.script()  # a tail of one lane is scalar
    a, b = np.arange(10, dtype="float32"), np.arange(10, dtype="float32")
    interpret(before, a)
    interpret(after, b)
    np.testing.assert_array_equal(a, b)


@T.prim_func
def _nested(A: T.Buffer((16,), "float32")):
    for j in T.vectorized(4):
        for k in range(4):
            A[j * 4 + k] = T.float32(1)


@T.prim_func
def _lane_dependent_if(A: T.Buffer((8,), "float32")):
    for j in T.vectorized(8):
        if j < 3:
            A[j] = T.float32(1)


@T.prim_func
def _guarding_if_then_else(A: T.Buffer((6,), "float32"), B: T.Buffer((8,), "float32")):
    for j in T.vectorized(8):
        B[j] = T.if_then_else(j < 6, A[T.min(j, 5)], T.float32(0))


@T.prim_func
def _short_circuit(A: T.Buffer((6,), "float32"), B: T.Buffer((8,), "bool")):
    for j in T.vectorized(8):
        B[j] = j < 6 and A[T.min(j, 5)] > T.float32(0)


@T.prim_func
def _calls_out(A: T.Buffer((4,), "float32")):
    for j in T.vectorized(4):
        A[j] = T.call_extern("float32", "f", A[j])


@T.prim_func
def _allocates(A: T.Buffer((4,), "float32")):
    for j in T.vectorized(4):
        data = T.allocate([1], "float32", "local")
        tmp = T.decl_buffer((1,), data=data, scope="local")
        tmp[0] = A[j]
        A[j] = tmp[0] * T.float32(2)


@T.prim_func
def _same_element(A: T.Buffer((4,), "float32"), s: T.Buffer((1,), "float32")):
    for j in T.vectorized(4):
        s[0] = s[0] + A[j]


@T.prim_func
def _carried(A: T.Buffer((5,), "float32")):
    for j in T.vectorized(4):
        A[j + 1] = A[j] + T.float32(1)


@T.prim_func
def _colliding(A: T.Buffer((8,), "float32"), B: T.Buffer((4,), "float32")):
    for j in T.vectorized(8):
        B[j // 2] = B[j // 2] + A[j]


@T.prim_func
def _reads_a_neighbour(A: T.Buffer((5,), "float32"), C: T.Buffer((4,), "float32")):
    for j in T.vectorized(4):
        A[j] = T.float32(2)
        C[j] = A[j + 1]


@T.prim_func
def _symbolic(a: T.handle):
    n = T.int32()
    A = T.match_buffer(a, (n,), "float32")
    for j in T.vectorized(n):
        A[j] = T.float32(1)


@T.prim_func
def _while(A: T.Buffer((4,), "int32")):
    for j in T.vectorized(4):
        while A[j] < 3:
            A[j] = A[j] + 1


_FALLBACKS = {
    "nested loop": _nested,
    "lane-dependent if": _lane_dependent_if,
    "guarding if_then_else": _guarding_if_then_else,
    "short-circuit and": _short_circuit,
    "call out": _calls_out,
    "allocation": _allocates,
    "store to one element": _same_element,
    "loop-carried dependence": _carried,
    "colliding stores": _colliding,
    "read of a written neighbour": _reads_a_neighbour,
    "symbolic extent": _symbolic,
    "while": _while,
}


@pytest.mark.parametrize("name", list(_FALLBACKS))
def test_loops_that_would_change_meaning_become_serial(name):
    before = _FALLBACKS[name]
    after = VectorizeLoops()(before)
    loop = before.body
    assert_structural_equal(after.body, replace(loop, kind=ForKind.SERIAL))


def test_fallback_keeps_the_results_of_a_carried_dependence():
    a, b = np.arange(5, dtype="float32"), np.arange(5, dtype="float32")
    interpret(_carried, a)
    interpret(VectorizeLoops()(_carried), b)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, [0, 1, 2, 3, 4])


def test_inner_vectorized_loop_stays_inside_its_serial_loop():
    @T.prim_func
    def before(A: T.Buffer((4, 4), "float32")):
        for i in range(4):
            for j in T.vectorized(4):
                A[i, j] = A[i, j] + T.float32(1)

    @T.prim_func
    def expected(A: T.Buffer((4, 4), "float32")):
        for i in range(4):
            A[i, T.Ramp(0, 1, 4)] = A[i, T.Ramp(0, 1, 4)] + T.Broadcast(T.float32(1), 4)

    assert_structural_equal(VectorizeLoops()(before), expected)


@settings(max_examples=100)
@given(st.data())
def test_vectorized_programs_compute_the_same(data):
    program = data.draw(scheduled(data.draw(te_programs(symbolic=False))))
    passes = Sequential((LowerBlocks(), FlattenBuffers(), VectorizeLoops()))
    after = passes(program.func)
    assert "T.vectorized" not in after.script()
    assert_same_results(program, after)
