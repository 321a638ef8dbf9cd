import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

h, w_, c = (tir.Var(v, "int64") for v in ("h", "w", "c"))
rng = np.random.default_rng(3)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return rng.standard_normal(shape).astype("float32")


def conv_ref(x, w, strides, before, after, dilation, groups):
    """Channels-first N-D convolution, kernel (O, C / groups, *k), one tap at a time."""
    nsp = x.ndim - 2
    xp = np.pad(x.astype("float64"), [(0, 0), (0, 0), *zip(before, after)])
    taps = w.shape[2:]
    out_sp = [
        (xp.shape[2 + i] - dilation[i] * (taps[i] - 1) - 1) // strides[i] + 1 for i in range(nsp)
    ]
    cpg, opg = x.shape[1] // groups, w.shape[0] // groups
    out = np.zeros((x.shape[0], w.shape[0], *out_sp))
    for o in range(w.shape[0]):
        g = o // opg
        for tap in np.ndindex(*taps):
            window = tuple(
                slice(t * d, t * d + s * (n - 1) + 1, s)
                for t, d, s, n in zip(tap, dilation, strides, out_sp)
            )
            patch = xp[(slice(None), slice(g * cpg, (g + 1) * cpg), *window)]
            out[:, o] += np.tensordot(w[(o, slice(None), *tap)], patch, axes=([0], [1]))
    return out


def conv_transpose_ref(x, w, strides, before, after, out_pad, dilation, groups):
    """Transposed 2-D convolution by scattering each input pixel; kernel (C, O / groups, kh, kw)."""
    n, cin, hi, wi = x.shape
    opg, kh, kw = w.shape[1:]
    cpg = cin // groups
    full = [
        (s - 1) * st + d * (k - 1) + 1 + op
        for s, st, d, k, op in zip((hi, wi), strides, dilation, (kh, kw), out_pad)
    ]
    buf = np.zeros((n, opg * groups, *full))
    for ch in range(cin):
        g = ch // cpg
        for i, j, a, b in np.ndindex(hi, wi, kh, kw):
            y, z = i * strides[0] + a * dilation[0], j * strides[1] + b * dilation[1]
            buf[:, g * opg : (g + 1) * opg, y, z] += x[:, ch, i, j][:, None] * w[ch, :, a, b]
    sizes = [f - b - a for f, b, a in zip(full, before, after)]
    return buf[:, :, before[0] : before[0] + sizes[0], before[1] : before[1] + sizes[1]]


# -- inference --------------------------------------------------------------------------------


def test_conv2d_shapes(infer, assert_shape):
    x = var("x", (1, 2, 5, 5))
    sinfo, _ = infer(R.conv2d(x, var("k", (4, 2, 3, 3))))
    assert_shape(sinfo, (1, 4, 3, 3))
    sinfo, _ = infer(R.conv2d(x, var("k", (4, 1, 3, 3)), strides=2, padding=1, groups=2))
    assert_shape(sinfo, (1, 4, 3, 3))
    nhwc = var("y", (1, 5, 5, 2))
    sinfo, _ = infer(
        R.conv2d(nhwc, var("k", (3, 3, 2, 4)), data_layout="NHWC", kernel_layout="HWIO", dilation=2)
    )
    assert_shape(sinfo, (1, 1, 1, 4))


def test_conv2d_symbolic_output_size_formula(infer, assert_shape):
    x = var("x", (1, 2, h, w_))
    call = R.conv2d(x, var("k", (4, 2, 3, 3)), strides=(2, 1), padding=(1, 0, 1, 2), dilation=2)
    sinfo, checks = infer(call)
    assert_shape(sinfo, (1, 4, tir.floordiv(h - 3, 2) + 1, w_ - 2))
    # Each spatial size must fit the dilated 5-wide kernel at run time.
    assert [ch.message for ch in checks] == [
        "R.nn.conv2d: the window (5 wide with dilation) does not fit in the padded input H h + 2",
        "R.nn.conv2d: the window (5 wide with dilation) does not fit in the padded input W w + 2",
    ]


def test_conv_attributes_are_stored_expanded():
    call = R.conv2d(var("x", (1, 2, 5, 5)), var("k", (4, 2, 3, 3)), strides=2, padding=(1, 2))
    assert call.attrs["strides"] == (2, 2)
    assert call.attrs["padding"] == (1, 2, 1, 2)
    assert call.attrs["dilation"] == (1, 1)
    call = R.conv1d(var("x", (1, 2, 5)), var("k", (4, 2, 3)), padding=(0, 1), out_dtype="float32")
    assert call.attrs["padding"] == (0, 1)
    assert str(call.attrs["out_dtype"]) == "float32"


