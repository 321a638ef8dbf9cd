"""Blocks in the reference interpreter: iteration binding, init, predicates, alloc and match."""

import numpy as np
import pytest

from loom.ir import InterpreterError
from loom.ir.tir import (
    Block,
    BlockRealize,
    BufferRegion,
    BufferStore,
    For,
    ForKind,
    IterType,
    IterVar,
    MatchBufferRegion,
    PrimFunc,
    Range,
    Var,
    const,
    convert,
    decl_buffer,
    interpret,
    seq,
)

S, R = IterType.DATA_PAR, IterType.COMM_REDUCE


def prim_func(body, *buffers, scalars=()):
    params, buffer_map = list(scalars), {}
    for buffer in buffers:
        handle = Var(f"{buffer.name}_handle", "handle")
        params.append(handle)
        buffer_map[handle] = buffer
    return PrimFunc(params, body, buffer_map)


def store(buffer, value, *indices):
    return BufferStore(buffer, convert(value, buffer.dtype), tuple(convert(i) for i in indices))


def loops(variables, extents, body):
    for var, extent in reversed(list(zip(variables, extents))):
        body = For(var, const(0), const(extent), ForKind.SERIAL, body)
    return body


def realize(name, iters, values, body, *, init=None, predicate=True, alloc=(), match=()):
    """A block realize; `iters` holds (var, (min, extent), kind) triples."""
    iter_vars = tuple(IterVar(v, Range(lo, ext), kind) for v, (lo, ext), kind in iters)
    block = Block(iter_vars, (), (), name, body, init, tuple(alloc), tuple(match))
    return BlockRealize(tuple(convert(v) for v in values), convert(predicate), block)


i, j, k, m = Var("i"), Var("j"), Var("k"), Var("m")
vi, vj, vk, vm = Var("vi"), Var("vj"), Var("vk"), Var("vm")


def test_init_runs_at_the_first_reduction_iteration():
    A = decl_buffer((4, 8), "float32", "A")
    B = decl_buffer((4,), "float32", "B")
    # The reduction domain starts at 2: init must run when vk == 2, not when k == 0.
    body = realize(
        "B",
        [(vi, (0, 4), S), (vk, (2, 6), R)],
        [i, k + 2],
        store(B, B[vi] + A[vi, vk], vi),
        init=store(B, 0.0, vi),
    )
    a = np.random.default_rng(0).random((4, 8), dtype=np.float32)
    b = np.full(4, 1e6, np.float32)
    interpret(prim_func(loops([i, k], [4, 6], body), A, B), a, b)
    np.testing.assert_allclose(b, a[:, 2:].sum(axis=1), rtol=1e-6)


def test_init_with_two_reduction_variables():
    A = decl_buffer((3, 4, 5), "int32", "A")
    B = decl_buffer((3,), "int32", "B")
    body = realize(
        "B",
        [(vi, (0, 3), S), (vk, (0, 4), R), (vm, (0, 5), R)],
        [i, k, m],
        store(B, B[vi] + A[vi, vk, vm], vi),
        init=store(B, 100, vi),
    )
    a = np.arange(60, dtype=np.int32).reshape(3, 4, 5)
    b = np.zeros(3, np.int32)
    interpret(prim_func(loops([i, k, m], [3, 4, 5], body), A, B), a, b)
    np.testing.assert_array_equal(b, a.sum(axis=(1, 2)) + 100)


def test_init_without_reduction_variables_runs_every_instance():
    B = decl_buffer((4,), "int32", "B")
    body = realize("B", [(vi, (0, 4), S)], [i], store(B, B[vi] + 1, vi), init=store(B, 10, vi))
    b = np.zeros(4, np.int32)
    interpret(prim_func(loops([i], [4], body), B), b)
    np.testing.assert_array_equal(b, [11, 11, 11, 11])


def test_false_predicate_skips_the_instance():
    B = decl_buffer((10,), "int32", "B")
    # 3 x 4 = 12 instances cover 10 elements; the predicate drops the last two, whose
    # iteration value would lie outside the domain.
    body = realize(
        "B", [(vi, (0, 10), S)], [i * 4 + j], store(B, vi * vi, vi), predicate=i * 4 + j < 10
    )
    b = np.zeros(10, np.int32)
    interpret(prim_func(loops([i, j], [3, 4], body), B), b)
    np.testing.assert_array_equal(b, np.arange(10) ** 2)


def test_iteration_value_outside_its_domain_raises():
    B = decl_buffer((12,), "int32", "B")
    body = realize("B", [(vi, (0, 10), S)], [i * 4 + j], store(B, 1, vi))
    with pytest.raises(InterpreterError, match=r"block B: vi = 10 is outside its domain \[0, 10\)"):
        interpret(prim_func(loops([i, j], [3, 4], body), B), np.zeros(12, np.int32))


