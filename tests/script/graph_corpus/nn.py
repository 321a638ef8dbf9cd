"""Graph corpus: the nn and image operators: convolutions in both layouts, pooling, padding,
normalizations, activations, attention and resize."""

import math

import numpy as np

from loom.script import ir as I
from loom.script import relax as R

from ._case import Reference, case, rand


@I.ir_module
class Conv1dBatchNorm:
    @R.function
    def main(
        x: R.Tensor(("b", 4, "w"), "float32"),
        k: R.Tensor((6, 2, 3), "float32"),
        gamma: R.Tensor((6,), "float32"),
        beta: R.Tensor((6,), "float32"),
        mean: R.Tensor((6,), "float32"),
        var: R.Tensor((6,), "float32"),
    ):
        with R.dataflow():
            y = R.nn.conv1d(x, k, strides=1, padding=(1, 1), dilation=1, groups=2)
            z = R.nn.batch_norm(y, gamma, beta, mean, var, axis=1, epsilon=0.001)
            out = R.nn.relu(z)
            R.output(out)
        return out


def _conv1d_bn(x, k, gamma, beta, mean, var):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(padded, 3, axis=2)  # b, c, w, 3
    groups = [np.einsum("bcwk,ock->bow", win[:, 2 * g : 2 * g + 2], k[3 * g : 3 * g + 3])
              for g in range(2)]  # fmt: skip
    y = np.concatenate(groups, axis=1)
    c = (slice(None), None)
    z = (y - mean[c]) / np.sqrt(var[c] + 1e-3) * gamma[c] + beta[c]
    return np.maximum(z, 0)


@I.ir_module
class Conv2dNHWC:
    @R.function
    def main(
        x: R.Tensor((1, "h", "w", 4), "float32"),
        w: R.Tensor((3, 3, 1, 4), "float32"),
        w2: R.Tensor((8, 4, 1, 1), "float32"),
    ):
        with R.dataflow():
            depthwise = R.nn.conv2d(
                x,
                w,
                strides=(2, 2),
                padding=(1, 1, 1, 1),
                dilation=(1, 1),
                groups=4,
                data_layout="NHWC",
                kernel_layout="HWIO",
            )
            nchw = R.permute_dims(depthwise, axes=[0, 3, 1, 2])
            dilated = R.nn.conv2d(nchw, w2, dilation=2, out_dtype="float32")
            R.output(dilated)
        return dilated


@I.ir_module
class ConvTranspose:
    @R.function
    def main(
        x: R.Tensor(("n", 4, 5, 5), "float32"), w: R.Tensor((4, 2, 3, 3), "float32")
    ) -> R.Tensor(("n", 2, 10, 10), "float32"):
        with R.dataflow():
            up = R.nn.conv2d_transpose(x, w, strides=(2, 2), padding=(1, 1), output_padding=(1, 1))
            up2 = R.nn.conv2d_transpose(x, w, strides=2, padding=1, output_padding=1, dilation=1)
            out = R.add(up, up2)
            R.output(out)
        return out


@I.ir_module
class Pooling:
    @R.function
    def main(x: R.Tensor(("n", 3, 8, 8), "float32")):
        with R.dataflow():
            padded = R.nn.pad(x, pad_width=((0, 0), (0, 0), (1, 1), (1, 1)), pad_value=0.0)
            avg = R.nn.avg_pool2d(padded, pool_size=(3, 3), strides=(1, 1), count_include_pad=True)
            ceil = R.nn.max_pool2d(x, pool_size=(3, 3), strides=(2, 2), ceil_mode=True)
            ada = R.nn.adaptive_avg_pool2d(x, output_size=(2, 2))
            glob = R.nn.adaptive_avg_pool2d(x, output_size=1, layout="NCHW")
            R.output(avg, ceil, ada, glob)
        return (avg, ceil, ada, glob)


