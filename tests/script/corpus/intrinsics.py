"""Corpus: intrinsics (float math, select/if_then_else/likely, bitwise, reinterpret, limits,
integer division kinds, extern and packed calls, let expressions)."""

import math

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def float_unary(A: T.Buffer((16,), "float32"), B: T.Buffer((16, 16), "float32")):
    for i in range(16):
        with T.block("unary"):
            vi = T.axis.spatial(16, i)
            x: T.float32 = A[vi]
            B[vi, 0] = T.exp(x)
            B[vi, 1] = T.exp2(x)
            B[vi, 2] = T.log(x)
            B[vi, 3] = T.log2(x)
            B[vi, 4] = T.sqrt(x)
            B[vi, 5] = T.rsqrt(x)
            B[vi, 6] = T.tanh(x)
            B[vi, 7] = T.sigmoid(x)
            B[vi, 8] = T.sin(x)
            B[vi, 9] = T.cos(x)
            B[vi, 10] = T.fabs(T.float32(1) - x)
            B[vi, 11] = T.floor(x)
            B[vi, 12] = T.ceil(x)
            B[vi, 13] = T.round(x)
            B[vi, 14] = T.trunc(T.float32(0) - x)
            B[vi, 15] = T.erf(x)


@T.prim_func
def select_pow(
    A: T.Buffer((32,), "float32"), B: T.Buffer((32,), "float32"), C: T.Buffer((32,), "float32")
):
    for i in range(32):
        with T.block("C"):
            vi = T.axis.spatial(32, i)
            C[vi] = T.Select(
                A[vi] > B[vi],
                T.pow(A[vi], T.float32(2)),
                T.if_then_else(T.likely(vi < 16), B[vi], T.fabs(B[vi])),
            )


@T.prim_func
def bitwise(
    A: T.Buffer((64,), "int32"), B: T.Buffer((64,), "int32"), C: T.Buffer((64, 8), "int32")
):
    for i in range(64):
        with T.block("C"):
            vi = T.axis.spatial(64, i)
            C[vi, 0] = T.bitwise_and(A[vi], B[vi])
            C[vi, 1] = T.bitwise_or(A[vi], B[vi])
            C[vi, 2] = T.bitwise_xor(A[vi], B[vi])
            C[vi, 3] = T.bitwise_not(A[vi])
            C[vi, 4] = T.shift_left(A[vi], 3)
            C[vi, 5] = T.shift_right(A[vi], 2)
            C[vi, 6] = A[vi] & 255 | B[vi] << 4 ^ ~B[vi]
            C[vi, 7] = A[vi] >> 1


@T.prim_func
def reinterpret_limits(
    A: T.Buffer((16,), "float32"),
    B: T.Buffer((16,), "int32"),
    C: T.Buffer((4,), "float32"),
    D: T.Buffer((4,), "int32"),
):
    for i in range(16):
        B[i] = T.reinterpret("int32", A[i])
    C[0] = T.max_value("float32")
    C[1] = T.min_value("float32")
    C[2] = T.reinterpret("float32", T.shift_left(127, 23))
    C[3] = T.Cast("float32", T.max_value("int8"))
    D[0] = T.max_value("int32")
    D[1] = T.min_value("int32")
    D[2] = T.Cast("int32", T.min_value("int16"))
    D[3] = T.Cast("int32", T.max_value("uint8"))


@T.prim_func
def div_mod(
    A: T.Buffer((32,), "int32"), B: T.Buffer((32,), "int32"), C: T.Buffer((32, 6), "int32")
):
    for i in range(32):
        C[i, 0] = T.truncdiv(A[i], B[i])
        C[i, 1] = T.truncmod(A[i], B[i])
        C[i, 2] = T.floordiv(A[i], B[i])
        C[i, 3] = T.floormod(A[i], B[i])
        C[i, 4] = A[i] // B[i] * B[i] + A[i] % B[i]
        C[i, 5] = T.min(A[i], B[i]) - T.max(A[i], -B[i])


@T.prim_func
def extern_calls(
    A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "float32"), K: T.Buffer((8,), "int32")
):
    for i in range(8):
        B[i] = T.call_extern("float32", "clampf", A[i], T.float32(-0.5), T.float32(0.5))
        K[i] = T.call_packed("square_plus", i, 3)
    T.evaluate(T.call_packed("record", B[0], dtype="float32"))
    T.call_extern("int32", "note", 7)