def test_alloc_buffers_are_fresh_for_every_instance():
    B = decl_buffer((4,), "int32", "B")
    acc = decl_buffer((1,), "int32", "acc")
    inner = For(k, const(0), const(3), ForKind.SERIAL, store(acc, acc[0] + vi, 0))
    body = realize("B", [(vi, (0, 4), S)], [i], seq(inner, store(B, acc[0], vi)), alloc=[acc])
    b = np.zeros(4, np.int32)
    interpret(prim_func(loops([i], [4], body), B), b)
    np.testing.assert_array_equal(b, np.arange(4) * 3)  # acc starts at zero each time


def test_root_block_holds_intermediate_buffers():
    A = decl_buffer((4,), "float32", "A")
    B = decl_buffer((4,), "float32", "B")
    T = decl_buffer((4,), "float32", "T")
    first = realize("T", [(vi, (0, 4), S)], [i], store(T, A[vi] * 2.0, vi))
    second = realize("B", [(vj, (0, 4), S)], [j], store(B, T[vj] + 1.0, vj))
    root = BlockRealize(
        (),
        const(True),
        Block(
            (),
            (),
            (),
            "root",
            seq(loops([i], [4], first), loops([j], [4], second)),
            alloc_buffers=(T,),
        ),
    )
    a, b = np.arange(4, dtype=np.float32), np.zeros(4, np.float32)
    interpret(prim_func(root, A, B), a, b)
    np.testing.assert_array_equal(b, a * 2 + 1)


def test_match_buffer_views_a_region_and_binds_strides():
    A = decl_buffer((4, 6), "float32", "A")
    B = decl_buffer((4, 3), "float32", "B")
    info = decl_buffer((2, 2), "int32", "info")
    s0, off = Var("s0"), Var("off")
    tile = decl_buffer((2, 3), "float32", "tile", strides=(s0, 1), elem_offset=off)
    region = BufferRegion(A, (Range(vi * 2, 2), Range(3, 3)))
    copy = seq(
        For(
            k,
            const(0),
            const(3),
            ForKind.SERIAL,
            seq(store(B, tile[0, k], vi * 2, k), store(B, tile[1, k], vi * 2 + 1, k)),
        ),
        store(info, s0, vi, 0),
        store(info, off, vi, 1),
    )
    body = realize("tile", [(vi, (0, 2), S)], [i], copy, match=[MatchBufferRegion(tile, region)])
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    b, bound = np.zeros((4, 3), np.float32), np.zeros((2, 2), np.int32)
    interpret(prim_func(loops([i], [2], body), A, B, info), a, b, bound)
    np.testing.assert_array_equal(b, a[:, 3:])
    np.testing.assert_array_equal(bound, [[6, 3], [6, 15]])  # row stride; where each tile starts


def test_match_buffer_needs_strides_for_a_non_compact_region():
    A = decl_buffer((4, 6), "float32", "A")
    tile = decl_buffer((2, 3), "float32", "tile")
    region = BufferRegion(A, (Range(0, 2), Range(0, 3)))
    body = realize("tile", [], [], store(tile, 1.0, 0, 0), match=[MatchBufferRegion(tile, region)])
    with pytest.raises(InterpreterError, match="is not compact"):
        interpret(prim_func(body, A), np.zeros((4, 6), np.float32))


def test_match_buffer_drops_leading_unit_dimensions():
    A = decl_buffer((4, 6), "float32", "A")
    row = decl_buffer((6,), "float32", "row")
    B = decl_buffer((4,), "float32", "B")
    region = BufferRegion(A, (Range(vi, 1), Range(0, 6)))
    body = realize(
        "row",
        [(vi, (0, 4), S)],
        [i],
        store(B, row[5] - row[0], vi),
        match=[MatchBufferRegion(row, region)],
    )
    a = np.arange(24, dtype=np.float32).reshape(4, 6) ** 2
    b = np.zeros(4, np.float32)
    interpret(prim_func(loops([i], [4], body), A, B), a, b)
    np.testing.assert_array_equal(b, a[:, 5] - a[:, 0])


def test_match_buffer_region_out_of_bounds_raises():
    A = decl_buffer((4, 6), "float32", "A")
    row = decl_buffer((6,), "float32", "row")
    region = BufferRegion(A, (Range(4, 1), Range(0, 6)))
    body = realize("row", [], [], store(row, 0.0, 0), match=[MatchBufferRegion(row, region)])
    with pytest.raises(InterpreterError, match=r"region \[4:5, 0:6\] is out of bounds of A"):
        interpret(prim_func(body, A), np.zeros((4, 6), np.float32))