def test_conv_errors_name_the_dims(infer):
    x = var("x", (1, 3, 5, 5))
    with pytest.raises(StructInfoError, match=r"data has 3 channels but the weight expects 2"):
        infer(R.conv2d(x, var("k", (4, 2, 3, 3))))
    with pytest.raises(StructInfoError, match=r"expects 4 \(2 per group x 2 groups\)"):
        infer(R.conv2d(x, var("k", (4, 2, 3, 3)), groups=2))
    with pytest.raises(StructInfoError, match=r"output channels do not split into 3 groups"):
        infer(R.conv2d(var("x", (1, 3, 5, 5)), var("k", (4, 1, 3, 3)), groups=3))
    with pytest.raises(StructInfoError, match=r"window \(7 wide with dilation\) does not fit .* 5"):
        infer(R.conv2d(x, var("k", (4, 3, 4, 4)), dilation=2))
    with pytest.raises(StructInfoError, match=r"data must have rank 4, not 3"):
        infer(R.conv2d(var("x", (3, 5, 5)), var("k", (4, 3, 3, 3))))
    with pytest.raises(StructInfoError, match="needs operands of one dtype"):
        infer(R.conv2d(x, var("k", (4, 3, 3, 3), "float16")))
    with pytest.raises(StructInfoError, match="computes in a numeric dtype, not bool"):
        infer(R.conv2d(var("b", (1, 3, 5, 5), "bool"), var("k", (4, 3, 3, 3), "bool")))
    _, checks = infer(R.conv2d(var("y", (1, c, 5, 5)), var("k", (4, 3, 3, 3))))
    assert checks[0].message == "R.nn.conv2d: data has c channels but the weight expects 3"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strides": 0}, r"strides values must be at least 1, got \(0,\)"),
        ({"padding": (1, 1, 1)}, r"padding takes 1 or 2 or 4 values, got 3"),
        ({"padding": -1}, r"padding values must be at least 0"),
        ({"dilation": (1, 1, 1)}, r"dilation takes 1 or 2 values, got 3"),
        ({"groups": 0}, r"groups must be at least 1, not 0"),
        ({"data_layout": "NCWH"}, None),
        ({"data_layout": "NCHD"}, r"data_layout must order the axes N, C, H, W"),
        ({"kernel_layout": "OHWW"}, r"kernel_layout must order the axes O, I, H, W"),
    ],
)
def test_conv2d_attribute_validation(kwargs, message):
    x, k = var("x", (1, 2, 5, 5)), var("k", (4, 2, 3, 3))
    if message is None:  # any ordering of the letters is a layout
        R.conv2d(x, k, **kwargs)
        return
    with pytest.raises(StructInfoError, match=message):
        R.conv2d(x, k, **kwargs)


def test_conv_attribute_types_are_checked():
    with pytest.raises(TypeCheckError, match=r"attribute 'groups' of R\.nn\.conv2d must be int"):
        R.conv2d(var("x", (1, 2, 5, 5)), var("k", (4, 2, 3, 3)), groups=1.0)


def test_conv2d_transpose_shapes_and_errors(infer, assert_shape):
    x = var("x", (1, 4, h, 3))
    sinfo, _ = infer(
        R.conv2d_transpose(x, var("k", (4, 3, 3, 3)), strides=2, padding=1, output_padding=1)
    )
    assert_shape(sinfo, (1, 3, h * 2, 6))
    sinfo, _ = infer(R.conv2d_transpose(x, var("k", (4, 1, 3, 3)), groups=2))
    assert_shape(sinfo, (1, 2, h + 2, 5))
    with pytest.raises(StructInfoError, match="data has 4 channels but the weight expects 2"):
        infer(R.conv2d_transpose(x, var("k", (2, 3, 3, 3))))
    with pytest.raises(StructInfoError, match=r"output_padding 2 .* smaller than its stride"):
        R.conv2d_transpose(x, var("k", (4, 3, 3, 3)), strides=2, output_padding=2)
    with pytest.raises(StructInfoError, match=r"the output W -1 is not positive"):
        infer(R.conv2d_transpose(var("y", (1, 4, 3, 1)), var("k", (4, 3, 1, 1)), padding=1))


