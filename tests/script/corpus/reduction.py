"""Corpus: reductions (sums over one and two axes, max, argmax, a scan, a symbolic mean)."""

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def row_sum(A: T.Buffer((32, 64), "float32"), B: T.Buffer((32,), "float32")):
    for i, k in T.grid(32, 64):
        with T.block("B"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(A[vi, vk])
            T.writes(B[vi])
            with T.init():
                B[vi] = T.float32(0)
            B[vi] = B[vi] + A[vi, vk]


@T.prim_func
def sum_two_axes(A: T.Buffer((8, 16, 32), "float32"), B: T.Buffer((16,), "float32")):
    for j, i, k in T.grid(16, 8, 32):
        with T.block("B"):
            vj, vi, vk = T.axis.remap("SRR", [j, i, k])
            with T.init():
                B[vj] = 0.0
            B[vj] += A[vi, vj, vk]


@T.prim_func
def reduce_max(A: T.Buffer((16, 128), "float32"), B: T.Buffer((16,), "float32")):
    for i in range(16):
        for k in range(128):
            with T.block("max"):
                vi = T.axis.spatial(16, i)
                vk = T.axis.reduce(128, k)
                T.reads(A[vi, vk])
                T.writes(B[vi])
                with T.init():
                    B[vi] = T.min_value("float32")
                B[vi] = T.max(B[vi], A[vi, vk])


@T.prim_func
def argmax(
    A: T.Buffer((8, 32), "float32"), idx: T.Buffer((8,), "int32"), val: T.Buffer((8,), "float32")
):
    for i, k in T.grid(8, 32):
        with T.block("argmax"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(idx[vi], val[vi], A[vi, vk])
            T.writes(idx[vi], val[vi])
            with T.init():
                idx[vi] = -1
                val[vi] = T.min_value("float32")
            v_idx: T.int32 = T.Select(val[vi] >= A[vi, vk], idx[vi], vk)
            v_val: T.float32 = T.Select(val[vi] >= A[vi, vk], val[vi], A[vi, vk])
            idx[vi] = v_idx
            val[vi] = v_val


@T.prim_func
def cumsum(A: T.Buffer((4, 64), "float32"), B: T.Buffer((4, 64), "float32")):
    for i, k in T.grid(4, 64):
        with T.block("scan"):
            vi = T.axis.spatial(4, i)
            vk = T.axis.scan(64, k)
            T.reads(A[vi, vk], B[vi, vk - 1])
            T.writes(B[vi, vk])
            if vk == 0:
                B[vi, vk] = A[vi, vk]
            else:
                B[vi, vk] = B[vi, vk - 1] + A[vi, vk]


@T.prim_func
def mean_dyn(a: T.handle, b: T.handle):
    n = T.int64()
    m = T.int64()
    A = T.match_buffer(a, (n, m))
    B = T.match_buffer(b, (n,))
    C = T.alloc_buffer((n,))
    for i, k in T.grid(n, m):
        with T.block("sum"):
            vi, vk = T.axis.remap("SR", [i, k])
            with T.init():
                C[vi] = T.float32(0)
            C[vi] = C[vi] + A[vi, vk]
    for i in range(n):
        with T.block("mean"):
            vi = T.axis.spatial(n, i)
            B[vi] = C[vi] / T.Cast("float32", m)


def _argmax(a: np.ndarray) -> dict[int, np.ndarray]:
    # ties keep the earlier index, as the ">=" in the program does
    return {1: a.argmax(axis=1).astype(np.int32), 2: a.max(axis=1)}


CASES = [
    case(
        "row_sum",
        Reference(
            lambda rng, s: [rand(rng, (32, 64)), zeros((32,))],
            lambda a, b: {1: f32(a.astype(np.float64).sum(axis=1))},
        ),
    ),
    case(
        "sum_two_axes",
        Reference(
            lambda rng, s: [rand(rng, (8, 16, 32)), zeros((16,))],
            lambda a, b: {1: f32(a.astype(np.float64).sum(axis=(0, 2)))},
            rtol=1e-4,
            atol=1e-4,
        ),
    ),
    case(
        "reduce_max",
        Reference(
            lambda rng, s: [rand(rng, (16, 128), lo=-100, hi=-1), zeros((16,))],
            lambda a, b: {1: a.max(axis=1)},
        ),
    ),
    case(
        "argmax",
        Reference(
            lambda rng, s: [rand(rng, (8, 32)), zeros((8,), "int32"), zeros((8,))],
            lambda a, idx, val: _argmax(a),
        ),
    ),
    case(
        "cumsum",
        Reference(
            lambda rng, s: [rand(rng, (4, 64)), zeros((4, 64))],
            lambda a, b: {1: f32(np.cumsum(a.astype(np.float64), axis=1))},
            rtol=1e-4,
            atol=1e-4,
        ),
    ),
    case(
        "mean_dyn",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], s["m"])), zeros((s["n"],))],
            lambda a, b: {1: f32(a.astype(np.float64).mean(axis=1))},
            sizes=({"n": 3, "m": 5}, {"n": 9, "m": 17}),
        ),
    ),
]
