"""FlattenBuffers: every access becomes one index into flat memory, declared by DeclBuffer."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_same_results, scheduled, te_programs

from loom.ir import PassError, Visitor, assert_structural_equal
from loom.ir.tir import interpret, well_formed
from loom.script import tir as T
from loom.transform import Sequential
from loom.transform.tir import FlattenBuffers, LowerBlocks


def test_param_buffers_are_accessed_through_flat_aliases():
    @T.prim_func
    def before(A: T.Buffer((4, 8), "float32"), B: T.Buffer((8,), "float32")):
        for i, j in T.grid(4, 8):
            B[j] = A[i, j]

    @T.prim_func
    def expected(A: T.Buffer((4, 8), "float32"), B: T.Buffer((8,), "float32")):
        A_1 = T.decl_buffer((32,), data=A.data)
        for i, j in T.grid(4, 8):
            B[j] = A_1[i * 8 + j]

    assert_structural_equal(FlattenBuffers()(before), expected)


def test_strides_and_elem_offset_are_honoured():
    @T.prim_func
    def before(a: T.handle, B: T.Buffer((4,), "float32")):
        n = T.int32()
        s = T.int32()
        off = T.int32()
        A = T.match_buffer(a, (n, 4), "float32", strides=(s, 1), elem_offset=off)
        for i in range(4):
            B[i] = A[1, i]

    @T.prim_func
    def expected(a: T.handle, B: T.Buffer((4,), "float32")):
        n = T.int32()
        s = T.int32()
        off = T.int32()
        A = T.match_buffer(a, (n, 4), "float32", strides=(s, 1), elem_offset=off)
        A_1 = T.decl_buffer((off + T.max(n * s - s + 4, 0),), data=A.data)
        for i in range(4):
            B[i] = A_1[off + s + i]

    after = FlattenBuffers()(before)
    assert_structural_equal(after, expected)
    base = np.arange(33, dtype="float32")
    a = base[3:].reshape(5, 6)[:, :4]  # row stride 6, three elements into its allocation
    b = np.zeros(4, "float32")
    interpret(after, a, b)
    np.testing.assert_array_equal(b, a[1])


def test_allocations_get_one_extent_and_a_flat_declaration():
    @T.prim_func
    def before(A: T.Buffer((8,), "int32")):
        data = T.allocate([2, 4], "int32", "local")
        C = T.decl_buffer((2, 4), "int32", data=data, scope="local")
        for b in range(8):
            C[b // 4, b % 4] = b
        for b in range(8):
            A[b] = C[b // 4, b % 4]

    @T.prim_func
    def expected(A: T.Buffer((8,), "int32")):
        data = T.allocate([8], "int32", "local")
        C = T.decl_buffer((8,), "int32", data=data, scope="local")
        for b in range(8):
            C[b // 4 * 4 + b % 4] = b
        for b in range(8):
            A[b] = C[b // 4 * 4 + b % 4]

    assert_structural_equal(FlattenBuffers()(before), expected)


def test_undeclared_view_is_declared_where_its_memory_is_bound():
    @T.prim_func
    def before(A: T.Buffer((6,), "float32")):
        data = T.allocate([6], "float32", "global")
        V = T.Buffer((2, 3), "float32", data=data)
        for i, j in T.grid(2, 3):
            V[i, j] = T.float32(1)
        for k in range(6):
            A[k] = V[k // 3, k % 3]

    @T.prim_func
    def expected(A: T.Buffer((6,), "float32")):
        data = T.allocate([6], "float32", "global")
        V = T.decl_buffer((6,), "float32", data=data)
        for i, j in T.grid(2, 3):
            V[i * 3 + j] = T.float32(1)
        for k in range(6):
            A[k] = V[k // 3 * 3 + k % 3]

    assert_structural_equal(FlattenBuffers()(before), expected)


def test_vector_indices_stay_ramps():
    @T.prim_func
    def before(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4, 8), "float32")):
        for i in range(4):
            B[i, T.Ramp(0, 1, 8)] = A[i, T.Ramp(0, 1, 8)]

    @T.prim_func
    def expected(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4, 8), "float32")):
        A_1 = T.decl_buffer((32,), data=A.data)
        B_1 = T.decl_buffer((32,), data=B.data)
        for i in range(4):
            B_1[T.Ramp(i * 8, 1, 8)] = A_1[T.Ramp(i * 8, 1, 8)]

    assert_structural_equal(FlattenBuffers()(before), expected)


def test_int64_shapes_give_int64_indices():
    @T.prim_func
    def before(a: T.handle):
        n = T.int64()
        A = T.match_buffer(a, (n, T.int64(4)), "float32")
        for i in range(n):
            A[i, T.int64(2)] = T.float32(0)

    @T.prim_func
    def expected(a: T.handle):
        n = T.int64()
        A = T.match_buffer(a, (n, T.int64(4)), "float32")
        A_1 = T.decl_buffer((n * T.int64(4),), data=A.data)
        for i in range(n):
            A_1[i * T.int64(4) + T.int64(2)] = T.float32(0)

    assert_structural_equal(FlattenBuffers()(before), expected)


def test_a_scalar_buffer_becomes_one_element():
    @T.prim_func
    def before(A: T.Buffer((), "float32"), B: T.Buffer((2,), "float32")):
        B[1] = A[()]

    @T.prim_func
    def expected(A: T.Buffer((), "float32"), B: T.Buffer((2,), "float32")):
        A_1 = T.decl_buffer((1,), data=A.data)
        B[1] = A_1[0]

    assert_structural_equal(FlattenBuffers()(before), expected)


def test_blocks_must_be_lowered_first():
    @T.prim_func
    def func(A: T.Buffer((4,), "float32")):
        for i in range(4):
            with T.block("A"):
                vi = T.axis.spatial(4, i)
                A[vi] = T.float32(0)

    with pytest.raises(PassError, match="run LowerBlocks"):
        FlattenBuffers()(func)


class _Accesses(Visitor):
    def __init__(self):
        self.buffers = []

    def visit_buffer_load(self, node):
        self.buffers.append(node.buffer)
        self.generic_visit(node)

    def visit_buffer_store(self, node):
        self.buffers.append(node.buffer)
        self.generic_visit(node)


@settings(max_examples=100)
@given(st.data())
def test_flattened_programs_compute_the_same(data):
    program = data.draw(scheduled(data.draw(te_programs())))
    after = Sequential((LowerBlocks(), FlattenBuffers()))(program.func)
    well_formed(after, allow_undeclared_views=False)
    accesses = _Accesses()
    accesses.visit(after.body)
    for buffer in accesses.buffers:
        assert buffer.ndim == 1
        assert not buffer.strides
        assert buffer.elem_offset.value == 0
    assert set(after.buffer_map.values()) == set(program.func.buffer_map.values())
    assert_same_results(program, after)