# -- legalization -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "groups"),
    [
        ({}, 1),
        ({"strides": 2, "padding": (1, 0, 1, 2)}, 1),
        ({"dilation": (2, 1), "padding": 1}, 1),
        ({"groups": 2, "padding": 1}, 2),
    ],
)
def test_conv2d_nchw_legalizes(legalize, kwargs, groups):
    leg = legalize(
        lambda x, k: R.conv2d(x, k, **kwargs),
        [var("x", (1, 2, 5, 5)), var("k", (2, 2 // groups, 3, 3))],
    )
    x, k = rand(1, 2, 5, 5), rand(2, 2 // groups, 3, 3)
    call = leg.call
    pads = call.attrs["padding"]
    want = conv_ref(x, k, call.attrs["strides"], pads[:2], pads[2:], call.attrs["dilation"], groups)
    np.testing.assert_allclose(leg.run(x, k), want, rtol=1e-4, atol=1e-5)


def test_conv2d_symbolic_at_two_sizes(legalize):
    leg = legalize(
        lambda x, k: R.conv2d(x, k, strides=2, padding=1),
        [var("x", (1, 2, h, w_)), var("k", (3, 2, 3, 3))],
    )
    for size in ((4, 5), (5, 3)):
        x, k = rand(1, 2, *size), rand(3, 2, 3, 3)
        want = conv_ref(x, k, (2, 2), (1, 1), (1, 1), (1, 1), 1)
        np.testing.assert_allclose(leg.run(x, k), want, rtol=1e-4, atol=1e-5)


def test_conv2d_nhwc_hwio_legalizes(legalize):
    leg = legalize(
        lambda x, k: R.conv2d(x, k, padding=(1, 0), data_layout="NHWC", kernel_layout="HWIO"),
        [var("x", (1, 4, 5, 2)), var("k", (3, 3, 2, 3))],
    )
    x, k = rand(1, 4, 5, 2), rand(3, 3, 2, 3)
    want = conv_ref(
        x.transpose(0, 3, 1, 2), k.transpose(3, 2, 0, 1), (1, 1), (1, 0), (1, 0), (1, 1), 1
    )
    np.testing.assert_allclose(leg.run(x, k), want.transpose(0, 2, 3, 1), rtol=1e-4, atol=1e-5)


def test_quantized_conv2d_accumulates_in_out_dtype(legalize):
    leg = legalize(
        lambda x, k: R.conv2d(x, k, padding=1, out_dtype="int32"),
        [var("x", (1, 2, 3, 3), "int8"), var("k", (2, 2, 3, 3), "int8")],
    )
    x = rng.integers(-128, 128, (1, 2, 3, 3)).astype("int8")
    k = rng.integers(-128, 128, (2, 2, 3, 3)).astype("int8")
    want = conv_ref(x.astype("int64"), k.astype("int64"), (1, 1), (1, 1), (1, 1), (1, 1), 1)
    out = leg.run(x, k)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, want.astype("int32"))


def test_conv1d_legalizes(legalize):
    leg = legalize(
        lambda x, k: R.conv1d(x, k, strides=2, padding=(2, 1), dilation=2),
        [var("x", (2, 2, w_)), var("k", (3, 2, 2))],
    )
    for width in (5, 8):
        x, k = rand(2, 2, width), rand(3, 2, 2)
        want = conv_ref(x, k, (2,), (2,), (1,), (2,), 1)
        np.testing.assert_allclose(leg.run(x, k), want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"strides": 2, "padding": 1, "output_padding": 1},
        {"strides": (2, 1), "padding": (0, 1, 1, 0), "dilation": 2, "groups": 2},
    ],
)
def test_conv2d_transpose_legalizes(legalize, kwargs):
    groups = kwargs.get("groups", 1)
    leg = legalize(
        lambda x, k: R.conv2d_transpose(x, k, **kwargs),
        [var("x", (1, 2, 3, h)), var("k", (2, 4 // groups, 2, 3))],
    )
    a = leg.call.attrs
    x, k = rand(1, 2, 3, 3), rand(2, 4 // groups, 2, 3)
    want = conv_transpose_ref(
        x,
        k,
        a["strides"],
        a["padding"][:2],
        a["padding"][2:],
        a["output_padding"],
        a["dilation"],
        groups,
    )
    np.testing.assert_allclose(leg.run(x, k), want, rtol=1e-4, atol=1e-5)


def test_convolutions_match_torch(legalize):
    torch = pytest.importorskip("torch")
    fn, t = torch.nn.functional, torch.from_numpy
    x, k = rand(1, 4, 5, 5), rand(4, 2, 3, 3)
    leg = legalize(
        lambda x, k: R.conv2d(x, k, strides=2, padding=1, dilation=1, groups=2),
        [var("x", x.shape), var("k", k.shape)],
    )
    want = fn.conv2d(t(x), t(k), stride=2, padding=1, groups=2).numpy()
    np.testing.assert_allclose(leg.run(x, k), want, rtol=1e-4, atol=1e-5)
    leg = legalize(
        lambda x, k: R.conv2d_transpose(x, k, strides=2, padding=1, output_padding=1, groups=2),
        [var("x", x.shape), var("k", k.shape)],
    )
    want = fn.conv_transpose2d(t(x), t(k), stride=2, padding=1, output_padding=1, groups=2)
    np.testing.assert_allclose(leg.run(x, k), want.numpy(), rtol=1e-4, atol=1e-5)
