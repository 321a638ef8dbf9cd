"""Arithmetic, casts and vector code compiled by the LLVM backend agree with the reference
interpreter, including the corners C leaves undefined but the interpreter defines."""

import ml_dtypes
import numpy as np
import pytest

import loom
from loom.ir.tir import interpret
from loom.script import tir as T
from loom.transform import PassContext


def same_as_interpreter(func, *arrays):
    compiled = [a.copy() for a in arrays]
    loom.build(func)["main"](*compiled)
    interpret(func, *arrays)
    for got, want in zip(compiled, arrays):
        np.testing.assert_array_equal(got, want)
    return compiled


def division(dtype):
    @T.prim_func
    def kinds(A: T.Buffer((64,), dtype), B: T.Buffer((64,), dtype), C: T.Buffer((64, 4), dtype)):
        for i in range(64):
            C[i, 0] = T.truncdiv(A[i], B[i])
            C[i, 1] = T.truncmod(A[i], B[i])
            C[i, 2] = A[i] // B[i]
            C[i, 3] = A[i] % B[i]

    return kinds


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16", "uint64"])
def test_integer_division_kinds(dtype):
    rng = np.random.default_rng(1)
    info = np.iinfo(dtype)
    a = rng.integers(max(info.min, -1000), min(info.max, 1000), 64, endpoint=True).astype(dtype)
    b = rng.integers(max(info.min, -9), 10, 64, endpoint=True).astype(dtype)
    b[b == 0] = 3
    a[:2], b[:2] = info.min, (-1 if info.min else 1)  # INT_MIN / -1 wraps, as in the interpreter
    same_as_interpreter(division(dtype), a, b, np.zeros((64, 4), dtype))


def test_division_by_zero_does_not_crash():
    a, b = np.arange(64, dtype="int32"), np.zeros(64, "int32")
    loom.build(division("int32"))["main"](a, b, np.zeros((64, 4), "int32"))


@T.prim_func
def minmax(
    A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32"), C: T.Buffer((4, 2), "float32")
):
    for i in range(4):
        C[i, 0] = T.min(A[i], B[i])
        C[i, 1] = T.max(A[i], B[i])


def test_float_min_max_propagate_nan():
    a = np.array([1, np.nan, 3, -0.5], "float32")
    b = np.array([np.nan, 2, 1, 0.5], "float32")
    c = np.zeros((4, 2), "float32")
    loom.build(minmax)["main"](a, b, c)
    np.testing.assert_array_equal(c[:, 0], np.minimum(a, b))
    np.testing.assert_array_equal(c[:, 1], np.maximum(a, b))


@T.prim_func
def casts(
    F: T.Buffer((8,), "float32"), N: T.Buffer((8,), "int16"), Bo: T.Buffer((8,), "bool"),
    H: T.Buffer((8,), "float16"), Bf: T.Buffer((8,), "bfloat16"), R: T.Buffer((8, 6), "float64"),
):  # fmt: skip
    for i in range(8):
        R[i, 0] = T.Cast("float64", T.Cast("int32", F[i]))
        R[i, 1] = T.Cast("float64", T.Cast("uint8", N[i]))
        R[i, 2] = T.Cast("float64", T.Cast("bool", F[i])) + T.Cast("float64", Bo[i])
        R[i, 3] = T.Cast("float64", H[i] * T.float16(3) + T.float16(0.1))
        R[i, 4] = T.Cast("float64", Bf[i] * T.bfloat16(3) + T.bfloat16(0.1))
        R[i, 5] = T.Cast("float64", T.Cast("bfloat16", F[i]))
        H[i] = T.Cast("float16", F[i])
        Bf[i] = T.Cast("bfloat16", N[i])


def test_casts_and_narrow_floats():
    rng = np.random.default_rng(2)
    f = rng.uniform(-50, 50, 8).astype("float32")
    f[0] = 0.0
    i = rng.integers(-300, 300, 8).astype("int16")
    b = rng.integers(0, 2, 8).astype(bool)
    h = rng.uniform(-4, 4, 8).astype("float16")
    bf = rng.uniform(-4, 4, 8).astype(ml_dtypes.bfloat16)
    same_as_interpreter(casts, f, i, b, h, bf, np.zeros((8, 6)))


