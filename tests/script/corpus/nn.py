"""Corpus: neural-network operators (convolutions, pooling, normalizations, activations, gather)."""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def conv2d_nchw(
    X: T.Buffer((1, 4, 8, 8), "float32"),
    W: T.Buffer((8, 4, 3, 3), "float32"),
    Y: T.Buffer((1, 8, 8, 8), "float32"),
):
    T.func_attr({"global_symbol": "conv2d_nchw", "tir.noalias": True})
    pad = T.alloc_buffer((1, 4, 10, 10), "float32")
    for n, c, h, w in T.grid(1, 4, 10, 10):
        with T.block("pad"):
            vn, vc, vh, vw = T.axis.remap("SSSS", [n, c, h, w])
            T.reads(X[vn, vc, vh - 1, vw - 1])
            T.writes(pad[vn, vc, vh, vw])
            pad[vn, vc, vh, vw] = T.if_then_else(
                1 <= vh and vh < 9 and 1 <= vw and vw < 9,  # noqa: SIM300
                X[vn, vc, vh - 1, vw - 1],
                T.float32(0),
            )
    for n, f, h, w, c, kh, kw in T.grid(1, 8, 8, 8, 4, 3, 3):
        with T.block("conv"):
            vn, vf, vh, vw, vc, vkh, vkw = T.axis.remap("SSSSRRR", [n, f, h, w, c, kh, kw])
            T.reads(pad[vn, vc, vh + vkh, vw + vkw], W[vf, vc, vkh, vkw])
            T.writes(Y[vn, vf, vh, vw])
            with T.init():
                Y[vn, vf, vh, vw] = T.float32(0)
            Y[vn, vf, vh, vw] = (
                Y[vn, vf, vh, vw] + pad[vn, vc, vh + vkh, vw + vkw] * W[vf, vc, vkh, vkw]
            )


@T.prim_func
def depthwise_conv2d(
    X: T.Buffer((1, 8, 10, 10), "float32"),
    W: T.Buffer((8, 1, 3, 3), "float32"),
    Y: T.Buffer((1, 8, 8, 8), "float32"),
):
    for b, c, i, j, di, dj in T.grid(1, 8, 8, 8, 3, 3):
        with T.block("depthwise"):
            vb, vc, vi, vj, vdi, vdj = T.axis.remap("SSSSRR", [b, c, i, j, di, dj])
            with T.init():
                Y[vb, vc, vi, vj] = T.float32(0)
            Y[vb, vc, vi, vj] += X[vb, vc, vi + vdi, vj + vdj] * W[vc, 0, vdi, vdj]


@T.prim_func
def max_pool2d(X: T.Buffer((1, 4, 8, 8), "float32"), Y: T.Buffer((1, 4, 4, 4), "float32")):
    for n, c, h, w, rh, rw in T.grid(1, 4, 4, 4, 2, 2):
        with T.block("pool_max"):
            vn, vc, vh, vw, vrh, vrw = T.axis.remap("SSSSRR", [n, c, h, w, rh, rw])
            T.reads(X[vn, vc, vh * 2 + vrh, vw * 2 + vrw])
            T.writes(Y[vn, vc, vh, vw])
            with T.init():
                Y[vn, vc, vh, vw] = T.float32("-inf")
            Y[vn, vc, vh, vw] = T.max(Y[vn, vc, vh, vw], X[vn, vc, vh * 2 + vrh, vw * 2 + vrw])


@T.prim_func
def avg_pool2d(X: T.Buffer((1, 2, 6, 6), "float32"), Y: T.Buffer((1, 2, 6, 6), "float32")):
    S = T.alloc_buffer((1, 2, 6, 6), "float32")
    for n, c, h, w, rh, rw in T.grid(1, 2, 6, 6, 3, 3):
        with T.block("pool_sum"):
            vn, vc, vh, vw, vrh, vrw = T.axis.remap("SSSSRR", [n, c, h, w, rh, rw])
            with T.init():
                S[vn, vc, vh, vw] = T.float32(0)
            S[vn, vc, vh, vw] = S[vn, vc, vh, vw] + T.if_then_else(
                1 <= vh + vrh < 7 and 1 <= vw + vrw < 7,
                X[vn, vc, vh + vrh - 1, vw + vrw - 1],
                T.float32(0),
            )
    for n, c, h, w in T.grid(1, 2, 6, 6):
        with T.block("pool_avg"):
            vn, vc, vh, vw = T.axis.remap("SSSS", [n, c, h, w])
            Y[vn, vc, vh, vw] = S[vn, vc, vh, vw] / T.Cast(
                "float32",
                (T.min(vh + 2, 6) - T.max(vh - 1, 0)) * (T.min(vw + 2, 6) - T.max(vw - 1, 0)),
            )


