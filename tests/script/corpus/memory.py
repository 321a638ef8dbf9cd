"""Corpus: memory (allocate + decl_buffer, buffer keywords, strides, block-level match_buffer)."""

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, rand, zeros


@T.prim_func
def allocate_scratch(A: T.Buffer((4, 16), "float32"), B: T.Buffer((4, 16), "float32")):
    for i in range(4):
        buf = T.allocate([16], "float32", "global")
        tmp = T.decl_buffer((16,), "float32", data=buf)
        for j in range(16):
            tmp[j] = A[i, j] * T.float32(2)
        for j in range(16):
            B[i, j] = tmp[15 - j] + T.float32(1)


@T.prim_func
def histogram(A: T.Buffer((64,), "int32"), H: T.Buffer((8,), "int32")):
    counts = T.allocate([8], "int32", "local")
    C = T.decl_buffer((2, 4), "int32", data=counts, scope="local")
    for b in range(8):
        C[b // 4, b % 4] = 0
    for i in range(64):
        C[A[i] // 4, A[i] % 4] = C[A[i] // 4, A[i] % 4] + 1
    for b in range(8):
        H[b] = C[b // 4, b % 4]


@T.prim_func
def buffer_keywords(
    A: T.Buffer((8, 8), "float32", strides=(16, 1), elem_offset=4, offset_factor=4, align=16),
    B: T.Buffer((8, 8), "float32", scope="global", align=64, offset_factor=1),
):
    for i, j in T.grid(8, 8):
        with T.block("copy"):
            vi, vj = T.axis.remap("SS", [i, j])
            B[vi, vj] = A[vi, vj] + T.float32(1)


@T.prim_func
def strided_match(a: T.handle, b: T.handle):
    n = T.int32()
    s0 = T.int32()
    off = T.int32()
    A = T.match_buffer(a, (n, 4), "float32", strides=(s0, 1), elem_offset=off, offset_factor=2)
    B = T.match_buffer(b, (n,), "float32", scope="global")
    for i in range(n):
        B[i] = A[i, 0] + A[i, 3]


@T.prim_func
def row_max(A: T.Buffer((4, 16), "float32"), B: T.Buffer((4,), "float32")):
    for i in range(4):
        with T.block("row"):
            vi = T.axis.spatial(4, i)
            T.reads(A[vi, 0:16])
            T.writes(B[vi])
            row = T.match_buffer(A[vi, 0:16], (16,), "float32", offset_factor=1)
            best = T.alloc_buffer((1,), "float32", scope="global")
            best[0] = row[0]
            for k in range(1, 16):
                best[0] = T.max(best[0], row[k])
            B[vi] = best[0]


@T.prim_func
def tile_transpose(A: T.Buffer((16, 16), "float32"), B: T.Buffer((16, 16), "float32")):
    a_s0 = T.int32()
    a_s1 = T.int32()
    b_s0 = T.int32()
    b_s1 = T.int32()
    for i, j in T.grid(4, 4):
        with T.block("tile"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(A[vi * 4 : vi * 4 + 4, vj * 4 : vj * 4 + 4])
            T.writes(B[vj * 4 : vj * 4 + 4, vi * 4 : vi * 4 + 4])
            As = T.match_buffer(
                A[vi * 4 : vi * 4 + 4, vj * 4 : vj * 4 + 4],
                (4, 4),
                "float32",
                strides=(a_s0, a_s1),
                offset_factor=1,
            )
            Bs = T.match_buffer(
                B[vj * 4 : vj * 4 + 4, vi * 4 : vi * 4 + 4],
                (4, 4),
                "float32",
                strides=(b_s0, b_s1),
                offset_factor=1,
            )
            for ii, jj in T.grid(4, 4):
                Bs[jj, ii] = As[ii, jj]


def _strided(rng: np.random.Generator, shape: tuple[int, int], row: int, offset: int) -> np.ndarray:
    """A (rows, cols) view with row stride `row` starting `offset` elements into its base."""
    base = rand(rng, (offset + shape[0] * row,))
    return base[offset:].reshape(shape[0], row)[:, : shape[1]]


def _histogram(a: np.ndarray) -> np.ndarray:
    return np.bincount(a, minlength=8).astype(np.int32)


CASES = [
    case(
        "allocate_scratch",
        Reference(
            lambda rng, s: [rand(rng, (4, 16)), zeros((4, 16))],
            lambda a, b: {1: a[:, ::-1] * np.float32(2) + np.float32(1)},
        ),
    ),
    case(
        "histogram",
        Reference(
            lambda rng, s: [rand(rng, (64,), "int32", 0, 8), zeros((8,), "int32")],
            lambda a, h: {1: _histogram(a)},
        ),
    ),
    case(
        "buffer_keywords",
        Reference(
            lambda rng, s: [_strided(rng, (8, 8), row=16, offset=4), zeros((8, 8))],
            lambda a, b: {1: a + np.float32(1)},
        ),
    ),
    case(
        "strided_match",
        Reference(
            lambda rng, s: [_strided(rng, (s["n"], 4), row=s["row"], offset=2), zeros((s["n"],))],
            lambda a, b: {1: a[:, 0] + a[:, 3]},
            sizes=({"n": 3, "row": 6}, {"n": 10, "row": 4}),
        ),
    ),
    case(
        "row_max",
        Reference(lambda rng, s: [rand(rng, (4, 16)), zeros((4,))], lambda a, b: {1: a.max(1)}),
    ),
    case(
        "tile_transpose",
        Reference(lambda rng, s: [rand(rng, (16, 16)), zeros((16, 16))], lambda a, b: {1: a.T}),
    ),
]
