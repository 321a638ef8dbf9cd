"""Corpus: GPU-style kernels (thread bindings, shared and local memory, cooperative loads).

Each stage has its own thread loops, as scheduled TVM kernels do, so running the threads one
after another (the reference interpreter) gives the parallel result.
"""

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def gpu_matmul_shared(
    A: T.Buffer((64, 64), "float32"),
    B: T.Buffer((64, 64), "float32"),
    C: T.Buffer((64, 64), "float32"),
):
    T.func_attr({"global_symbol": "gpu_matmul_shared", "tir.noalias": True, "tir.is_scheduled": 1})
    A_shared = T.alloc_buffer((64, 64), "float32", scope="shared")
    B_shared = T.alloc_buffer((64, 64), "float32", scope="shared")
    C_local = T.alloc_buffer((64, 64), "float32", scope="local")
    for bx in T.thread_binding(4, thread="blockIdx.x"):
        for by in T.thread_binding(4, thread="blockIdx.y"):
            for ko in range(4):
                for tx in T.thread_binding(16, thread="threadIdx.x"):
                    for ty in T.thread_binding(16, thread="threadIdx.y"):
                        with T.block("A_shared"):
                            v0 = T.axis.spatial(64, bx * 16 + tx)
                            v1 = T.axis.spatial(64, ko * 16 + ty)
                            T.reads(A[v0, v1])
                            T.writes(A_shared[v0, v1])
                            A_shared[v0, v1] = A[v0, v1]
                for tx in T.thread_binding(16, thread="threadIdx.x"):
                    for ty in T.thread_binding(16, thread="threadIdx.y"):
                        with T.block("B_shared"):
                            v0 = T.axis.spatial(64, ko * 16 + tx)
                            v1 = T.axis.spatial(64, by * 16 + ty)
                            T.reads(B[v0, v1])
                            T.writes(B_shared[v0, v1])
                            B_shared[v0, v1] = B[v0, v1]
                for tx in T.thread_binding(16, thread="threadIdx.x"):
                    for ty in T.thread_binding(16, thread="threadIdx.y"):
                        for ki in range(16):
                            with T.block("C"):
                                vi = T.axis.spatial(64, bx * 16 + tx)
                                vj = T.axis.spatial(64, by * 16 + ty)
                                vk = T.axis.reduce(64, ko * 16 + ki)
                                T.reads(A_shared[vi, vk], B_shared[vk, vj])
                                T.writes(C_local[vi, vj])
                                with T.init():
                                    C_local[vi, vj] = T.float32(0)
                                C_local[vi, vj] = (
                                    C_local[vi, vj] + A_shared[vi, vk] * B_shared[vk, vj]
                                )
            for tx in T.thread_binding(16, thread="threadIdx.x"):
                for ty in T.thread_binding(16, thread="threadIdx.y"):
                    with T.block("C_local"):
                        v0 = T.axis.spatial(64, bx * 16 + tx)
                        v1 = T.axis.spatial(64, by * 16 + ty)
                        T.reads(C_local[v0, v1])
                        T.writes(C[v0, v1])
                        C[v0, v1] = C_local[v0, v1]


@T.prim_func
def gpu_row_sum(A: T.Buffer((16, 256), "float32"), B: T.Buffer((16,), "float32")):
    partial = T.alloc_buffer((16, 32), "float32", scope="shared")
    for bx in T.thread_binding(16, "blockIdx.x"):
        for tx in T.thread_binding(0, 32, "threadIdx.x"):
            for k in range(8):
                with T.block("partial"):
                    vi, vt = T.axis.remap("SS", [bx, tx])
                    vk = T.axis.reduce(8, k)
                    with T.init():
                        partial[vi, vt] = T.float32(0)
                    partial[vi, vt] += A[vi, vt * 8 + vk]
        for tx in T.thread_binding(1, thread="threadIdx.x"):  # noqa: B007
            for t in range(32):
                with T.block("B"):
                    vi = T.axis.spatial(16, bx)
                    vt = T.axis.reduce(32, t)
                    T.reads(partial[vi, vt])
                    T.writes(B[vi])
                    with T.init():
                        B[vi] = T.float32(0)
                    B[vi] = B[vi] + partial[vi, vt]


@T.prim_func
def gpu_elementwise_dyn(a: T.handle, b: T.handle):
    n = T.int32()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    for bx in T.thread_binding((n + 63) // 64, thread="blockIdx.x"):
        for tx in T.thread_binding(64, thread="threadIdx.x"):
            with T.block("B"):
                vi = T.axis.spatial(n, bx * 64 + tx)
                T.where(bx * 64 + tx < n)
                T.reads(A[vi])
                T.writes(B[vi])
                reg = T.alloc_buffer((1,), "float32", scope="local")
                reg[0] = A[vi]
                B[vi] = T.sigmoid(reg[0]) * reg[0]


def _silu(a: np.ndarray) -> np.ndarray:
    x = a.astype(np.float64)
    return f32(x / (1 + np.exp(-x)))


CASES = [
    case(
        "gpu_matmul_shared",
        Reference(
            lambda rng, s: [rand(rng, (64, 64)), rand(rng, (64, 64)), zeros((64, 64))],
            lambda a, b, c: {2: f32(a.astype(np.float64) @ b.astype(np.float64))},
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "gpu_row_sum",
        Reference(
            lambda rng, s: [rand(rng, (16, 256)), zeros((16,))],
            lambda a, b: {1: f32(a.astype(np.float64).sum(axis=1))},
            rtol=1e-4,
            atol=1e-4,
        ),
    ),
    case(
        "gpu_elementwise_dyn",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],), lo=-4, hi=4), zeros((s["n"],))],
            lambda a, b: {1: _silu(a)},
            sizes=({"n": 64}, {"n": 100}),
        ),
    ),
]
