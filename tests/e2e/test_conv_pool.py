"""conv2d + relu + max_pool2d with a dynamic batch and dynamic image size."""

import numpy as np
from graph_models import size, tensor
from numpy.lib.stride_tricks import sliding_window_view

import loom
from loom.ir import graph as G
from loom.ir.graph import op as R


def conv_relu_pool():
    n, h, w = size("n"), size("h"), size("w")
    x, k = tensor("x", (n, 3, h, w)), tensor("k", (4, 3, 3, 3))
    bb = G.BlockBuilder()
    with bb.function("main", [x, k]):
        with bb.dataflow():
            c = bb.emit(R.conv2d(x, k, padding=1))
            r = bb.emit(R.relu(c))
            out = bb.emit_output(R.max_pool2d(r, pool_size=2, strides=2))
        bb.emit_func_output(out)
    return bb.get()


def reference(x, k):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(padded, (3, 3), axis=(2, 3))  # n, c, h, w, 3, 3
    conv = np.einsum("nchwij,ocij->nohw", windows, k)
    relu = np.maximum(conv, 0)
    hh, ww = relu.shape[2] // 2 * 2, relu.shape[3] // 2 * 2
    pooled = relu[:, :, :hh, :ww].reshape(len(x), 4, hh // 2, 2, ww // 2, 2)
    return pooled.max(axis=(3, 5))


def test_conv_relu_pool_at_several_batch_and_image_sizes():
    vm = loom.VirtualMachine(loom.compile(conv_relu_pool()))
    rng = np.random.default_rng(2)
    k = rng.standard_normal((4, 3, 3, 3)).astype("float32")
    for shape in ((1, 3, 8, 8), (3, 3, 7, 10)):
        x = rng.standard_normal(shape).astype("float32")
        out = vm["main"](x, k).numpy()
        np.testing.assert_allclose(out, reference(x, k), rtol=1e-4, atol=1e-5)