def _pooling(x):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    avg = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3)).mean(axis=(4, 5))
    big = np.pad(x, ((0, 0), (0, 0), (0, 1), (0, 1)), constant_values=-np.inf)
    ceil = np.lib.stride_tricks.sliding_window_view(big, (3, 3), axis=(2, 3))[:, :, ::2, ::2]
    n = x.shape[0]
    ada = x.reshape(n, 3, 2, 4, 2, 4).mean(axis=(3, 5))
    return (avg, ceil.max(axis=(4, 5)), ada, x.mean(axis=(2, 3), keepdims=True))


@I.ir_module
class Normalizations:
    @R.function
    def main(
        x: R.Tensor(("n", 4, 6), "float32"),
        w: R.Tensor((6,), "float32"),
        gamma: R.Tensor((4,), "float32"),
        beta: R.Tensor((4,), "float32"),
    ):
        with R.dataflow():
            rms = R.nn.rms_norm(x, w, axes=[-1], epsilon=1e-06)
            grp = R.nn.group_norm(x, gamma, beta, num_groups=2, channel_axis=1, axes=[2])
            drop = R.nn.dropout(grp, rate=0.25)
            act = R.nn.gelu_tanh(drop)
            R.output(rms, act)
        return (rms, act)


def _norms(x, w, gamma, beta):
    rms = x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + 1e-6) * w
    n = x.shape[0]
    g = x.reshape(n, 2, 2, 6)
    g = (g - g.mean(axis=(2, 3), keepdims=True)) / np.sqrt(g.var(axis=(2, 3), keepdims=True) + 1e-5)
    grp = g.reshape(n, 4, 6) * gamma[:, None] + beta[:, None]
    inner = math.sqrt(2 / math.pi) * (grp + 0.044715 * grp**3)
    return (rms, 0.5 * grp * (1 + np.tanh(inner)))


@I.ir_module
class Attention:
    @R.function
    def main(
        q: R.Tensor((1, "s", 2, 4), "float32"),
        k: R.Tensor((1, "t", 2, 4), "float32"),
        v: R.Tensor((1, "t", 2, 4), "float32"),
        bias: R.Tensor((1, 2, "s", "t"), "float32"),
    ):
        with R.dataflow():
            plain = R.nn.attention(q, k, v)
            causal = R.nn.attention(q, k, v, scale=0.5, causal_mask="BottomRight")
            biased = R.nn.attention(q, k, v, bias, causal_mask="TopLeft")
            R.output(plain, causal, biased)
        return (plain, causal, biased)


@I.ir_module
class ImageResize:
    @R.function
    def main(x: R.Tensor(("n", 3, 4, 4), "float32")):
        with R.dataflow():
            near = R.image.resize2d(x, size=(8, 8), method="nearest_neighbor")
            lin = R.image.resize2d(
                x,
                (6, 5),
                layout="NCHW",
                method="linear",
                coordinate_transformation_mode="align_corners",
            )
            nhwc = R.permute_dims(x, axes=[0, 2, 3, 1])
            small = R.image.resize2d(nhwc, size=2, layout="NHWC", out_dtype="float32")
            R.output(near, lin, small)
        return (near, lin, small)


CASES = [
    case(
        "Conv1dBatchNorm",
        Reference(
            lambda rng, s: [
                rand(rng, (s["b"], 4, s["w"])),
                rand(rng, (6, 2, 3)),
                rand(rng, (6,)),
                rand(rng, (6,)),
                rand(rng, (6,)),
                rand(rng, (6,), lo=0.5, hi=1.5),
            ],
            _conv1d_bn,
            sizes=({"b": 1, "w": 5}, {"b": 2, "w": 9}),
            atol=1e-4,
        ),
    ),
    case("Conv2dNHWC"),
    case("ConvTranspose"),
    case(
        "Pooling",
        Reference(lambda rng, s: [rand(rng, (s["n"], 3, 8, 8))], _pooling, ({"n": 2},)),
    ),
    case(
        "Normalizations",
        Reference(
            lambda rng, s: [
                rand(rng, (s["n"], 4, 6)),
                rand(rng, (6,)),
                rand(rng, (4,)),
                rand(rng, (4,)),
            ],
            _norms,
            sizes=({"n": 3},),
            atol=1e-4,
        ),
    ),
    case("Attention"),
    case("ImageResize"),
]