@T.prim_func
def let_expr(A: T.Buffer((16,), "float32"), B: T.Buffer((16,), "float32")):
    x = T.float32()
    for i in range(16):
        B[i] = T.Let(x * x + x, where={x: A[i] + T.float32(1)})


_UNARY = (
    np.exp, np.exp2, np.log, np.log2, np.sqrt, lambda x: 1 / np.sqrt(x), np.tanh,
    lambda x: 1 / (1 + np.exp(-x)), np.sin, np.cos, lambda x: np.abs(1 - x), np.floor, np.ceil,
    np.round, lambda x: np.trunc(-x), np.vectorize(math.erf),
)  # fmt: skip


def _unary(a: np.ndarray) -> np.ndarray:
    x = a.astype(np.float64)
    return f32(np.stack([f(x) for f in _UNARY], axis=1))


def _select_pow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    other = np.where(np.arange(32) < 16, b, np.abs(b))
    return np.where(a > b, a * a, other).astype(np.float32)


def _bitwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cols = [a & b, a | b, a ^ b, ~a, a << 3, a >> 2, (a & 255) | ((b << 4) ^ ~b), a >> 1]
    return np.stack(cols, axis=1).astype(np.int32)


def _limits(a: np.ndarray) -> dict[int, np.ndarray]:
    f = np.finfo(np.float32)
    c = np.array([f.max, f.min, 1.0, 127.0], np.float32)
    d = np.array([2**31 - 1, -(2**31), -(2**15), 255], np.int32)
    return {1: a.view(np.int32), 2: c, 3: d}


def _div_mod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.astype(np.int64), b.astype(np.int64)
    trunc = np.trunc(a / b).astype(np.int64)
    cols = [trunc, a - trunc * b, a // b, a % b, a, np.minimum(a, b) - np.maximum(a, -b)]
    return np.stack(cols, axis=1).astype(np.int32)


def _nonzero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    b = rand(rng, shape, "int32", -9, 9)
    return np.where(b == 0, 5, b).astype(np.int32)


def _extern_funcs() -> dict[str, object]:
    return {"clampf": lambda x, lo, hi: min(max(x, lo), hi), "note": lambda x: 0}


def _packed_funcs() -> dict[str, object]:
    return {"square_plus": lambda i, k: i * i + k, "record": lambda x: x}


CASES = [
    case(
        "float_unary",
        Reference(
            lambda rng, s: [rand(rng, (16,), lo=0.1, hi=4), zeros((16, 16))],
            lambda a, b: {1: _unary(a)},
            rtol=1e-5,
            atol=1e-6,
        ),
    ),
    case(
        "select_pow",
        Reference(
            lambda rng, s: [rand(rng, (32,)), rand(rng, (32,)), zeros((32,))],
            lambda a, b, c: {2: _select_pow(a, b)},
        ),
    ),
    case(
        "bitwise",
        Reference(
            lambda rng, s: [
                rand(rng, (64,), "int32", -(2**20), 2**20),
                rand(rng, (64,), "int32", -(2**20), 2**20),
                zeros((64, 8), "int32"),
            ],
            lambda a, b, c: {2: _bitwise(a, b)},
        ),
    ),
    case(
        "reinterpret_limits",
        Reference(
            lambda rng, s: [
                rand(rng, (16,)),
                zeros((16,), "int32"),
                zeros((4,)),
                zeros((4,), "int32"),
            ],
            lambda a, b, c, d: _limits(a),
        ),
    ),
    case(
        "div_mod",
        Reference(
            lambda rng, s: [
                rand(rng, (32,), "int32", -50, 50),
                _nonzero(rng, (32,)),
                zeros((32, 6), "int32"),
            ],
            lambda a, b, c: {2: _div_mod(a, b)},
        ),
    ),
    case(
        "extern_calls",
        Reference(
            lambda rng, s: [rand(rng, (8,)), zeros((8,)), zeros((8,), "int32")],
            lambda a, b, k: {1: np.clip(a, -0.5, 0.5), 2: np.arange(8, dtype=np.int32) ** 2 + 3},
            kwargs=lambda: {"extern_funcs": _extern_funcs(), "packed_funcs": _packed_funcs()},
        ),
    ),
    case(
        "let_expr",
        Reference(
            lambda rng, s: [rand(rng, (16,)), zeros((16,))],
            lambda a, b: {
                1: f32((a + np.float32(1)).astype(np.float64) ** 2 + (a + np.float32(1)))
            },
        ),
    ),
]
