"""Example graph models the demo, the benchmarks and the tests compile.

Each builder returns ``(module, reference)``: an `IRModule` built with the `BlockBuilder` and a
numpy function computing the same thing. Weights are parameters, so one compile serves any
values; the sizes a builder's docstring names are symbolic (they change from call to call
without recompiling).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from loom.ir import IRModule, tir
from loom.ir import graph as G
from loom.ir.graph import op as R


def size(name: str) -> tir.Var:
    """A symbolic size."""
    return tir.Var(name, "int64")


def tensor(name: str, shape: tuple, dtype: str = "float32") -> G.Var:
    """A graph parameter of a tensor of `shape` and `dtype`."""
    return G.Var(name, G.TensorStructInfo(tuple(shape), dtype))


Model = tuple[IRModule, Callable[..., np.ndarray]]
"""A module and the numpy function that computes what its ``main`` does."""


def mlp(width_in: int = 784, hidden: int = 512, width_out: int = 10) -> Model:
    """``relu(x @ w1 + b1) @ w2 + b2`` with a symbolic batch ``n``."""
    n = size("n")
    x = tensor("x", (n, width_in))
    w1, b1 = tensor("w1", (width_in, hidden)), tensor("b1", (hidden,))
    w2, b2 = tensor("w2", (hidden, width_out)), tensor("b2", (width_out,))
    bb = G.BlockBuilder()
    with bb.function("main", [x, w1, b1, w2, b2]):
        with bb.dataflow():
            h = bb.emit(R.matmul(x, w1))
            h = bb.emit(R.relu(bb.emit(R.add(h, b1))))
            out = bb.emit_output(R.add(bb.emit(R.matmul(h, w2)), b2))
        bb.emit_func_output(out)

    def reference(x, w1, b1, w2, b2):  # type: ignore[no-untyped-def]
        return np.maximum(x @ w1 + b1, 0) @ w2 + b2

    return bb.get(), reference


def mlp_inputs(
    rng: np.random.Generator,
    batch: int,
    width_in: int = 784,
    hidden: int = 512,
    width_out: int = 10,
) -> list[np.ndarray]:
    """Random inputs for `mlp`."""
    shapes = [(batch, width_in), (width_in, hidden), (hidden,), (hidden, width_out), (width_out,)]
    return [rng.standard_normal(s).astype("float32") * 0.1 for s in shapes]


def _layer_norm_ref(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _gelu_ref(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[x.dtype])
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def _softmax_ref(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def transformer_block(width: int = 64, heads: int = 4, ffn: int = 128) -> Model:
    """A pre-norm transformer block over a sequence of symbolic length ``n``.

    ``h = x + attn(ln1(x))``, ``out = h + W2 gelu(W1 ln2(h))``; attention has `heads` heads.
    """
    n = size("n")
    dh = width // heads
    x = tensor("x", (n, width))
    ln1_g, ln1_b = tensor("ln1_g", (width,)), tensor("ln1_b", (width,))
    wq, wk, wv, wo = (tensor(k, (width, width)) for k in ("wq", "wk", "wv", "wo"))
    ln2_g, ln2_b = tensor("ln2_g", (width,)), tensor("ln2_b", (width,))
    w1, w2 = tensor("w1", (width, ffn)), tensor("w2", (ffn, width))
    params = [x, ln1_g, ln1_b, wq, wk, wv, wo, ln2_g, ln2_b, w1, w2]
    scale = G.Constant(np.array(1 / math.sqrt(dh), "float32"))
    bb = G.BlockBuilder()
    with bb.function("main", params):
        with bb.dataflow():
            a = bb.emit(R.layer_norm(x, ln1_g, ln1_b, axes=-1))

            def heads_of(w: G.Var) -> G.Var:
                t = bb.emit(R.reshape(bb.emit(R.matmul(a, w)), (n, heads, dh)))
                return bb.emit(R.permute_dims(t, (1, 0, 2)))  # (heads, n, dh)

            q, k, v = heads_of(wq), heads_of(wk), heads_of(wv)
            scores = bb.emit(R.matmul(q, bb.emit(R.permute_dims(k, (0, 2, 1)))))
            probs = bb.emit(R.softmax(bb.emit(R.multiply(scores, scale)), axis=-1))
            ctx = bb.emit(R.permute_dims(bb.emit(R.matmul(probs, v)), (1, 0, 2)))
            ctx = bb.emit(R.reshape(ctx, (n, width)))
            h = bb.emit(R.add(x, bb.emit(R.matmul(ctx, wo))))
            b = bb.emit(R.layer_norm(h, ln2_g, ln2_b, axes=-1))
            f = bb.emit(R.matmul(bb.emit(R.gelu(bb.emit(R.matmul(b, w1)))), w2))
            out = bb.emit_output(R.add(h, f))
        bb.emit_func_output(out)

    def reference(x, ln1_g, ln1_b, wq, wk, wv, wo, ln2_g, ln2_b, w1, w2):  # type: ignore[no-untyped-def]
        a = _layer_norm_ref(x, ln1_g, ln1_b)
        q, k, v = (((a @ w).reshape(len(x), heads, dh)).transpose(1, 0, 2) for w in (wq, wk, wv))
        probs = _softmax_ref(q @ k.transpose(0, 2, 1) / np.float32(math.sqrt(dh)))
        h = x + (probs @ v).transpose(1, 0, 2).reshape(len(x), width) @ wo
        return h + _gelu_ref(_layer_norm_ref(h, ln2_g, ln2_b) @ w1) @ w2

    return bb.get(), reference


def transformer_inputs(
    rng: np.random.Generator, seq: int, width: int = 64, ffn: int = 128
) -> list[np.ndarray]:
    """Random inputs for `transformer_block`."""
    shapes = [(seq, width), (width,), (width,)] + [(width, width)] * 4
    shapes += [(width,), (width,), (width, ffn), (ffn, width)]
    out = [rng.standard_normal(s).astype("float32") * 0.2 for s in shapes]
    out[1] += 1.0  # layer norm gains near 1
    out[7] += 1.0
    return out
