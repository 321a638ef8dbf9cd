"""Graph corpus: model-like modules (MLP, transformer block, conv net, float16 compute).

Each takes its batch or sequence size as a symbolic dimension, so one module serves every size.
"""

import math

import numpy as np

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import Reference, case, rand


@I.ir_module
class MLP:
    @R.function
    def main(
        x: R.Tensor(("n", 16), "float32"),
        w1: R.Tensor((16, 32), "float32"),
        b1: R.Tensor((32,), "float32"),
        w2: R.Tensor((4, 32), "float32"),
        b2: R.Tensor((4,), "float32"),
    ) -> R.Tensor(("n", 4), "float32"):
        n = T.int64()
        with R.dataflow():
            h: R.Tensor((n, 32), "float32") = R.matmul(x, w1)
            h1 = R.add(h, b1)
            a = R.nn.relu(h1)
            logits = R.linear(a, w2, b2)
            out = R.nn.log_softmax(logits, axis=-1)
            R.output(out)
        return out


def _mlp_inputs(rng, s):
    n = s["n"]
    shapes = [(n, 16), (16, 32), (32,), (4, 32), (4,)]
    return [rand(rng, shape) for shape in shapes]


def _mlp(x, w1, b1, w2, b2):
    logits = np.maximum(x @ w1 + b1, 0) @ w2.T + b2
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@I.ir_module
class TransformerBlock:
    @R.function
    def attention(
        x: R.Tensor(("s", 32), "float32"),
        wq: R.Tensor((32, 32), "float32"),
        wk: R.Tensor((32, 32), "float32"),
        wv: R.Tensor((32, 32), "float32"),
    ) -> R.Tensor(("s", 32), "float32"):
        s = T.int64()
        with R.dataflow():
            q = R.matmul(x, wq)
            k = R.matmul(x, wk)
            v = R.matmul(x, wv)
            q4 = R.reshape(q, (s, 4, 8))
            k4 = R.reshape(k, (s, 4, 8))
            v4 = R.reshape(v, (s, 4, 8))
            qh = R.permute_dims(q4, axes=[1, 0, 2])
            kt = R.permute_dims(k4, axes=[1, 2, 0])
            vh = R.permute_dims(v4, axes=[1, 0, 2])
            scores = R.matmul(qh, kt)
            scaled = R.multiply(scores, R.const(0.35355339, "float32"))
            probs = R.nn.softmax(scaled, axis=-1)
            ctx = R.matmul(probs, vh)
            merged = R.permute_dims(ctx, axes=[1, 0, 2])
            out: R.Tensor((s, 32), "float32") = R.reshape(merged, (s, 32))
            R.output(out)
        return out

    @R.function
    def main(
        x: R.Tensor(("s", 32), "float32"),
        g1: R.Tensor((32,), "float32"),
        b1: R.Tensor((32,), "float32"),
        wq: R.Tensor((32, 32), "float32"),
        wk: R.Tensor((32, 32), "float32"),
        wv: R.Tensor((32, 32), "float32"),
        g2: R.Tensor((32,), "float32"),
        b2: R.Tensor((32,), "float32"),
        w_up: R.Tensor((32, 64), "float32"),
        w_down: R.Tensor((64, 32), "float32"),
    ) -> R.Tensor(("s", 32), "float32"):
        cls = TransformerBlock
        with R.dataflow():
            ln1 = R.nn.layer_norm(x, g1, b1, axes=[-1], epsilon=1e-05)
            att = cls.attention(ln1, wq, wk, wv)
            res1 = R.add(x, att)
            ln2 = R.nn.layer_norm(res1, g2, b2, axes=[-1], epsilon=1e-05)
            up = R.matmul(ln2, w_up)
            act = R.nn.gelu(up)
            down = R.matmul(act, w_down)
            out = R.add(res1, down)
            R.output(out)
        return out


def _layer_norm(x, g, b):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * g + b


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def _transformer_inputs(rng, sizes):
    s = sizes["s"]
    shapes = [(s, 32), (32,), (32,), (32, 32), (32, 32), (32, 32), (32,), (32,), (32, 64)]
    return [rand(rng, shape) for shape in [*shapes, (64, 32)]]


def _transformer(x, g1, b1, wq, wk, wv, g2, b2, w_up, w_down):
    s = x.shape[0]
    ln1 = _layer_norm(x, g1, b1)
    q, k, v = ((ln1 @ w).reshape(s, 4, 8).transpose(1, 0, 2) for w in (wq, wk, wv))
    probs = _softmax(q @ k.transpose(0, 2, 1) * np.float32(0.35355339))
    res1 = x + (probs @ v).transpose(1, 0, 2).reshape(s, 32)
    out = res1 + _gelu(_layer_norm(res1, g2, b2) @ w_up) @ w_down
    return out.astype(np.float32)


@I.ir_module
class ConvNet:
    @R.function
    def main(
        x: R.Tensor(("b", 3, 16, 16), "float32"),
        w: R.Tensor((8, 3, 3, 3), "float32"),
        bias: R.Tensor((1, 8, 1, 1), "float32"),
    ) -> R.Tensor(("b", 8, 8, 8), "float32"):
        with R.dataflow():
            conv = R.nn.conv2d(x, w, strides=1, padding=1)
            biased = R.add(conv, bias)
            act = R.nn.relu(biased)
            pooled = R.nn.max_pool2d(act, pool_size=(2, 2), strides=(2, 2))
            R.output(pooled)
        return pooled


def _conv_inputs(rng, s):
    return [rand(rng, (s["b"], 3, 16, 16)), rand(rng, (8, 3, 3, 3)), rand(rng, (1, 8, 1, 1))]


def _conv_net(x, w, bias):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    conv = np.einsum("bchwij,ocij->bohw", windows, w) + bias
    act = np.maximum(conv, 0)
    b = act.shape[0]
    return act.reshape(b, 8, 8, 2, 8, 2).max(axis=(3, 5))


@I.ir_module
class HalfPrecision:
    @R.function
    def main(x: R.Tensor(("n", 8), "float32"), w: R.Tensor((8, 8), "float16")) -> R.Tensor(
        ("n", 8), "float32"
    ):
        with R.dataflow():
            xh = R.astype(x, dtype="float16")
            y = R.matmul(xh, w, out_dtype="float32")
            z = R.astype(y, "float16")
            act = R.nn.silu(z)
            out = R.astype(act, dtype="float32")
            R.output(out)
        return out


def _half(x, w):
    y = (x.astype(np.float16).astype(np.float32) @ w.astype(np.float32)).astype(np.float16)
    y = y.astype(np.float32)
    return (y / (1 + np.exp(-y))).astype(np.float16).astype(np.float32)


CASES = [
    case(
        "MLP",
        Reference(_mlp_inputs, _mlp, sizes=({"n": 1}, {"n": 5}), atol=1e-4),
    ),
    case(
        "TransformerBlock",
        Reference(_transformer_inputs, _transformer, sizes=({"s": 3}, {"s": 7}), atol=1e-4),
    ),
    case(
        "ConvNet",
        Reference(_conv_inputs, _conv_net, sizes=({"b": 1}, {"b": 2}), atol=1e-4),
    ),
    case(
        "HalfPrecision",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 8)), rand(rng, (8, 8), "float16")],
            _half,
            sizes=({"n": 2}, {"n": 4}),
            rtol=1e-2,
            atol=1e-2,
        ),
    ),
]
