"""Whole te programs (matmul, conv2d, softmax, layer norm) run in the interpreter match numpy."""

import numpy as np
import pytest

from loom.ir import InterpreterError
from loom.ir.tir import Select, all_, const, exp, if_then_else, interpret, sqrt, te

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def matmul_program(n, m, d):
    A = te.placeholder((n, d), name="A")
    B = te.placeholder((d, m), name="B")
    k = te.reduce_axis((0, d), "k")
    C = te.compute((n, m), lambda i, j: te.sum(A[i, k] * B[k, j], axis=k), name="C")
    return te.create_prim_func([A, B, C])


def test_matmul():
    a, b, c = rand(8, 12), rand(12, 5), np.zeros((8, 5), np.float32)
    interpret(matmul_program(8, 5, 12), a, b, c)
    np.testing.assert_allclose(c, a @ b, rtol=1e-5, atol=1e-5)


def test_symbolic_matmul_at_two_sizes():
    n, m, d = te.var("n"), te.var("m"), te.var("d")
    func = matmul_program(n, m, d)
    for shape in [(3, 4, 5), (7, 2, 9)]:
        a, b = rand(shape[0], shape[2]), rand(shape[2], shape[1])
        c = np.full((shape[0], shape[1]), np.nan, np.float32)  # init must overwrite
        interpret(func, a, b, c)
        np.testing.assert_allclose(c, a @ b, rtol=1e-5, atol=1e-5)


def conv2d_reference(x, w, pad, stride):
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, _, h, wd = x.shape
    k, _, r, s = w.shape
    oh, ow = (h - r) // stride + 1, (wd - s) // stride + 1
    out = np.zeros((n, k, oh, ow))
    for y in range(oh):
        for z in range(ow):
            patch = x[:, :, y * stride : y * stride + r, z * stride : z * stride + s]
            out[:, :, y, z] = np.einsum("ncrs,kcrs->nk", patch, w)
    return out


def conv2d_program(shape, kernel, pad, stride, pad_stage):
    n, c, h, w = shape
    k, _, r, s = kernel
    X = te.placeholder(shape, name="X")
    W = te.placeholder(kernel, name="W")
    oh, ow = (h + 2 * pad - r) // stride + 1, (w + 2 * pad - s) // stride + 1
    rc, rr, rs = te.reduce_axis(c, "rc"), te.reduce_axis(r, "rr"), te.reduce_axis(s, "rs")

    def padded(b, ch, y, x):
        inside = all_(y >= pad, y < h + pad, x >= pad, x < w + pad)
        return if_then_else(inside, X[b, ch, y - pad, x - pad], 0.0)

    if pad_stage:
        P = te.compute((n, c, h + 2 * pad, w + 2 * pad), padded, name="pad")
        source = P.__getitem__
    else:
        source = lambda index: padded(*index)  # noqa: E731
    Y = te.compute(
        (n, k, oh, ow),
        lambda b, f, y, x: te.sum(
            source((b, rc, y * stride + rr, x * stride + rs)) * W[f, rc, rr, rs], axis=[rc, rr, rs]
        ),
        name="conv",
    )
    return te.create_prim_func([X, W, Y]), (n, k, oh, ow)


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("pad_stage", [True, False], ids=["pad-stage", "if-then-else"])
def test_conv2d_nchw(stride, pad_stage):
    func, out_shape = conv2d_program((2, 3, 7, 7), (4, 3, 3, 3), 1, stride, pad_stage)
    x, w = rand(2, 3, 7, 7), rand(4, 3, 3, 3)
    y = np.zeros(out_shape, np.float32)
    interpret(func, x, w, y)
    np.testing.assert_allclose(y, conv2d_reference(x, w, 1, stride), rtol=1e-5, atol=1e-5)


def test_padding_with_select_reads_out_of_bounds():
    # Select evaluates both sides, so the padding border reads X[-1, ...]: caught, not wrapped.
    X = te.placeholder((4,), name="X")
    P = te.compute((6,), lambda i: Select(all_(i >= 1, i < 5), X[i - 1], const(0.0)), name="pad")
    with pytest.raises(InterpreterError, match=r"index \[-1\] is out of bounds of buffer X"):
        interpret(te.create_prim_func([X, P]), rand(4), np.zeros(6, np.float32))


def softmax_program(n, m):
    A = te.placeholder((n, m), name="A")
    k1, k2 = te.reduce_axis(m, "k1"), te.reduce_axis(m, "k2")
    row_max = te.compute((n,), lambda i: te.max(A[i, k1], axis=k1), name="row_max")
    e = te.compute((n, m), lambda i, j: exp(A[i, j] - row_max[i]), name="exp")
    total = te.compute((n,), lambda i: te.sum(e[i, k2], axis=k2), name="total")
    out = te.compute((n, m), lambda i, j: e[i, j] / total[i], name="softmax")
    return te.create_prim_func([A, out])


def softmax_reference(a):
    shifted = np.exp(a.astype(np.float64) - a.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def test_softmax():
    a, out = rand(4, 9) * 5, np.zeros((4, 9), np.float32)
    interpret(softmax_program(4, 9), a, out)
    np.testing.assert_allclose(out, softmax_reference(a), rtol=1e-5, atol=1e-6)


def test_symbolic_softmax_at_two_sizes():
    func = softmax_program(te.var("n"), te.var("m"))
    for shape in [(2, 3), (5, 11)]:
        a, out = rand(*shape) * 5, np.zeros(shape, np.float32)
        interpret(func, a, out)
        np.testing.assert_allclose(out, softmax_reference(a), rtol=1e-5, atol=1e-6)


def test_layer_norm():
    n, m, eps = 3, 16, 1e-5
    A = te.placeholder((n, m), name="A")
    gamma, beta = te.placeholder((m,), name="gamma"), te.placeholder((m,), name="beta")
    k1, k2 = te.reduce_axis(m, "k1"), te.reduce_axis(m, "k2")
    mean = te.compute((n,), lambda i: te.sum(A[i, k1] / float(m), axis=k1), name="mean")
    var = te.compute(
        (n,),
        lambda i: te.sum((A[i, k2] - mean[i]) * (A[i, k2] - mean[i]) / float(m), axis=k2),
        name="var",
    )
    out = te.compute(
        (n, m),
        lambda i, j: (A[i, j] - mean[i]) / sqrt(var[i] + eps) * gamma[j] + beta[j],
        name="layer_norm",
    )
    func = te.create_prim_func([A, gamma, beta, out])
    a, g, b = rand(n, m), rand(m), rand(m)
    result = np.zeros((n, m), np.float32)
    interpret(func, a, g, b, result)
    x = a.astype(np.float64)
    mu, sigma2 = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    np.testing.assert_allclose(
        result, (x - mu) / np.sqrt(sigma2 + eps) * g + b, rtol=1e-4, atol=1e-5
    )
