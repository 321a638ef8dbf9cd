"""Corpus: programs that exist only as text for ``from_source``.

The seed form ``T.Buffer[(n, d), "float32"]`` with undeclared sizes, a file as TVM prints it
(``tvm.script`` imports), and ``T.Buffer((n, d))`` relying on the default dtype.
"""

import numpy as np

from ._case import Reference, case, f32, rand, zeros

SEED_MATMUL = """
@T.prim_func
def seed_matmul(
    X: T.Buffer[(n, d), "float32"], W: T.Buffer[(d, m), "float32"], Y: T.Buffer[(n, m), "float32"]
):
    for i, j, k in T.grid(n, m, d):
        with T.block("Y"):
            vi, vj, vk = T.axis.remap("SSR", [i, j, k])
            with T.init():
                Y[vi, vj] = T.float32(0)
            Y[vi, vj] += X[vi, vk] * W[vk, vj]
"""

TVM_PRINTED = """# from tvm.script import ir as I
# from tvm.script import tir as T

from tvm.script import ir as I
from tvm.script import tir as T


@I.ir_module
class Module:
    @T.prim_func
    def main(A: T.Buffer((128, 128), "float32"), B: T.Buffer((128,), "float32")):
        T.func_attr({"global_symbol": "main", "tir.noalias": True})
        # with T.block("root"):
        for i, k in T.grid(128, 128):
            with T.block("B"):
                v_i, v_k = T.axis.remap("SR", [i, k])
                T.reads(A[v_i, v_k])
                T.writes(B[v_i])
                with T.init():
                    B[v_i] = T.float32(0.0)
                B[v_i] = B[v_i] + A[v_i, v_k]
"""

DEFAULT_DTYPE = """
@T.prim_func
def default_dtype(A: T.Buffer((n, d)), B: T.Buffer((d, n))):
    for i, j in T.grid(d, n):
        with T.block("B"):
            vi, vj = T.axis.remap("SS", [i, j])
            B[vi, vj] = A[vj, vi] * 2.0
"""


def _mm(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return f32(x.astype(np.float64) @ w.astype(np.float64))


CASES = [
    case(
        "seed_matmul",
        Reference(
            lambda rng, s: [
                rand(rng, (s["n"], s["d"])),
                rand(rng, (s["d"], s["m"])),
                zeros((s["n"], s["m"])),
            ],
            lambda x, w, y: {2: _mm(x, w)},
            sizes=({"n": 3, "d": 4, "m": 2}, {"n": 8, "d": 5, "m": 9}),
            rtol=1e-4,
        ),
        text=SEED_MATMUL,
    ),
    case(
        "tvm_printed",
        Reference(
            lambda rng, s: [rand(rng, (128, 128)), zeros((128,))],
            lambda a, b: {1: f32(a.astype(np.float64).sum(axis=1))},
            function="main",
            rtol=1e-4,
            atol=1e-4,
        ),
        text=TVM_PRINTED,
    ),
    case(
        "default_dtype",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], s["d"])), zeros((s["d"], s["n"]))],
            lambda a, b: {1: a.T * np.float32(2)},
            sizes=({"n": 2, "d": 3}, {"n": 6, "d": 1}),
        ),
        text=DEFAULT_DTYPE,
    ),
]
