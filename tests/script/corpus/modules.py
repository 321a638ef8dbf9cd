"""Corpus: ``@I.ir_module`` classes holding several prim_funcs, with module attributes."""

import numpy as np

from loom.script import ir as I
from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@I.ir_module
class Pipeline:
    I.module_attrs({"runtime": "cpu", "opt_level": 2})

    @T.prim_func
    def add_one(A: T.Buffer((32,), "float32"), B: T.Buffer((32,), "float32")):
        for i in range(32):
            with T.block("B"):
                vi = T.axis.spatial(32, i)
                B[vi] = A[vi] + T.float32(1)

    @T.prim_func(private=True)
    def square(A: T.Buffer((32,), "float32"), B: T.Buffer((32,), "float32")):
        for i in T.parallel(32):
            B[i] = A[i] * A[i]

    @T.prim_func
    def scale_dyn(a: T.handle, b: T.handle, s: T.float32):
        n = T.int64()
        A = T.match_buffer(a, (n,), "float32")
        B = T.match_buffer(b, (n,), "float32")
        for i in range(n):
            B[i] = A[i] * s


@I.ir_module
class Attention:
    I.module_attrs({"model": "tiny", "heads": 2, "scale": 0.5, "fused": True})

    @T.prim_func
    def qk(q: T.handle, k: T.handle, s: T.handle):
        n = T.int32()
        Q = T.match_buffer(q, (2, 8), "float32")
        K = T.match_buffer(k, (2, n, 8), "float32")
        S = T.match_buffer(s, (2, n), "float32")
        for h, j, d in T.grid(2, n, 8):
            with T.block("S"):
                vh, vj, vd = T.axis.remap("SSR", [h, j, d])
                T.reads(Q[vh, vd], K[vh, vj, vd])
                T.writes(S[vh, vj])
                with T.init():
                    S[vh, vj] = T.float32(0)
                S[vh, vj] = S[vh, vj] + Q[vh, vd] * K[vh, vj, vd] * T.float32(0.35355339059327373)

    @T.prim_func(check_well_formed=False)
    def masked_softmax(s: T.handle, p: T.handle):
        n = T.int32()
        S = T.match_buffer(s, (2, n), "float32")
        P = T.match_buffer(p, (2, n), "float32")
        mx = T.alloc_buffer((2,), "float32")
        den = T.alloc_buffer((2,), "float32")
        for h, j in T.grid(2, n):
            with T.block("max"):
                vh, vj = T.axis.remap("SR", [h, j])
                with T.init():
                    mx[vh] = T.float32("-inf")
                mx[vh] = T.max(mx[vh], S[vh, vj])
        for h, j in T.grid(2, n):
            with T.block("den"):
                vh, vj = T.axis.remap("SR", [h, j])
                with T.init():
                    den[vh] = T.float32(0)
                den[vh] = den[vh] + T.exp(S[vh, vj] - mx[vh])
        for h, j in T.grid(2, n):
            with T.block("P"):
                vh, vj = T.axis.remap("SS", [h, j])
                P[vh, vj] = T.exp(S[vh, vj] - mx[vh]) / den[vh]


def _qk(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    return f32(np.einsum("hd,hjd->hj", q.astype(np.float64), k.astype(np.float64)) / np.sqrt(8))


def _softmax(s: np.ndarray) -> np.ndarray:
    e = np.exp(s.astype(np.float64) - s.max(axis=1, keepdims=True))
    return f32(e / e.sum(axis=1, keepdims=True))


CASES = [
    case(
        "Pipeline",
        Reference(
            lambda rng, s: [rand(rng, (32,)), zeros((32,))],
            lambda a, b: {1: a + np.float32(1)},
            function="add_one",
        ),
        Reference(
            lambda rng, s: [rand(rng, (32,)), zeros((32,))],
            lambda a, b: {1: a * a},
            function="square",
        ),
        Reference(
            lambda rng, s: [rand(rng, (s["n"],)), zeros((s["n"],)), -2.0],
            lambda a, b, scale: {1: a * np.float32(scale)},
            sizes=({"n": 1}, {"n": 12}),
            function="scale_dyn",
        ),
    ),
    case(
        "Attention",
        Reference(
            lambda rng, s: [rand(rng, (2, 8)), rand(rng, (2, s["n"], 8)), zeros((2, s["n"]))],
            lambda q, k, out: {2: _qk(q, k)},
            sizes=({"n": 1}, {"n": 7}),
            function="qk",
            rtol=1e-4,
        ),
        Reference(
            lambda rng, s: [rand(rng, (2, s["n"]), lo=-3, hi=3), zeros((2, s["n"]))],
            lambda scores, p: {1: _softmax(scores)},
            sizes=({"n": 1}, {"n": 9}),
            function="masked_softmax",
        ),
    ),
]
