"""LowerIntrinsics: sigmoid, rsqrt, likely, max_value and min_value become their exact forms."""

import numpy as np
import pytest

from loom.ir import assert_structural_equal
from loom.ir.tir import interpret
from loom.script import tir as T
from loom.transform.tir import LowerIntrinsics


def test_sigmoid_and_rsqrt_become_exp_and_sqrt():
    @T.prim_func
    def before(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            B[i] = T.sigmoid(A[i]) + T.rsqrt(A[i])

    @T.prim_func
    def expected(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            B[i] = T.float32(1) / (T.float32(1) + T.exp(T.float32(0) - A[i])) + T.float32(
                1
            ) / T.sqrt(A[i])

    assert_structural_equal(LowerIntrinsics()(before), expected)


def test_likely_and_limits_become_their_values():
    @T.prim_func
    def before(A: T.Buffer((4,), "float32"), B: T.Buffer((2,), "int8")):
        for i in range(4):
            if T.likely(i < 3):
                A[i] = T.max_value("float32")
        B[0] = T.min_value("int8")
        B[1] = T.max_value("int8")

    @T.prim_func
    def expected(A: T.Buffer((4,), "float32"), B: T.Buffer((2,), "int8")):
        for i in range(4):
            if i < 3:
                A[i] = T.float32(3.4028234663852886e38)
        B[0] = T.int8(-128)
        B[1] = T.int8(127)

    assert_structural_equal(LowerIntrinsics()(before), expected)


def test_vector_intrinsics_lower_lane_wise():
    @T.prim_func
    def before(A: T.Buffer((4,), "float16")):
        A[T.Ramp(0, 1, 4)] = T.sigmoid(A[T.Ramp(0, 1, 4)])

    @T.prim_func
    def expected(A: T.Buffer((4,), "float16")):
        A[T.Ramp(0, 1, 4)] = T.Broadcast(T.float16(1), 4) / (
            T.Broadcast(T.float16(1), 4) + T.exp(T.Broadcast(T.float16(0), 4) - A[T.Ramp(0, 1, 4)])
        )

    assert_structural_equal(LowerIntrinsics()(before), expected)


def test_other_intrinsics_are_kept():
    @T.prim_func
    def func(A: T.Buffer((4,), "float32"), C: T.Buffer((4,), "int32")):
        for i in range(4):
            A[i] = T.erf(A[i]) + T.exp2(A[i]) + T.log2(T.fabs(A[i]) + T.float32(1))
            C[i] = T.if_then_else(i < 2, i // 2, T.truncmod(i, 3))

    assert LowerIntrinsics()(func) is func


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_lowered_forms_compute_the_same_values(dtype):
    @T.prim_func
    def before(A: T.Buffer((64,), dtype), B: T.Buffer((64,), dtype)):
        for i in range(64):
            B[i] = T.sigmoid(A[i]) * T.rsqrt(T.fabs(A[i]) + T.Cast(dtype, 0.25))

    rng = np.random.default_rng(0)
    a = rng.uniform(-20, 20, 64).astype(dtype)
    want, got = np.zeros(64, dtype), np.zeros(64, dtype)
    interpret(before, a, want)
    interpret(LowerIntrinsics()(before), a, got)
    tolerance = 4e-3 if dtype == "float16" else 1e-6
    np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)
