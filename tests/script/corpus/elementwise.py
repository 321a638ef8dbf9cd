"""Corpus: elementwise kernels (maps, chains, broadcasting, transposes, casts, symbolic sizes)."""

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def vector_add(
    A: T.Buffer((128,), "float32"), B: T.Buffer((128,), "float32"), C: T.Buffer((128,), "float32")
):
    for i in range(128):
        with T.block("C"):
            vi = T.axis.spatial(128, i)
            T.reads(A[vi], B[vi])
            T.writes(C[vi])
            C[vi] = A[vi] + B[vi]


@T.prim_func
def exp_relu_chain(A: T.Buffer((16, 32), "float32"), D: T.Buffer((16, 32), "float32")):
    B = T.alloc_buffer((16, 32), "float32")
    C = T.alloc_buffer((16, 32))
    for i, j in T.grid(16, 32):
        with T.block("B"):
            vi, vj = T.axis.remap("SS", [i, j])
            B[vi, vj] = A[vi, vj] * T.float32(0.5) - 1.0
    for i, j in T.grid(16, 32):
        with T.block("C"):
            vi, vj = T.axis.remap("SS", [i, j])
            C[vi, vj] = T.exp(B[vi, vj])
    for i, j in T.grid(16, 32):
        with T.block("D"):
            vi, vj = T.axis.remap("SS", [i, j])
            D[vi, vj] = T.max(C[vi, vj] - T.float32(1), T.float32(0))


@T.prim_func
def broadcast_add(
    A: T.Buffer((4, 32), "float32"), B: T.Buffer((32,), "float32"), C: T.Buffer((4, 32), "float32")
):
    for i0, i1 in T.grid(4, 32):
        with T.block("T_add"):
            ax0, ax1 = T.axis.remap("SS", [i0, i1])
            T.reads(A[ax0, ax1], B[ax1])
            T.writes(C[ax0, ax1])
            C[ax0, ax1] = A[ax0, ax1] + B[ax1]


@T.prim_func
def transpose(A: T.Buffer((64, 32), "float16"), B: T.Buffer((32, 64), "float16")):
    T.func_attr({"global_symbol": "transpose", "tir.noalias": True})
    for i, j in T.grid(32, 64):
        with T.block("T_transpose"):
            v0, v1 = T.axis.remap("SS", [i, j])
            B[v0, v1] = A[v1, v0]


@T.prim_func
def scale_shift(a: T.handle, b: T.handle, alpha: T.float32):
    n = T.int32()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    for i in T.serial(n):
        with T.block("B"):
            vi = T.axis.spatial(n, i)
            B[vi] = A[vi] * alpha + T.float32(1)


@T.prim_func
def add_bias_dyn(x: T.handle, bias: T.Buffer((8,), "float32"), y: T.handle):
    m = T.int64()
    X = T.match_buffer(x, (m, T.int64(8)), "float32")
    Y = T.match_buffer(y, (m, T.int64(8)), "float32")
    for i, j in T.grid(m, T.int64(8)):
        with T.block("Y"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(X[vi, vj], bias[vj])
            T.writes(Y[vi, vj])
            Y[vi, vj] = X[vi, vj] + bias[vj]


@T.prim_func
def cast_round_trip(
    A: T.Buffer((64,), "float32"), B: T.Buffer((64,), "int32"), C: T.Buffer((64,), "float64")
):
    for i in range(64):
        with T.block("casts"):
            vi = T.axis.spatial(64, i)
            B[vi] = T.Cast("int32", T.floor(A[vi]))
            C[vi] = T.Cast("float64", B[vi]) * T.float64(0.5) + T.Cast("float64", A[vi])


def _scale_shift(a: np.ndarray, alpha: float) -> np.ndarray:
    return f32(a.astype(np.float64) * np.float32(alpha) + 1)


CASES = [
    case(
        "vector_add",
        Reference(
            lambda rng, s: [rand(rng, (128,)), rand(rng, (128,)), zeros((128,))],
            lambda a, b, c: {2: a + b},
        ),
    ),
    case(
        "exp_relu_chain",
        Reference(
            lambda rng, s: [rand(rng, (16, 32), lo=-4, hi=4), zeros((16, 32))],
            lambda a, d: {1: f32(np.maximum(np.exp(a * 0.5 - 1.0) - 1.0, 0.0))},
        ),
    ),
    case(
        "broadcast_add",
        Reference(
            lambda rng, s: [rand(rng, (4, 32)), rand(rng, (32,)), zeros((4, 32))],
            lambda a, b, c: {2: a + b[None, :]},
        ),
    ),
    case(
        "transpose",
        Reference(
            lambda rng, s: [rand(rng, (64, 32), "float16"), zeros((32, 64), "float16")],
            lambda a, b: {1: a.T},
        ),
    ),
    case(
        "scale_shift",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],)), zeros((s["n"],)), 1.5],
            lambda a, b, alpha: {1: _scale_shift(a, alpha)},
            sizes=({"n": 7}, {"n": 33}),
        ),
    ),
    case(
        "add_bias_dyn",
        Reference(
            lambda rng, s: [rand(rng, (s["m"], 8)), rand(rng, (8,)), zeros((s["m"], 8))],
            lambda x, bias, y: {2: x + bias[None, :]},
            sizes=({"m": 1}, {"m": 5}),
        ),
    ),
    case(
        "cast_round_trip",
        Reference(
            lambda rng, s: [
                rand(rng, (64,), lo=-50, hi=50),
                zeros((64,), "int32"),
                zeros((64,), "float64"),
            ],
            lambda a, b, c: {
                1: np.floor(a).astype(np.int32),
                2: np.floor(a).astype(np.int32) * 0.5 + a.astype(np.float64),
            },
        ),
    ),
]
