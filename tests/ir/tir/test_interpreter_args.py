"""Binding interpreter arguments: symbolic shapes, strides, offsets, and clear mismatch errors."""

import numpy as np
import pytest

from loom.ir import InterpreterError
from loom.ir.tir import (
    BufferStore,
    For,
    ForKind,
    PrimFunc,
    Var,
    const,
    convert,
    decl_buffer,
    interpret,
    seq,
)


def prim_func(body, *params, name="main"):
    """Params are buffers (bound through the buffer map) or scalar variables, in order."""
    handles, buffer_map = [], {}
    for param in params:
        if isinstance(param, Var):
            handles.append(param)
            continue
        handle = Var(f"{param.name}_handle", "handle")
        handles.append(handle)
        buffer_map[handle] = param
    return PrimFunc(handles, body, buffer_map, attrs={"global_symbol": name})


def store(buffer, value, *indices):
    return BufferStore(buffer, convert(value, buffer.dtype), tuple(convert(i) for i in indices))


def loop(var, extent, body):
    return For(var, convert(0, extent.dtype), extent, ForKind.SERIAL, body)


n, m = Var("n"), Var("m")
i, j = Var("i"), Var("j")


def copy_program(A, B):
    rows, cols = B.shape
    return prim_func(loop(i, rows, loop(j, cols, store(B, A[i, j] + 1.0, i, j))), A, B)


def test_symbolic_shape_binds_at_first_use_and_runs_at_two_sizes():
    A = decl_buffer((n, m), "float32", "A")
    B = decl_buffer((n, m), "float32", "B")
    func = copy_program(A, B)
    for shape in [(2, 3), (5, 7)]:
        a = np.random.default_rng(1).random(shape, dtype=np.float32)
        b = np.zeros(shape, np.float32)
        interpret(func, a, b)
        np.testing.assert_array_equal(b, a + 1)


def test_later_occurrence_of_a_shape_variable_is_checked():
    func = copy_program(decl_buffer((n, m), "float32", "A"), decl_buffer((n, m), "float32", "B"))
    with pytest.raises(
        InterpreterError,
        match=r"argument B of main: shape\[1\] is 4, expected m = 3 "
        r"\(array shape \(2, 4\), buffer shape \(n, m\)\)",
    ):
        interpret(func, np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32))


def test_shape_expression_is_checked_after_binding():
    A = decl_buffer((n * 2,), "int32", "A")
    B = decl_buffer((n,), "int32", "B")
    func = prim_func(loop(i, n, store(B, A[i * 2] + A[i * 2 + 1], i)), A, B)
    b = np.zeros(3, np.int32)
    interpret(func, np.arange(6, dtype=np.int32), b)
    np.testing.assert_array_equal(b, [1, 5, 9])
    with pytest.raises(InterpreterError, match=r"argument A of main: shape\[0\] is 7, expected"):
        interpret(func, np.arange(7, dtype=np.int32), b)


def test_scalar_params_bind_first_and_are_checked_against_shapes():
    A = decl_buffer((n,), "int32", "A")
    func = prim_func(loop(i, n, store(A, i * m, i)), A, n, m)
    a = np.zeros(4, np.int32)
    interpret(func, a, 4, 3)
    np.testing.assert_array_equal(a, np.arange(4) * 3)
    with pytest.raises(
        InterpreterError, match=r"argument A of main: shape\[0\] is 4, expected n = 5"
    ):
        interpret(func, a, 5, 3)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2.5, r"argument m of main: expected an integer \(int32\), got 2.5"),
        (2**31, r"argument m of main: 2147483648 does not fit in int32"),
        (np.zeros(1), r"argument m of main: expected a int32 number, got ndarray"),
    ],
)
def test_bad_scalar_argument(value, message):
    A = decl_buffer((4,), "int32", "A")
    func = prim_func(loop(i, const(4), store(A, m, i)), A, m)
    with pytest.raises(InterpreterError, match=message):
        interpret(func, np.zeros(4, np.int32), value)


def test_wrong_argument_count():
    func = copy_program(decl_buffer((2, 2), "float32", "A"), decl_buffer((2, 2), "float32", "B"))
    with pytest.raises(InterpreterError, match=r"main takes 2 arguments \(A, B\), got 1"):
        interpret(func, np.zeros((2, 2), np.float32))


def test_wrong_dtype():
    func = copy_program(decl_buffer((2, 2), "float32", "A"), decl_buffer((2, 2), "float32", "B"))
    with pytest.raises(
        InterpreterError, match="argument A of main: expected dtype float32, got float64"
    ):
        interpret(func, np.zeros((2, 2)), np.zeros((2, 2), np.float32))


