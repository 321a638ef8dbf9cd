"""Corpus: every element type, dtype constructors, int64 indexing and vector (Ramp) accesses."""

import ml_dtypes
import numpy as np

from loom.script import tir as T

from ._case import Reference, case, rand, zeros


@T.prim_func
def dtype_zoo(
    i8: T.Buffer((4,), "int8"),
    i16: T.Buffer((4,), "int16"),
    i32: T.Buffer((4,), "int32"),
    i64: T.Buffer((4,), "int64"),
    u8: T.Buffer((4,), "uint8"),
    u16: T.Buffer((4,), "uint16"),
    u32: T.Buffer((4,), "uint32"),
    u64: T.Buffer((4,), "uint64"),
    f16: T.Buffer((4,), "float16"),
    f32: T.Buffer((4,), "float32"),
    f64: T.Buffer((4,), "float64"),
    bf16: T.Buffer((4,), "bfloat16"),
    b: T.Buffer((4,), "bool"),
):
    for i in range(4):
        i8[i] = i8[i] + T.int8(-3)
        i16[i] = i16[i] * T.int16(2)
        i32[i] = i32[i] - T.int32(5)
        i64[i] = i64[i] + T.int64(10000000000)
        u8[i] = u8[i] + T.uint8(7)
        u16[i] = u16[i] // T.uint16(3)
        u32[i] = u32[i] + T.uint32(4000000000)
        u64[i] = u64[i] * T.uint64(3)
        f16[i] = f16[i] * T.float16(0.5)
        f32[i] = f32[i] + T.float32(0)
        f64[i] = f64[i] + T.float64(0.25)
        bf16[i] = bf16[i] + T.bfloat16(1)
        b[i] = not b[i] and T.bool(True)


@T.prim_func
def int64_indices(
    A: T.Buffer((T.int64(8), T.int64(4)), "float32"), B: T.Buffer((T.int64(32),), "float32")
):
    for i, j in T.grid(T.int64(8), T.int64(4)):
        with T.block("flatten"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(A[vi, vj])
            T.writes(B[vi * T.int64(4) + vj])
            B[vi * T.int64(4) + vj] = A[vi, vj] * T.float32(3)


@T.prim_func
def mixed_casts(
    A: T.Buffer((16,), "uint8"), B: T.Buffer((16,), "float16"), C: T.Buffer((16,), "int64")
):
    for i in range(16):
        B[i] = T.Cast("float16", A[i]) * T.float16(0.25)
        C[i] = T.Cast("int64", A[i]) * T.int64(4294967296) + T.Cast("int64", i)


@T.prim_func
def vector_ramp(A: T.Buffer((64,), "float32"), B: T.Buffer((64,), "float32")):
    for i in range(16):
        B[T.Ramp(i * 4, 1, 4)] = A[T.Ramp(i * 4, 1, 4)] * T.Broadcast(
            T.float32(2), 4
        ) + T.Broadcast(A[0], 4)


@T.prim_func
def vector_strided(A: T.Buffer((4, 16), "int32"), B: T.Buffer((16, 4), "int32")):
    for j in range(16):
        B[j, T.Ramp(0, 1, 4)] = A[T.Ramp(0, 1, 4), j] + T.Broadcast(j, 4)


def _zoo_args(rng: np.random.Generator, sizes: dict[str, int]) -> list[np.ndarray]:
    ints = [rand(rng, (4,), t, 0, 100) for t in ("int8", "int16", "int32", "int64")]
    uints = [rand(rng, (4,), t, 0, 100) for t in ("uint8", "uint16", "uint32", "uint64")]
    floats = [rand(rng, (4,), t, -4, 4) for t in ("float16", "float32", "float64", "bfloat16")]
    return [*ints, *uints, *floats, rand(rng, (4,), "bool")]


def _zoo(*args: np.ndarray) -> dict[int, np.ndarray]:
    i8, i16, i32, i64, u8, u16, u32, u64, f16, _f32, f64, bf16, b = args
    # f32 (index 9) gains zero: the test checks that it is left as it was
    return {
        0: i8 - np.int8(3),
        1: i16 * np.int16(2),
        2: i32 - np.int32(5),
        3: i64 + np.int64(10000000000),
        4: u8 + np.uint8(7),
        5: u16 // np.uint16(3),
        6: u32 + np.uint32(4000000000),
        7: u64 * np.uint64(3),
        8: f16 * np.float16(0.5),
        10: f64 + 0.25,
        11: (bf16.astype(np.float32) + 1).astype(ml_dtypes.bfloat16),
        12: ~b,
    }


def _mixed(a: np.ndarray) -> dict[int, np.ndarray]:
    return {
        1: a.astype(np.float16) * np.float16(0.25),
        2: a.astype(np.int64) * 4294967296 + np.arange(16),
    }


CASES = [
    case("dtype_zoo", Reference(_zoo_args, _zoo)),
    case(
        "int64_indices",
        Reference(
            lambda rng, s: [rand(rng, (8, 4)), zeros((32,))],
            lambda a, b: {1: (a * np.float32(3)).reshape(32)},
        ),
    ),
    case(
        "mixed_casts",
        Reference(
            lambda rng, s: [
                rand(rng, (16,), "uint8", 0, 256),
                zeros((16,), "float16"),
                zeros((16,), "int64"),
            ],
            lambda a, b, c: _mixed(a),
        ),
    ),
    case(
        "vector_ramp",
        Reference(
            lambda rng, s: [rand(rng, (64,)), zeros((64,))],
            lambda a, b: {1: a * np.float32(2) + a[0]},
        ),
    ),
    case(
        "vector_strided",
        Reference(
            lambda rng, s: [rand(rng, (4, 16), "int32", -100, 100), zeros((16, 4), "int32")],
            lambda a, b: {1: a.T + np.arange(16, dtype=np.int32)[:, None]},
        ),
    ),
]