@T.prim_func
def softmax(A: T.Buffer((8, 64), "float32"), B: T.Buffer((8, 64), "float32")):
    T_max = T.alloc_buffer((8,), "float32")
    T_exp = T.alloc_buffer((8, 64), "float32")
    T_sum = T.alloc_buffer((8,), "float32")
    for i, k in T.grid(8, 64):
        with T.block("T_max"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(A[vi, vk])
            T.writes(T_max[vi])
            with T.init():
                T_max[vi] = T.float32(-3.4028234663852886e38)
            T_max[vi] = T.max(T_max[vi], A[vi, vk])
    for i, j in T.grid(8, 64):
        with T.block("T_exp"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(A[vi, vj], T_max[vi])
            T.writes(T_exp[vi, vj])
            T_exp[vi, vj] = T.exp(A[vi, vj] - T_max[vi])
    for i, k in T.grid(8, 64):
        with T.block("T_sum"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(T_exp[vi, vk])
            T.writes(T_sum[vi])
            with T.init():
                T_sum[vi] = T.float32(0)
            T_sum[vi] = T_sum[vi] + T_exp[vi, vk]
    for i, j in T.grid(8, 64):
        with T.block("T_softmax"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(T_exp[vi, vj], T_sum[vi])
            T.writes(B[vi, vj])
            B[vi, vj] = T_exp[vi, vj] / T_sum[vi]


@T.prim_func
def layer_norm(
    A: T.Buffer((4, 32), "float32"),
    gamma: T.Buffer((32,), "float32"),
    beta: T.Buffer((32,), "float32"),
    B: T.Buffer((4, 32), "float32"),
):
    mean = T.alloc_buffer((4,), "float32")
    sqsum = T.alloc_buffer((4,), "float32")
    for i, k in T.grid(4, 32):
        with T.block("stats"):
            vi, vk = T.axis.remap("SR", [i, k])
            with T.init():
                mean[vi] = T.float32(0)
                sqsum[vi] = T.float32(0)
            mean[vi] = mean[vi] + A[vi, vk]
            sqsum[vi] = sqsum[vi] + A[vi, vk] * A[vi, vk]
    for i, j in T.grid(4, 32):
        with T.block("norm"):
            vi, vj = T.axis.remap("SS", [i, j])
            mu: T.float32 = mean[vi] * T.float32(0.03125)
            var: T.float32 = sqsum[vi] * T.float32(0.03125) - mu * mu
            B[vi, vj] = (A[vi, vj] - mu) * T.rsqrt(var + T.float32(1e-05)) * gamma[vj] + beta[vj]


@T.prim_func
def rms_norm(x: T.handle, weight: T.Buffer((64,), "float32"), y: T.handle):
    n = T.int32()
    X = T.match_buffer(x, (n, 64), "float32")
    Y = T.match_buffer(y, (n, 64), "float32")
    ss = T.alloc_buffer((n,), "float32")
    for i, k in T.grid(n, 64):
        with T.block("sum_sq"):
            vi, vk = T.axis.remap("SR", [i, k])
            with T.init():
                ss[vi] = T.float32(0)
            ss[vi] += X[vi, vk] * X[vi, vk]
    for i, j in T.grid(n, 64):
        with T.block("scale"):
            vi, vj = T.axis.remap("SS", [i, j])
            Y[vi, vj] = X[vi, vj] / T.sqrt(ss[vi] / T.float32(64) + T.float32(1e-06)) * weight[vj]


@T.prim_func
def gelu(
    A: T.Buffer((256,), "float32"), B: T.Buffer((256,), "float32"), C: T.Buffer((256,), "float32")
):
    for i in range(256):
        with T.block("gelu_erf"):
            vi = T.axis.spatial(256, i)
            B[vi] = (
                A[vi]
                * T.float32(0.5)
                * (T.float32(1) + T.erf(A[vi] * T.float32(0.7071067811865476)))
            )
    for i in range(256):
        with T.block("gelu_tanh"):
            vi = T.axis.spatial(256, i)
            C[vi] = (
                0.5
                * A[vi]
                * (
                    1.0
                    + T.tanh(
                        T.float32(0.7978845608) * (A[vi] + 0.044715 * T.pow(A[vi], T.float32(3)))
                    )
                )
            )


@T.prim_func
def take_clip(
    data: T.Buffer((16, 8), "float32"),
    indices: T.Buffer((10,), "int32"),
    out: T.Buffer((10, 8), "float32"),
):
    for i, j in T.grid(10, 8):
        with T.block("take"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(data[0:16, vj], indices[vi])
            T.writes(out[vi, vj])
            out[vi, vj] = data[T.min(T.max(indices[vi], 0), 15), vj]


@T.prim_func
def gather_wrap(
    data: T.Buffer((16, 8), "float32"),
    indices: T.Buffer((4, 5), "int64"),
    out: T.Buffer((4, 5, 8), "float32"),
):
    for i, j, k in T.grid(4, 5, 8):
        with T.block("gather"):
            vi, vj, vk = T.axis.remap("SSS", [i, j, k])
            out[vi, vj, vk] = data[T.floormod(indices[vi, vj], T.int64(16)), vk]


def _conv(xp: np.ndarray, w: np.ndarray) -> np.ndarray:
    windows = sliding_window_view(xp.astype(np.float64), (3, 3), axis=(2, 3))
    return f32(np.einsum("nchwij,fcij->nfhw", windows, w.astype(np.float64)))


def _depthwise(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    windows = sliding_window_view(x.astype(np.float64), (3, 3), axis=(2, 3))
    return f32(np.einsum("nchwij,cij->nchw", windows, w[:, 0].astype(np.float64)))


def _avg_pool(x: np.ndarray) -> np.ndarray:
    pad = ((0, 0), (0, 0), (1, 1), (1, 1))
    sums = sliding_window_view(np.pad(x.astype(np.float64), pad), (3, 3), axis=(2, 3))
    counts = sliding_window_view(np.pad(np.ones_like(x, np.float64), pad), (3, 3), axis=(2, 3))
    return f32(sums.sum(axis=(4, 5)) / counts.sum(axis=(4, 5)))


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a.astype(np.float64) - a.max(axis=1, keepdims=True))
    return f32(e / e.sum(axis=1, keepdims=True))


def _layer_norm(a: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64)
    mu = a.mean(axis=1, keepdims=True)
    var = (a * a).mean(axis=1, keepdims=True) - mu * mu
    return f32((a - mu) / np.sqrt(var + 1e-5) * g + b)


def _rms_norm(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    return f32(x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-6) * w)


def _gelu(a: np.ndarray) -> dict[int, np.ndarray]:
    x = a.astype(np.float64)
    erf = np.vectorize(math.erf)(x / math.sqrt(2))
    approx = 0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))
    return {1: f32(0.5 * x * (1 + erf)), 2: f32(approx)}


CASES = [
    case(
        "conv2d_nchw",
        Reference(
            lambda rng, s: [rand(rng, (1, 4, 8, 8)), rand(rng, (8, 4, 3, 3)), zeros((1, 8, 8, 8))],
            lambda x, w, y: {2: _conv(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), w)},
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "depthwise_conv2d",
        Reference(
            lambda rng, s: [
                rand(rng, (1, 8, 10, 10)),
                rand(rng, (8, 1, 3, 3)),
                zeros((1, 8, 8, 8)),
            ],
            lambda x, w, y: {2: _depthwise(x, w)},
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "max_pool2d",
        Reference(
            lambda rng, s: [rand(rng, (1, 4, 8, 8)), zeros((1, 4, 4, 4))],
            lambda x, y: {1: x.reshape(1, 4, 4, 2, 4, 2).max(axis=(3, 5))},
        ),
    ),
    case(
        "avg_pool2d",
        Reference(
            lambda rng, s: [rand(rng, (1, 2, 6, 6)), zeros((1, 2, 6, 6))],
            lambda x, y: {1: _avg_pool(x)},
        ),
    ),
    case(
        "softmax",
        Reference(
            lambda rng, s: [rand(rng, (8, 64), lo=-5, hi=5), zeros((8, 64))],
            lambda a, b: {1: _softmax(a)},
        ),
    ),
    case(
        "layer_norm",
        Reference(
            lambda rng, s: [rand(rng, (4, 32)), rand(rng, (32,)), rand(rng, (32,)), zeros((4, 32))],
            lambda a, g, b, out: {3: _layer_norm(a, g, b)},
            rtol=1e-4,
            atol=1e-4,
        ),
    ),
    case(
        "rms_norm",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 64)), rand(rng, (64,)), zeros((s["n"], 64))],
            lambda x, w, y: {2: _rms_norm(x, w)},
            sizes=({"n": 1}, {"n": 6}),
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "gelu",
        Reference(
            lambda rng, s: [rand(rng, (256,), lo=-4, hi=4), zeros((256,)), zeros((256,))],
            lambda a, b, c: _gelu(a),
            rtol=1e-4,
            atol=1e-5,
        ),
    ),
    case(
        "take_clip",
        Reference(
            lambda rng, s: [rand(rng, (16, 8)), rand(rng, (10,), "int32", -3, 20), zeros((10, 8))],
            lambda data, idx, out: {2: data[np.clip(idx, 0, 15)]},
        ),
    ),
    case(
        "gather_wrap",
        Reference(
            lambda rng, s: [
                rand(rng, (16, 8)),
                rand(rng, (4, 5), "int64", -40, 40),
                zeros((4, 5, 8)),
            ],
            lambda data, idx, out: {2: data[np.mod(idx, 16)]},
        ),
    ),
]
