"""The reference interpreter runs every statement kind; loops of every kind run serially."""

import numpy as np
import pytest

from loom.ir import InterpreterError
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    BufferStore,
    DeclBuffer,
    Evaluate,
    For,
    ForKind,
    IfThenElse,
    IterType,
    IterVar,
    LetStmt,
    PrimFunc,
    Range,
    Var,
    While,
    call_packed,
    const,
    convert,
    decl_buffer,
    eq,
    interpret,
    ne,
    seq,
)


def prim_func(body, *buffers, scalars=()):
    params, buffer_map = list(scalars), {}
    for buffer in buffers:
        handle = Var(f"{buffer.name}_handle", "handle")
        params.append(handle)
        buffer_map[handle] = buffer
    return PrimFunc(params, body, buffer_map)


def store(buffer, value, *indices):
    return BufferStore(buffer, convert(value, buffer.dtype), tuple(convert(i) for i in indices))


def loop(var, extent, body, kind=ForKind.SERIAL, low=0, **kw):
    return For(var, const(low), const(extent), kind, body, **kw)


A = decl_buffer((8,), "int32", "A")
i = Var("i")


@pytest.mark.parametrize(
    "kind", [ForKind.SERIAL, ForKind.PARALLEL, ForKind.VECTORIZED, ForKind.UNROLLED]
)
def test_every_loop_kind_runs_in_order(kind):
    # A running sum needs iteration i-1 to finish before iteration i.
    body = store(A, A[i - 1] + i, i)
    data = np.zeros(8, np.int32)
    interpret(prim_func(loop(i, 7, body, kind, low=1), A), data)
    np.testing.assert_array_equal(data, np.cumsum(np.arange(8)))


def test_thread_bound_loop_runs_serially():
    tx = Var("tx")
    binding = IterVar(tx, Range(0, 8), IterType.THREAD_INDEX, "threadIdx.x")
    body = store(A, tx * 2, tx)
    data = np.zeros(8, np.int32)
    interpret(prim_func(loop(tx, 8, body, ForKind.THREAD_BINDING, thread_binding=binding), A), data)
    np.testing.assert_array_equal(data, np.arange(8) * 2)


def test_loop_with_symbolic_bounds():
    n = Var("n")
    body = store(A, const(1), i)
    data = np.zeros(8, np.int32)
    interpret(prim_func(For(i, n, n - 1, ForKind.SERIAL, body), A, scalars=[n]), 3, data)
    np.testing.assert_array_equal(data, [0, 0, 0, 1, 1, 0, 0, 0])  # i in [n, 2n - 1)


def test_while_and_if_then_else():
    step = seq(
        IfThenElse(eq(A[0] % 2, 0), store(A, A[0] // 2, 0), store(A, A[0] * 3 + 1, 0)),
        store(A, A[1] + 1, 1),
    )
    data = np.array([27, 0, 0, 0, 0, 0, 0, 0], np.int32)
    interpret(prim_func(While(ne(A[0], 1), step), A), data)
    assert data[:2].tolist() == [1, 111]  # the Collatz path of 27 has 111 steps


def test_if_without_else():
    body = IfThenElse(i < 3, store(A, const(5), i))
    data = np.full(8, -1, np.int32)
    interpret(prim_func(loop(i, 8, body), A), data)
    np.testing.assert_array_equal(data, [5, 5, 5, -1, -1, -1, -1, -1])


def test_let_stmt_scopes_its_variable():
    v = Var("v")
    body = LetStmt(v, i * i, store(A, v + 1, i))
    data = np.zeros(8, np.int32)
    interpret(prim_func(loop(i, 8, body), A), data)
    np.testing.assert_array_equal(data, np.arange(8) ** 2 + 1)


def test_allocate_is_zeroed_and_decl_buffer_views_it():
    data = Var("scratch", "handle")
    flat = decl_buffer((6,), "int32", "flat", data=data)
    grid = decl_buffer((2, 2), "int32", "grid", data=data, strides=(3, 1), elem_offset=1)
    j = Var("j")
    body = seq(
        loop(i, 6, store(A, flat[i], i)),  # fresh memory reads as zeros
        loop(i, 2, loop(j, 2, BufferStore(grid, i * 10 + j + 1, (i, j)))),
        loop(i, 6, store(A, A[i] + flat[i], i)),
    )
    program = Allocate(
        data, "int32", (const(6),), const(True), DeclBuffer(flat, DeclBuffer(grid, body))
    )
    result = np.full(8, 100, np.int32)
    interpret(prim_func(program, A), result)
    # grid[r, c] sits at 1 + 3r + c of the allocation.
    np.testing.assert_array_equal(result, [0, 1, 2, 0, 11, 12, 100, 100])


def test_buffer_used_on_an_allocation_without_decl_buffer():
    data = Var("tmp", "handle")
    tmp = decl_buffer((8,), "int32", "tmp", data=data)
    body = seq(loop(i, 8, store(tmp, i * 3, i)), loop(i, 8, store(A, tmp[7 - i], i)))
    result = np.zeros(8, np.int32)
    interpret(prim_func(Allocate(data, "int32", (const(8),), const(True), body), A), result)
    np.testing.assert_array_equal(result, (7 - np.arange(8)) * 3)


def test_evaluate_runs_calls_for_their_effect():
    seen = []
    body = loop(i, 3, Evaluate(call_packed("log", i)))
    interpret(prim_func(body, A), np.zeros(8, np.int32), packed_funcs={"log": seen.append})
    assert seen == [0, 1, 2]


def test_assert_passes_then_runs_body():
    body = AssertStmt(A[0] >= 0, "A[0] must be non-negative", store(A, const(9), 1))
    data = np.zeros(8, np.int32)
    interpret(prim_func(body, A), data)
    assert data[1] == 9


def test_failing_assert_raises_its_message():
    body = AssertStmt(A[0] >= 0, "A[0] must be non-negative", store(A, const(9), 1))
    data = np.array([-1, 0, 0, 0, 0, 0, 0, 0], np.int32)
    with pytest.raises(InterpreterError, match=r"^error: A\[0\] must be non-negative$"):
        interpret(prim_func(body, A), data)
    assert data[1] == 0


@pytest.mark.parametrize("index", [8, -1])
def test_out_of_bounds_store_names_buffer_and_index(index):
    body = store(A, const(1), const(index))
    with pytest.raises(
        InterpreterError,
        match=rf"index \[{index}\] is out of bounds of buffer A "
        r"with shape \[8\]",
    ):
        interpret(prim_func(body, A), np.zeros(8, np.int32))


def test_out_of_bounds_load_is_never_a_numpy_wrap():
    B = decl_buffer((2, 4), "int32", "B")
    j = Var("j")
    body = loop(j, 4, store(A, B[j - 1, j], j))  # B[-1, 0] would wrap in numpy
    with pytest.raises(InterpreterError, match=r"index \[-1, 0\] is out of bounds of buffer B"):
        interpret(prim_func(body, A, B), np.zeros(8, np.int32), np.zeros((2, 4), np.int32))


def test_decl_buffer_outside_its_memory_raises():
    data = Var("scratch", "handle")
    big = decl_buffer((8,), "int32", "big", data=data)
    body = loop(i, 8, store(big, i, i))
    program = Allocate(data, "int32", (const(4),), const(True), DeclBuffer(big, body))
    with pytest.raises(InterpreterError, match=r"element \[4\] of buffer big lies outside"):
        interpret(prim_func(program, A), np.zeros(8, np.int32))