def test_wrong_rank():
    func = copy_program(decl_buffer((n, 2), "float32", "A"), decl_buffer((n, 2), "float32", "B"))
    with pytest.raises(
        InterpreterError,
        match=r"argument B of main: expected 2 dimensions \(n, 2\), got 1 dimensions \(4,\)",
    ):
        interpret(func, np.zeros((2, 2), np.float32), np.zeros(4, np.float32))


def test_wrong_static_shape():
    func = copy_program(decl_buffer((2, 2), "float32", "A"), decl_buffer((2, 2), "float32", "B"))
    with pytest.raises(InterpreterError, match=r"argument A of main: shape\[0\] is 3, expected 2"):
        interpret(func, np.zeros((3, 2), np.float32), np.zeros((2, 2), np.float32))


def test_not_an_array():
    func = copy_program(decl_buffer((2, 2), "float32", "A"), decl_buffer((2, 2), "float32", "B"))
    with pytest.raises(
        InterpreterError, match="argument A of main: expected a numpy array of float32, got list"
    ):
        interpret(func, [[0, 0], [0, 0]], np.zeros((2, 2), np.float32))


def test_non_contiguous_array_needs_declared_strides():
    func = copy_program(decl_buffer((2, 2), "float32", "A"), decl_buffer((2, 2), "float32", "B"))
    with pytest.raises(
        InterpreterError, match="argument A of main: the array must be C-contiguous"
    ):
        interpret(func, np.zeros((2, 4), np.float32)[:, :2], np.zeros((2, 2), np.float32))


def test_strided_buffer_binds_and_honours_strides():
    s = Var("s")
    A = decl_buffer((3, 2), "float32", "A", strides=(s, 1))
    B = decl_buffer((3, 2), "float32", "B")
    info = decl_buffer((1,), "int32", "info")
    body = seq(loop(i, const(3), loop(j, const(2), store(B, A[i, j], i, j))), store(info, s, 0))
    base = np.arange(15, dtype=np.float32).reshape(3, 5)
    b, bound = np.zeros((3, 2), np.float32), np.zeros(1, np.int32)
    interpret(prim_func(body, A, B, info), base[:, 1:3], b, bound)
    np.testing.assert_array_equal(b, base[:, 1:3])
    assert bound[0] == 5


def test_constant_strides_are_checked():
    A = decl_buffer((3, 2), "float32", "A", strides=(4, 1))
    B = decl_buffer((3, 2), "float32", "B")
    func = prim_func(loop(i, const(3), loop(j, const(2), store(B, A[i, j], i, j))), A, B)
    b = np.zeros((3, 2), np.float32)
    interpret(func, np.zeros((3, 4), np.float32)[:, :2], b)
    with pytest.raises(
        InterpreterError, match=r"argument A of main: strides\[0\] is 5, expected 4"
    ):
        interpret(func, np.zeros((3, 5), np.float32)[:, :2], b)


def test_elem_offset_places_the_argument_in_its_allocation():
    off = Var("off")
    A = decl_buffer((4,), "int32", "A", elem_offset=off)
    whole = decl_buffer((6,), "int32", "whole", data=A.data)  # the same data pointer
    B = decl_buffer((2,), "int32", "B")
    body = seq(store(B, off, 0), store(B, whole[off + 1], 1))
    base = np.arange(10, dtype=np.int32) * 10
    b = np.zeros(2, np.int32)
    interpret(prim_func(body, A, B), base[2:6], b)
    np.testing.assert_array_equal(b, [2, 30])  # whole[3] is A[1], element 3 of the allocation


def test_constant_elem_offset_views_before_the_argument_as_out_of_reach():
    A = decl_buffer((4,), "int32", "A", elem_offset=2)
    whole = decl_buffer((6,), "int32", "whole", data=A.data)
    B = decl_buffer((1,), "int32", "B")
    b = np.zeros(1, np.int32)
    interpret(prim_func(store(B, whole[5], 0), A, B), np.arange(4, dtype=np.int32), b)
    assert b[0] == 3  # whole[5] is A[3]
    with pytest.raises(InterpreterError, match=r"element \[1\] of buffer whole lies outside"):
        interpret(prim_func(store(B, whole[1], 0), A, B), np.arange(4, dtype=np.int32), b)


def test_handle_param_outside_the_buffer_map_is_raw_memory():
    data = Var("data", "handle")
    flat = decl_buffer((6,), "float32", "flat", data=data)
    body = loop(i, const(6), store(flat, flat[i] * 2.0, i))
    func = PrimFunc((data,), body, {})
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    interpret(func, a)
    np.testing.assert_array_equal(a, np.arange(6).reshape(2, 3) * 2)


def test_store_into_a_read_only_array_raises():
    A = decl_buffer((4,), "float32", "A")
    readonly = np.zeros(4, np.float32)
    readonly.flags.writeable = False
    with pytest.raises(InterpreterError, match="cannot store into buffer A"):
        interpret(prim_func(store(A, 1.0, 0), A), readonly)
