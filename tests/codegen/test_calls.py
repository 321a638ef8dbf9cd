"""Calls out of compiled code: packed functions (results converted, errors propagated) and C
functions resolved in the process."""

import numpy as np
import pytest

import loom
from loom.codegen import CodegenError
from loom.ffi import FFIError
from loom.script import tir as T


@T.prim_func
def use_packed(A: T.Buffer((4,), "float32"), K: T.Buffer((4,), "int64")):
    for i in range(4):
        A[i] = T.call_packed("test.calls.half", i, T.float32(1), dtype="float32")
        K[i] = T.call_packed("test.calls.big", i, dtype="int64")


def test_results_convert_to_the_call_dtype():
    loom.ffi.register_func("test.calls.half", lambda i, x: i / 2 + x, override=True)
    loom.ffi.register_func("test.calls.big", lambda i: i * 2**40, override=True)
    a, k = np.zeros(4, "float32"), np.zeros(4, "int64")
    loom.build(use_packed)["main"](a, k)
    np.testing.assert_array_equal(a, [1, 1.5, 2, 2.5])
    np.testing.assert_array_equal(k, np.arange(4) * 2**40)


def test_an_exception_in_the_callee_fails_the_kernel():
    def boom(i, x):
        raise ValueError(f"no value for {i}")

    loom.ffi.register_func("test.calls.half", boom, override=True)
    with pytest.raises(FFIError, match="no value for 0") as info:
        loom.build(use_packed)["main"](np.zeros(4, "float32"), np.zeros(4, "int64"))
    assert isinstance(info.value.__cause__, ValueError)


def test_a_result_of_the_wrong_kind_is_an_error():
    loom.ffi.register_func("test.calls.half", lambda i, x: "text", override=True)
    loom.ffi.register_func("test.calls.big", lambda i: 0, override=True)
    with pytest.raises(FFIError, match=r"test.calls.half'\) returned a value that is not"):
        loom.build(use_packed)["main"](np.zeros(4, "float32"), np.zeros(4, "int64"))


@T.prim_func
def narrow(A: T.Buffer((1,), "int8")):
    A[0] = T.call_packed("test.calls.narrow", dtype="int8")


def test_an_integer_result_must_fit():
    loom.ffi.register_func("test.calls.narrow", lambda: 300, override=True)
    with pytest.raises(FFIError, match="does not fit in int8"):
        loom.build(narrow)["main"](np.zeros(1, "int8"))


def test_a_missing_packed_function_is_an_error():
    loom.ffi.register_func("test.calls.narrow", lambda: 1, override=True)
    f = loom.build(narrow)["main"]
    loom.ffi.remove_global_func("test.calls.narrow")
    with pytest.raises(FFIError, match=r"no global function named 'test\.calls\.narrow'"):
        f(np.zeros(1, "int8"))


@T.prim_func
def libm(A: T.Buffer((3,), "float64"), B: T.Buffer((3,), "float32")):
    for i in range(3):
        A[i] = T.call_extern("float64", "hypot", A[i], T.float64(4))
        B[i] = T.call_extern("float32", "fmaxf", B[i], T.float32(0.5))


def test_c_functions_resolve_in_the_process():
    a, b = np.array([3.0, 0.0, 5.0]), np.array([0.0, 1.0, -2.0], "float32")
    loom.build(libm)["main"](a, b)
    np.testing.assert_allclose(a, np.hypot([3.0, 0.0, 5.0], 4))
    np.testing.assert_array_equal(b, [0.5, 1.0, 0.5])


@T.prim_func
def missing(A: T.Buffer((1,), "float32")):
    A[0] = T.call_extern("float32", "loom_test_no_such_function", A[0])


def test_an_unknown_c_function_is_reported_not_fatal():
    with pytest.raises(FFIError, match="loom_test_no_such_function"):
        loom.build(missing)


@T.prim_func
def clash(A: T.Buffer((1,), "float32")):
    A[0] = T.call_extern("float32", "sqrtf", A[0]) + T.call_extern("float32", "sqrtf", A[0], A[0])


def test_one_c_function_with_two_signatures_is_refused():
    with pytest.raises(CodegenError, match="sqrtf"):
        loom.build(clash)
