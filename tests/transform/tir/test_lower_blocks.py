"""LowerBlocks: blocks become loop-level statements with the same meaning."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_same_results, scheduled, te_programs

from loom.ir import PassError, assert_structural_equal
from loom.ir.tir import interpret, well_formed
from loom.script import tir as T
from loom.transform.tir import LowerBlocks


def test_spatial_block_binds_iter_vars_to_loop_values():
    @T.prim_func
    def before(A: T.Buffer((16,), "float32"), B: T.Buffer((16,), "float32")):
        for io, ii in T.grid(4, 4):
            with T.block("B"):
                vi = T.axis.spatial(16, io * 4 + ii)
                B[vi] = A[vi] * T.float32(2)

    @T.prim_func
    def expected(A: T.Buffer((16,), "float32"), B: T.Buffer((16,), "float32")):
        for io, ii in T.grid(4, 4):
            B[io * 4 + ii] = A[io * 4 + ii] * T.float32(2)

    assert_structural_equal(LowerBlocks()(before), expected)


def test_predicate_becomes_an_if():
    @T.prim_func
    def before(A: T.Buffer((10,), "float32"), B: T.Buffer((10,), "float32")):
        for io, ii in T.grid(3, 4):
            with T.block("B"):
                vi = T.axis.spatial(10, io * 4 + ii)
                T.where(io * 4 + ii < 10)
                B[vi] = A[vi]

    @T.prim_func
    def expected(A: T.Buffer((10,), "float32"), B: T.Buffer((10,), "float32")):
        for io, ii in T.grid(3, 4):
            if io * 4 + ii < 10:
                B[io * 4 + ii] = A[io * 4 + ii]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_nested_blocks_see_the_values_of_the_outer_iteration_variables():
    @T.prim_func
    def before(B: T.Buffer((4, 4), "float32")):
        for i in range(4):
            with T.block("outer"):
                vi = T.axis.spatial(4, i)
                for j in range(4):
                    with T.block("inner"):
                        vj = T.axis.spatial(4, j)
                        B[vi, vj] = T.Cast("float32", vi * 4 + vj)

    @T.prim_func
    def expected(B: T.Buffer((4, 4), "float32")):
        for i, j in T.grid(4, 4):
            B[i, j] = T.Cast("float32", i * 4 + j)

    assert_structural_equal(LowerBlocks()(before), expected)


def test_reduction_init_is_hoisted_before_innermost_reduce_loop():
    @T.prim_func
    def before(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i, k in T.grid(4, 8):
            with T.block("B"):
                vi, vk = T.axis.remap("SR", [i, k])
                with T.init():
                    B[vi] = T.float32(0)
                B[vi] = B[vi] + A[vi, vk]

    @T.prim_func
    def expected(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            B[i] = T.float32(0)
            for k in range(8):
                B[i] = B[i] + A[i, k]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_init_is_hoisted_before_several_reduce_loops_with_offset_domain():
    @T.prim_func
    def before(A: T.Buffer((4, 8, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            for k0 in range(1, 8):
                for k1 in range(8):
                    with T.block("B"):
                        vi = T.axis.spatial(4, i)
                        vk0 = T.axis.reduce((1, 8), k0)
                        vk1 = T.axis.reduce(8, k1)
                        with T.init():
                            B[vi] = T.float32(0)
                        B[vi] = B[vi] + A[vi, vk0, vk1]

    @T.prim_func
    def expected(A: T.Buffer((4, 8, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            B[i] = T.float32(0)
            for k0 in range(1, 8):
                for k1 in range(8):
                    B[i] = B[i] + A[i, k0, k1]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_hoisted_init_is_guarded_when_the_reduction_may_be_empty():
    @T.prim_func
    def before(a: T.handle, B: T.Buffer((4,), "float32")):
        n = T.int32()
        A = T.match_buffer(a, (4, n), "float32")
        for i, k in T.grid(4, n):
            with T.block("B"):
                vi, vk = T.axis.remap("SR", [i, k])
                with T.init():
                    B[vi] = T.float32(0)
                B[vi] = B[vi] + A[vi, vk]

    @T.prim_func
    def expected(a: T.handle, B: T.Buffer((4,), "float32")):
        n = T.int32()
        A = T.match_buffer(a, (4, n), "float32")
        for i in range(4):
            if n > 0:
                B[i] = T.float32(0)
            for k in range(n):
                B[i] = B[i] + A[i, k]

    after = LowerBlocks()(before)
    assert_structural_equal(after, expected)
    b_before, b_after = np.full(4, 7, "float32"), np.full(4, 7, "float32")
    interpret(before, np.zeros((4, 0), "float32"), b_before)
    interpret(after, np.zeros((4, 0), "float32"), b_after)
    np.testing.assert_array_equal(b_after, b_before)  # an empty sum never runs its init


def test_init_stays_guarded_when_a_spatial_loop_is_inside_the_reduction():
    @T.prim_func
    def before(A: T.Buffer((8, 4), "float32"), B: T.Buffer((4,), "float32")):
        for k, i in T.grid(8, 4):
            with T.block("B"):
                vk, vi = T.axis.remap("RS", [k, i])
                with T.init():
                    B[vi] = T.float32(0)
                B[vi] = B[vi] + A[vk, vi]

    @T.prim_func
    def expected(A: T.Buffer((8, 4), "float32"), B: T.Buffer((4,), "float32")):
        for k, i in T.grid(8, 4):
            if k == 0:
                B[i] = T.float32(0)
            B[i] = B[i] + A[k, i]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_init_stays_guarded_when_the_reduce_value_is_not_a_loop_variable():
    @T.prim_func
    def before(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i, ko, ki in T.grid(4, 2, 4):
            with T.block("B"):
                vi = T.axis.spatial(4, i)
                vk = T.axis.reduce(8, ko * 4 + ki)
                with T.init():
                    B[vi] = T.float32(0)
                B[vi] = B[vi] + A[vi, vk]

    @T.prim_func
    def expected(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i, ko, ki in T.grid(4, 2, 4):
            if ko * 4 + ki == 0:
                B[i] = T.float32(0)
            B[i] = B[i] + A[i, ko * 4 + ki]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_hoisted_init_keeps_the_predicate_at_the_first_iteration():
    @T.prim_func
    def before(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i, k in T.grid(4, 8):
            with T.block("B"):
                vi, vk = T.axis.remap("SR", [i, k])
                T.where(i + k < 6)
                with T.init():
                    B[vi] = T.float32(0)
                B[vi] = B[vi] + A[vi, vk]

    @T.prim_func
    def expected(A: T.Buffer((4, 8), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            if i + 0 < 6:
                B[i] = T.float32(0)
            for k in range(8):
                if i + k < 6:
                    B[i] = B[i] + A[i, k]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_alloc_buffers_become_allocate_and_decl_buffer():
    @T.prim_func
    def before(A: T.Buffer((4, 4), "float32"), B: T.Buffer((4, 4), "float32")):
        with T.block("root"):
            T.reads()
            T.writes()
            tmp = T.alloc_buffer((4, 4), "float32", scope="local")
            for i, j in T.grid(4, 4):
                with T.block("tmp"):
                    vi, vj = T.axis.remap("SS", [i, j])
                    tmp[vi, vj] = A[vi, vj] + T.float32(1)
            for i, j in T.grid(4, 4):
                with T.block("B"):
                    vi, vj = T.axis.remap("SS", [i, j])
                    B[vi, vj] = tmp[vj, vi]

    @T.prim_func
    def expected(A: T.Buffer((4, 4), "float32"), B: T.Buffer((4, 4), "float32")):
        data = T.allocate([4, 4], "float32", "local")
        tmp = T.decl_buffer((4, 4), "float32", data=data, scope="local")
        for i, j in T.grid(4, 4):
            tmp[i, j] = A[i, j] + T.float32(1)
        for i, j in T.grid(4, 4):
            B[i, j] = tmp[j, i]

    assert_structural_equal(LowerBlocks()(before), expected)


def test_match_buffer_becomes_a_view_with_region_strides_and_offset():
    @T.prim_func
    def before(A: T.Buffer((16, 16), "float32"), B: T.Buffer((16, 16), "float32")):
        s0 = T.int32()
        s1 = T.int32()
        for i, j in T.grid(4, 4):
            with T.block("tile"):
                vi, vj = T.axis.remap("SS", [i, j])
                As = T.match_buffer(
                    A[vi * 4 : vi * 4 + 4, vj * 4 : vj * 4 + 4], (4, 4), strides=(s0, s1)
                )
                for ii, jj in T.grid(4, 4):
                    B[vj * 4 + jj, vi * 4 + ii] = As[ii, jj] * T.float32(s0)

    @T.prim_func
    def expected(A: T.Buffer((16, 16), "float32"), B: T.Buffer((16, 16), "float32")):
        for i, j in T.grid(4, 4):
            As = T.decl_buffer((4, 4), data=A.data, strides=(16, 1), elem_offset=i * 64 + j * 4)
            for ii, jj in T.grid(4, 4):
                B[j * 4 + jj, i * 4 + ii] = As[ii, jj] * T.Cast("float32", 16)

    after = LowerBlocks()(before)
    assert_structural_equal(after, expected)


def test_match_buffer_size_variables_are_replaced_by_the_region():
    @T.prim_func
    def before(a: T.handle, B: T.Buffer((4,), "float32")):
        n = T.int32()
        m = T.int32()
        A = T.match_buffer(a, (4, n), "float32")
        for i in range(4):
            with T.block("row"):
                vi = T.axis.spatial(4, i)
                row = T.match_buffer(A[vi, 0:n], (m,))
                B[vi] = T.float32(0)
                for k in range(m):
                    B[vi] = B[vi] + row[k]

    after = LowerBlocks()(before)
    well_formed(after)
    a = np.arange(12, dtype="float32").reshape(4, 3)
    b = np.zeros(4, "float32")
    interpret(after, a, b)
    np.testing.assert_array_equal(b, a.sum(1))


def test_match_buffer_layout_that_cannot_be_proved_becomes_an_assert():
    @T.prim_func
    def before(a: T.handle, B: T.Buffer((4,), "float32"), m: T.int32):
        n = T.int32()
        A = T.match_buffer(a, (4, n), "float32")
        for i in range(4):
            with T.block("row"):
                vi = T.axis.spatial(4, i)
                row = T.match_buffer(A[vi, 0:n], (m,))
                B[vi] = row[0]

    after = LowerBlocks()(before)
    assert "assert" in after.script()
    b = np.zeros(4, "float32")
    interpret(after, np.ones((4, 3), "float32"), b, 3)
    with pytest.raises(Exception, match="shape"):
        interpret(after, np.ones((4, 3), "float32"), b, 2)


def test_match_buffer_over_a_non_compact_region_needs_strides():
    @T.prim_func
    def before(A: T.Buffer((16, 16), "float32"), B: T.Buffer((4, 4), "float32")):
        with T.block("tile"):
            As = T.match_buffer(A[0:4, 0:4], (4, 4))
            for i, j in T.grid(4, 4):
                B[i, j] = As[i, j]

    with pytest.raises(PassError, match="not compact"):
        LowerBlocks()(before)


def test_block_with_iteration_variables_needs_a_realize():
    from loom.ir import replace
    from loom.ir.tir import BlockRealize

    @T.prim_func
    def func(A: T.Buffer((4,), "float32")):
        for i in range(4):
            with T.block("A"):
                vi = T.axis.spatial(4, i)
                A[vi] = T.float32(0)

    realize = func.body.body
    assert isinstance(realize, BlockRealize)
    broken = replace(func, body=replace(func.body, body=realize.block))
    with pytest.raises(PassError, match="no BlockRealize binds them"):
        LowerBlocks()(broken)


def test_function_without_blocks_is_returned_unchanged():
    @T.prim_func
    def func(A: T.Buffer((4,), "float32")):
        for i in range(4):
            A[i] = T.float32(0)

    assert LowerBlocks()(func) is func


@settings(max_examples=100)
@given(st.data())
def test_lowered_programs_compute_the_same(data):
    program = data.draw(scheduled(data.draw(te_programs())))
    after = LowerBlocks()(program.func)
    assert "T.block" not in after.script()
    assert_same_results(program, after)