@T.prim_func
def bits(A: T.Buffer((16,), "uint32"), B: T.Buffer((16, 5), "uint32"), C: T.Buffer((16,), "int32")):
    for i in range(16):
        B[i, 0] = A[i] >> T.uint32(3)
        B[i, 1] = A[i] << T.uint32(5)
        B[i, 2] = ~A[i]
        B[i, 3] = A[i] ^ T.uint32(0xF0F0F0F0)
        B[i, 4] = T.reinterpret("uint32", T.Cast("float32", A[i]))
        C[i] = T.reinterpret("int32", A[i]) >> 4


def test_bitwise_operations_follow_signedness():
    a = np.random.default_rng(3).integers(0, 2**32, 16, dtype=np.uint64).astype("uint32")
    same_as_interpreter(bits, a, np.zeros((16, 5), "uint32"), np.zeros(16, "int32"))


@T.prim_func
def vectors(
    A: T.Buffer((64,), "float32"), B: T.Buffer((64,), "float32"), M: T.Buffer((64,), "int32")
):
    for i in range(8):
        # strided gather, contiguous store, a lane-wise select and if_then_else
        B[T.Ramp(i * 8, 1, 8)] = T.Select(
            A[T.Ramp(i, 8, 8)] > T.Broadcast(T.float32(0), 8),
            A[T.Ramp(i, 8, 8)],
            T.if_then_else(
                M[T.Ramp(i * 8, 1, 8)] > T.Broadcast(0, 8),
                T.tanh(A[T.Ramp(i * 8, 1, 8)]),
                T.Broadcast(T.float32(-1), 8),
            ),
        )
    for i in range(4):
        M[T.Ramp(i, 4, 4) * T.Broadcast(4, 4)] = T.Broadcast(i, 4)  # a scatter


def test_vector_loads_stores_and_lanewise_choices():
    rng = np.random.default_rng(4)
    a = rng.uniform(-1, 1, 64).astype("float32")
    m = rng.integers(-1, 2, 64).astype("int32")
    compiled = [a.copy(), np.zeros(64, "float32"), m.copy()]
    loom.build(vectors)["main"](*compiled)
    want = [a, np.zeros(64, "float32"), m]
    interpret(vectors, *want)
    np.testing.assert_allclose(compiled[1], want[1], rtol=1e-6)
    np.testing.assert_array_equal(compiled[2], want[2])


@T.prim_func
def chain(A: T.Buffer((1024,), "float32"), B: T.Buffer((1024,), "float32")):
    for i in range(1024):
        B[i] = T.exp(A[i] * T.float32(2) + T.float32(1)) + T.sigmoid(A[i])


@pytest.mark.parametrize(
    ("target", "config"),
    [("llvm", {}), ("llvm -fast-math", {}), ("llvm", {"codegen.llvm.fast_math": True})],
)
def test_exp_is_accurate_with_and_without_fast_math(target, config):
    a = np.random.default_rng(5).uniform(-40, 40, 1024).astype("float32")
    b = np.zeros(1024, "float32")
    with PassContext(config=config):
        rt = loom.build(chain, target)
    fast = target != "llvm" or bool(config)
    assert ("llvm.exp.v" in rt.get_source()) != fast  # fast-math: exp is inline vector code
    rt["main"](a, b)
    want = np.zeros(1024, "float32")
    interpret(chain, a, want)  # float32 arguments, exp in float64 rounded to float32
    # Without fast-math, libm's expf is within an ulp or so; with it, LLVM may also fuse
    # x * 2 + 1 into one rounding, which moves exp's argument by up to half an ulp of ~80.
    rtol = 1e-5 if fast else 3e-7
    np.testing.assert_allclose(b, want, rtol=rtol)
