"""Corpus: matrix products (plain, tiled with parallel/vectorized loops, batched, symbolic)."""

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def matmul(
    A: T.Buffer((64, 32), "float32"),
    B: T.Buffer((32, 48), "float32"),
    C: T.Buffer((64, 48), "float32"),
):
    T.func_attr({"global_symbol": "matmul", "tir.noalias": True})
    for i, j, k in T.grid(64, 48, 32):
        with T.block("C"):
            vi, vj, vk = T.axis.remap("SSR", [i, j, k])
            T.reads(A[vi, vk], B[vk, vj])
            T.writes(C[vi, vj])
            with T.init():
                C[vi, vj] = T.float32(0)
            C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vk, vj]


@T.prim_func
def matmul_tiled(
    A: T.Buffer((64, 64), "float32"),
    B: T.Buffer((64, 64), "float32"),
    C: T.Buffer((64, 64), "float32"),
):
    for i0 in T.parallel(8):
        for j0 in T.serial(8):
            for i1 in T.unroll(8):
                for k in range(64):
                    for j1 in T.vectorized(8):
                        with T.block("C"):
                            vi = T.axis.spatial(64, i0 * 8 + i1)
                            vj = T.axis.spatial(64, j0 * 8 + j1)
                            vk = T.axis.reduce(64, k)
                            T.reads(A[vi, vk], B[vk, vj])
                            T.writes(C[vi, vj])
                            with T.init():
                                C[vi, vj] = T.float32(0)
                            C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vk, vj]


@T.prim_func
def batch_matmul(
    A: T.Buffer((4, 16, 8), "float32"),
    B: T.Buffer((4, 8, 12), "float32"),
    C: T.Buffer((4, 16, 12), "float32"),
):
    for b, i, j, k in T.grid(4, 16, 12, 8):
        with T.block("C"):
            vb, vi, vj, vk = T.axis.remap("SSSR", [b, i, j, k])
            with T.init():
                C[vb, vi, vj] = T.float32(0)
            C[vb, vi, vj] += A[vb, vi, vk] * B[vb, vk, vj]


@T.prim_func
def matmul_dyn(x: T.handle, w: T.handle, y: T.handle):
    n, d, m = T.int64(), T.int64(), T.int64()
    X = T.match_buffer(x, (n, d), "float32")
    W = T.match_buffer(w, (d, m), "float32")
    Y = T.match_buffer(y, (n, m), "float32")
    for i, j, k in T.grid(n, m, d):
        with T.block("Y"):
            vi, vj, vk = T.axis.remap("SSR", [i, j, k])
            with T.init():
                Y[vi, vj] = T.float32(0)
            Y[vi, vj] += X[vi, vk] * W[vk, vj]


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return f32(a.astype(np.float64) @ b.astype(np.float64))


CASES = [
    case(
        "matmul",
        Reference(
            lambda rng, s: [rand(rng, (64, 32)), rand(rng, (32, 48)), zeros((64, 48))],
            lambda a, b, c: {2: _mm(a, b)},
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "matmul_tiled",
        Reference(
            lambda rng, s: [rand(rng, (64, 64)), rand(rng, (64, 64)), zeros((64, 64))],
            lambda a, b, c: {2: _mm(a, b)},
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "batch_matmul",
        Reference(
            lambda rng, s: [rand(rng, (4, 16, 8)), rand(rng, (4, 8, 12)), zeros((4, 16, 12))],
            lambda a, b, c: {2: _mm(a, b)},
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "matmul_dyn",
        Reference(
            lambda rng, s: [
                rand(rng, (s["n"], s["d"])),
                rand(rng, (s["d"], s["m"])),
                zeros((s["n"], s["m"])),
            ],
            lambda x, w, y: {2: _mm(x, w)},
            sizes=({"n": 2, "d": 3, "m": 4}, {"n": 7, "d": 16, "m": 5}),
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
]
