"""Corpus: control flow (if/elif/else, while, assert, lets, no-ops, predicates, annotations)."""

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def piecewise(A: T.Buffer((64,), "float32"), B: T.Buffer((64,), "float32")):
    for i in range(64):
        with T.block("B"):
            vi = T.axis.spatial(64, i)
            if A[vi] < T.float32(-1):
                B[vi] = T.float32(-1)
            elif A[vi] < T.float32(1):
                B[vi] = A[vi]
            elif A[vi] < T.float32(2):
                B[vi] = A[vi] * A[vi]
            else:
                B[vi] = T.float32(4)


@T.prim_func
def collatz_steps(A: T.Buffer((16,), "int32"), steps: T.Buffer((16,), "int32")):
    cur = T.alloc_buffer((1,), "int32")
    for i in range(16):
        cur[0] = A[i]
        steps[i] = 0
        while cur[0] != 1:
            if cur[0] % 2 == 0:
                cur[0] = cur[0] // 2
            else:
                cur[0] = cur[0] * 3 + 1
            steps[i] = steps[i] + 1


@T.prim_func
def assert_let(a: T.handle, b: T.handle):
    n = T.int32()
    A = T.match_buffer(a, (n,), "int32")
    B = T.match_buffer(b, (n,), "int32")
    assert n >= 2, "need at least two elements"
    half: T.int32 = n // 2
    for i in range(n):
        x = A[i] * 2
        y: T.int32 = x + half
        assert y - x == half, "let bindings disagree"
        B[i] = y


@T.prim_func
def evaluate_noops(A: T.Buffer((8,), "float32")):
    T.evaluate(0)
    for i in range(8):  # noqa: B007
        pass
    for i in range(8):
        A[i] = A[i] + T.float32(1)
        T.evaluate(A[i] * T.float32(2))


@T.prim_func
def split_tail(A: T.Buffer((10,), "float32"), B: T.Buffer((10,), "float32")):
    for io, ii in T.grid(3, 4):
        with T.block("B"):
            vi = T.axis.spatial(10, io * 4 + ii)
            T.where(io * 4 + ii < 10)
            T.reads(A[vi])
            T.writes(B[vi])
            B[vi] = A[vi] * T.float32(2)


@T.prim_func
def annotated_loops(A: T.Buffer((32, 4), "float32"), B: T.Buffer((32,), "float32")):
    with T.block("root"):
        T.reads()
        T.writes()
        T.block_attr({"meta_schedule.unroll_explicit": 16})
        for i in T.serial(
            32, annotations={"pragma_auto_unroll_max_step": 16, "pragma_unroll_explicit": 1}
        ):
            with T.block("row"):
                vi = T.axis.opaque(32, i)
                T.reads(A[vi, 0:4])
                T.writes(B[vi])
                T.block_attr({"meta_schedule.tiling_structure": "SSRSRS", "pad": 0.5, "flag": True})
                B[vi] = T.float32(0)
                for k in T.unroll(4, annotations={"pragma_unroll_explicit": 0}):
                    B[vi] = B[vi] + A[vi, k]


@T.prim_func
def stencil_1d(A: T.Buffer((64,), "float32"), B: T.Buffer((64,), "float32")):
    with T.block():
        B[0] = A[0]
        B[63] = A[63]
    for i in range(1, 63):
        with T.block("smooth"):
            vi = T.axis.spatial((1, 63), i)
            B[vi] = (A[vi - 1] + A[vi] + A[vi + 1]) * T.float32(0.25) + A[vi] * T.float32(0.25)


@T.prim_func
def window_sum(a: T.handle, b: T.handle, lo: T.int32, hi: T.int32):
    n = T.int32()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    for i in T.parallel(lo, hi):
        B[i] = T.float32(0)
        for k in range(i - 2, i + 1):
            if k >= 0:
                B[i] = B[i] + A[k]


@T.prim_func
def bool_logic(A: T.Buffer((32,), "int32"), M: T.Buffer((32,), "bool"), N: T.Buffer((32,), "bool")):
    for i in range(32):
        with T.block("masks"):
            vi = T.axis.spatial(32, i)
            M[vi] = (0 < A[vi] < 10 and A[vi] % 2 == 0) or not A[vi] > -4
            N[vi] = (A[vi] >= 3) & (A[vi] != 5) | (A[vi] == -7) | T.bool(False)


def _piecewise(a: np.ndarray) -> np.ndarray:
    return np.select([a < -1, a < 1, a < 2], [np.float32(-1), a, a * a], np.float32(4))


def _collatz(a: np.ndarray) -> np.ndarray:
    out = []
    for x in a.tolist():
        steps = 0
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
        out.append(steps)
    return np.array(out, np.int32)


def _window(a: np.ndarray, b: np.ndarray, lo: int, hi: int) -> np.ndarray:
    out = b.copy()
    for i in range(lo, hi):
        out[i] = f32(a[max(0, i - 2) : i + 1].astype(np.float64).sum())
    return out


def _masks(a: np.ndarray) -> dict[int, np.ndarray]:
    m = ((a > 0) & (a < 10) & (a % 2 == 0)) | ~(a > -4)
    n = ((a >= 3) & (a != 5)) | (a == -7)
    return {1: m, 2: n}


CASES = [
    case(
        "piecewise",
        Reference(
            lambda rng, s: [rand(rng, (64,), lo=-3, hi=3), zeros((64,))],
            lambda a, b: {1: _piecewise(a)},
        ),
    ),
    case(
        "collatz_steps",
        Reference(
            lambda rng, s: [rand(rng, (16,), "int32", 1, 60), zeros((16,), "int32")],
            lambda a, steps: {1: _collatz(a)},
        ),
    ),
    case(
        "assert_let",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],), "int32", -100, 100), zeros((s["n"],), "int32")],
            lambda a, b: {1: a * 2 + len(a) // 2},
            sizes=({"n": 2}, {"n": 9}),
        ),
    ),
    case(
        "evaluate_noops",
        Reference(lambda rng, s: [rand(rng, (8,))], lambda a: {0: a + np.float32(1)}),
    ),
    case(
        "split_tail",
        Reference(lambda rng, s: [rand(rng, (10,)), zeros((10,))], lambda a, b: {1: a * 2}),
    ),
    case(
        "annotated_loops",
        Reference(
            lambda rng, s: [rand(rng, (32, 4)), zeros((32,))],
            lambda a, b: {1: ((a[:, 0] + a[:, 1]) + a[:, 2]) + a[:, 3]},
        ),
    ),
    case(
        "stencil_1d",
        Reference(
            lambda rng, s: [rand(rng, (64,)), zeros((64,))],
            lambda a, b: {
                1: np.concatenate(
                    [a[:1], (a[:-2] + a[1:-1] + a[2:]) * 0.25 + a[1:-1] * 0.25, a[-1:]]
                ).astype(np.float32)
            },
        ),
    ),
    case(
        "window_sum",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],)), zeros((s["n"],)), s["lo"], s["hi"]],
            lambda a, b, lo, hi: {1: _window(a, b, lo, hi)},
            sizes=({"n": 6, "lo": 0, "hi": 6}, {"n": 20, "lo": 3, "hi": 17}),
        ),
    ),
    case(
        "bool_logic",
        Reference(
            lambda rng, s: [
                rand(rng, (32,), "int32", -10, 14),
                zeros((32,), "bool"),
                zeros((32,), "bool"),
            ],
            lambda a, m, n: _masks(a),
        ),
    ),
]
