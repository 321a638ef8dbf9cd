import numpy as np
import pytest

from loom.ir import StructInfoError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

h, w_ = tir.Var("h", "int64"), tir.Var("w", "int64")
rng = np.random.default_rng(4)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return rng.standard_normal(shape).astype("float32")


def out_len(size, k, s, d, before, after, ceil_mode):
    span = size + before + after - d * (k - 1) - 1
    n = -(-span // s) + 1 if ceil_mode else span // s + 1
    if ceil_mode and (n - 1) * s >= size + before:
        n -= 1
    return n


def pool_ref(x, kind, pool, strides, before, after, dilation, ceil_mode, count_include_pad):
    """NCHW pooling window by window, following PyTorch's rules for divisors and ceil mode."""
    sizes = [
        out_len(x.shape[2 + a], pool[a], strides[a], dilation[a], before[a], after[a], ceil_mode)
        for a in range(2)
    ]
    out = np.zeros((*x.shape[:2], *sizes))
    for oh, ow in np.ndindex(*sizes):
        rows = [oh * strides[0] - before[0] + r * dilation[0] for r in range(pool[0])]
        cols = [ow * strides[1] - before[1] + r * dilation[1] for r in range(pool[1])]
        inside = [(r, c) for r in rows for c in cols if 0 <= r < x.shape[2] and 0 <= c < x.shape[3]]
        values = np.stack([x[:, :, r, c] for r, c in inside], -1)
        if kind == "max":
            out[:, :, oh, ow] = values.max(-1)
            continue
        if count_include_pad:
            lim = (x.shape[2] + after[0], x.shape[3] + after[1])
            n = sum(1 for r in rows if r < lim[0]) * sum(1 for c in cols if c < lim[1])
        else:
            n = len(inside)
        out[:, :, oh, ow] = values.sum(-1) / n
    return out


# -- inference --------------------------------------------------------------------------------


def test_pool_shapes(infer, assert_shape):
    x = var("x", (1, 2, h, 7))
    sinfo, checks = infer(R.max_pool2d(x, pool_size=3, strides=2, padding=1))
    assert_shape(sinfo, (1, 2, tir.floordiv(h - 1, 2) + 1, 4))
    assert [c.message for c in checks] == [
        "R.nn.max_pool2d: the window (3 wide with dilation) does not fit in the padded input "
        "H h + 2"
    ]
    sinfo, _ = infer(R.avg_pool2d(x, pool_size=(2, 3), strides=2, ceil_mode=True))
    assert_shape(sinfo, (1, 2, tir.floordiv(h - 1, 2) + 1, 3))
    nhwc = var("y", (1, 6, 6, 3))
    sinfo, _ = infer(R.max_pool2d(nhwc, pool_size=2, strides=2, layout="NHWC"))
    assert_shape(sinfo, (1, 3, 3, 3))


def test_ceil_mode_drops_a_window_that_starts_in_the_padding(infer, assert_shape):
    # 5 wide, window 2, stride 2, padding 1: windows start at -1, 1, 3, 5; the last starts in
    # the trailing padding, so ceil mode gives 3, not 4 (PyTorch's rule).
    sinfo, _ = infer(
        R.max_pool2d(var("x", (1, 1, 5, 5)), pool_size=2, strides=2, padding=1, ceil_mode=True)
    )
    assert_shape(sinfo, (1, 1, 3, 3))


def test_pool_errors(infer):
    x = var("x", (1, 2, 4, 4))
    with pytest.raises(StructInfoError, match=r"padding \(2, 2\) of axis H exceeds half"):
        R.max_pool2d(x, pool_size=3, padding=2)
    with pytest.raises(StructInfoError, match=r"pool_size values must be at least 1"):
        R.avg_pool2d(x, pool_size=0)
    with pytest.raises(StructInfoError, match=r"window \(5 wide with dilation\) does not fit"):
        infer(R.max_pool2d(x, pool_size=3, dilation=2))
    with pytest.raises(StructInfoError, match=r"layout must order the axes N, C, H, W"):
        R.max_pool2d(x, layout="NCH")
    with pytest.raises(StructInfoError, match=r"data must have rank 4, not 3"):
        infer(R.max_pool2d(var("y", (2, 4, 4))))
    with pytest.raises(StructInfoError, match=r"data must be a float tensor, not int32"):
        infer(R.avg_pool2d(var("i", (1, 1, 4, 4), "int32")))
    with pytest.raises(StructInfoError, match=r"output_size values must be at least 1"):
        R.adaptive_avg_pool2d(x, output_size=(0, 2))


# -- legalization -----------------------------------------------------------------------------


POOL_CASES = [
    {"pool_size": 2, "strides": 2},
    {"pool_size": 3, "strides": 2, "padding": 1},
    {"pool_size": (3, 2), "strides": (1, 2), "padding": (1, 0, 0, 1), "dilation": (2, 1)},
    {"pool_size": 2, "strides": 2, "padding": 1, "ceil_mode": True},
    {"pool_size": 3, "strides": 2, "ceil_mode": True},
]


def _run_pool(legalize, kind, kwargs, count_include_pad=False):
    extra = {"count_include_pad": count_include_pad} if kind == "avg" else {}
    op = R.max_pool2d if kind == "max" else R.avg_pool2d
    leg = legalize(lambda x: op(x, **kwargs, **extra), [var("x", (1, 2, h, 5))])
    a = leg.call.attrs
    for height in (5, 6):
        x = rand(1, 2, height, 5)
        want = pool_ref(
            x,
            kind,
            a["pool_size"],
            a["strides"],
            a["padding"][:2],
            a["padding"][2:],
            a["dilation"],
            a["ceil_mode"],
            count_include_pad,
        )
        np.testing.assert_allclose(leg.run(x), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs", POOL_CASES)
def test_max_pool2d_legalizes(legalize, kwargs):
    _run_pool(legalize, "max", kwargs)


@pytest.mark.parametrize("count_include_pad", [False, True])
@pytest.mark.parametrize("kwargs", POOL_CASES)
def test_avg_pool2d_legalizes(legalize, kwargs, count_include_pad):
    _run_pool(legalize, "avg", kwargs, count_include_pad)


def test_max_pool2d_nhwc_and_integers(legalize):
    leg = legalize(
        lambda x: R.max_pool2d(x, pool_size=2, strides=2, padding=1, layout="NHWC"),
        [var("x", (1, 4, 4, 2), "int32")],
    )
    x = rng.integers(-50, 50, (1, 4, 4, 2)).astype("int32")
    want = pool_ref(
        x.transpose(0, 3, 1, 2), "max", (2, 2), (2, 2), (1, 1), (1, 1), (1, 1), False, False
    )
    np.testing.assert_array_equal(leg.run(x), want.transpose(0, 2, 3, 1))


def test_pools_match_torch(legalize):
    torch = pytest.importorskip("torch")
    fn, x = torch.nn.functional, rand(1, 2, 7, 6)
    leg = legalize(
        lambda x: R.avg_pool2d(
            x, pool_size=3, strides=2, padding=1, ceil_mode=True, count_include_pad=True
        ),
        [var("x", x.shape)],
    )
    want = fn.avg_pool2d(torch.from_numpy(x), 3, 2, 1, ceil_mode=True, count_include_pad=True)
    np.testing.assert_allclose(leg.run(x), want.numpy(), rtol=1e-5, atol=1e-6)
    leg = legalize(
        lambda x: R.max_pool2d(x, pool_size=2, strides=2, padding=1, dilation=2, ceil_mode=True),
        [var("x", x.shape)],
    )
    want = fn.max_pool2d(torch.from_numpy(x), 2, 2, 1, dilation=2, ceil_mode=True)
    np.testing.assert_allclose(leg.run(x), want.numpy())


# -- adaptive average pooling -----------------------------------------------------------------


def adaptive_ref(x, out_h, out_w):
    out = np.zeros((*x.shape[:2], out_h, out_w))
    size_h, size_w = x.shape[2:]
    for i, j in np.ndindex(out_h, out_w):
        r0, r1 = i * size_h // out_h, -(-(i + 1) * size_h // out_h)
        c0, c1 = j * size_w // out_w, -(-(j + 1) * size_w // out_w)
        out[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean((2, 3))
    return out


def test_adaptive_avg_pool2d(infer, assert_shape, legalize):
    x = var("x", (1, 2, h, w_))
    assert_shape(infer(R.adaptive_avg_pool2d(x, output_size=(2, 3)))[0], (1, 2, 2, 3))
    assert_shape(infer(R.adaptive_avg_pool2d(x, output_size=1))[0], (1, 2, 1, 1))
    assert infer(R.adaptive_avg_pool2d(x))[0] is x.struct_info
    leg = legalize(lambda x: R.adaptive_avg_pool2d(x, output_size=(2, 3)), [x])
    for size in ((5, 7), (3, 4)):
        data = rand(1, 2, *size)
        np.testing.assert_allclose(leg.run(data), adaptive_ref(data, 2, 3), rtol=1e-5, atol=1e-6)


def test_adaptive_avg_pool2d_static_and_torch(legalize):
    torch = pytest.importorskip("torch")
    x = rand(1, 3, 7, 5)
    leg = legalize(lambda x: R.adaptive_avg_pool2d(x, output_size=(3, 2)), [var("x", x.shape)])
    want = torch.nn.functional.adaptive_avg_pool2d(torch.from_numpy(x), (3, 2)).numpy()
    np.testing.assert_allclose(leg.run(x), want, rtol=1e-5, atol=1e-6)
    nhwc = legalize(
        lambda x: R.adaptive_avg_pool2d(x, output_size=2, layout="NHWC"), [var("x", (1, 7, 5, 3))]
    )
    got = nhwc.run(np.ascontiguousarray(x.transpose(0, 2, 3, 1)))
    want = adaptive_ref(x, 2, 2).transpose(0, 2, 3, 1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
