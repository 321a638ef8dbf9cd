import numpy as np
import pytest

from loom.ir import StructInfoError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

h, w_ = tir.Var("h", "int64"), tir.Var("w", "int64")
rng = np.random.default_rng(7)
f32 = np.float32


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return rng.standard_normal(shape).astype("float32")


def source(x, n_in, n_out, mode):
    """The input coordinate of output `x`, in float32 and in the kernel's order of operations."""
    x, n_in = f32(x), f32(n_in)
    if mode == "align_corners":
        return f32(0) if n_out == 1 else x * (n_in - f32(1)) / f32(n_out - 1)
    if mode == "asymmetric":
        return x * n_in / f32(n_out)
    if mode == "pytorch_half_pixel" and n_out == 1:
        return f32(0)
    return (x + f32(0.5)) * n_in / f32(n_out) - f32(0.5)


ROUND = {
    "round": np.rint,
    "floor": np.floor,
    "ceil": np.ceil,
    "round_prefer_floor": lambda v: np.ceil(v - f32(0.5)),
    "round_prefer_ceil": lambda v: np.floor(v + f32(0.5)),
}


def resize_ref(x, out_h, out_w, method, mode, rounding="round"):
    """NCHW resize one output pixel at a time."""
    size_h, size_w = x.shape[2:]
    out = np.zeros((*x.shape[:2], out_h, out_w), x.dtype)
    for i, j in np.ndindex(out_h, out_w):
        ch, cw = source(i, size_h, out_h, mode), source(j, size_w, out_w, mode)
        if method == "nearest_neighbor":
            r = min(max(int(ROUND[rounding](ch)), 0), size_h - 1)
            c = min(max(int(ROUND[rounding](cw)), 0), size_w - 1)
            out[:, :, i, j] = x[:, :, r, c]
            continue
        r0, c0 = np.floor(ch), np.floor(cw)
        fh, fw = ch - r0, cw - c0
        r0, c0 = int(r0), int(c0)
        r = [min(max(v, 0), size_h - 1) for v in (r0, r0 + 1)]
        c = [min(max(v, 0), size_w - 1) for v in (c0, c0 + 1)]
        top = x[:, :, r[0], c[0]] * (1 - fw) + x[:, :, r[0], c[1]] * fw
        bottom = x[:, :, r[1], c[0]] * (1 - fw) + x[:, :, r[1], c[1]] * fw
        out[:, :, i, j] = top * (1 - fh) + bottom * fh
    return out


def test_resize2d_shapes_and_attributes(infer, assert_shape):
    x = var("x", (1, 3, h, w_))
    sinfo, _ = infer(R.resize2d(x, (4, 6)))
    assert_shape(sinfo, (1, 3, 4, 6))
    call = R.resize2d(var("y", (1, h, w_, 3)), 5, layout="NHWC", out_dtype="float16")
    assert call.attrs["size"] == (5, 5)
    sinfo, _ = infer(call)
    assert_shape(sinfo, (1, 5, 5, 3))
    assert str(sinfo.dtype) == "float16"


def test_resize2d_errors(infer):
    x = var("x", (1, 3, 4, 4))
    with pytest.raises(
        StructInfoError, match=r"method must be one of 'nearest_neighbor', 'linear'"
    ):
        R.resize2d(x, 8, method="cubic")
    with pytest.raises(StructInfoError, match=r"coordinate_transformation_mode must be one of"):
        R.resize2d(x, 8, coordinate_transformation_mode="tf_crop_and_resize")
    with pytest.raises(StructInfoError, match=r"rounding_method must be one of"):
        R.resize2d(x, 8, method="nearest_neighbor", rounding_method="banker")
    with pytest.raises(StructInfoError, match=r"size values must be at least 1"):
        R.resize2d(x, (0, 3))
    with pytest.raises(StructInfoError, match=r"size takes 1 or 2 values, got 3"):
        R.resize2d(x, (2, 3, 4))
    with pytest.raises(StructInfoError, match=r"linear resizing needs a float tensor, not int32"):
        infer(R.resize2d(var("i", (1, 1, 4, 4), "int32"), 8))
    with pytest.raises(StructInfoError, match=r"data must have rank 4, not 3"):
        infer(R.resize2d(var("z", (1, 4, 4)), 8))


@pytest.mark.parametrize(
    "mode", ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"]
)
def test_bilinear_resize_symbolic_at_two_sizes(legalize, mode):
    leg = legalize(
        lambda x: R.resize2d(x, (5, 3), coordinate_transformation_mode=mode),
        [var("x", (1, 2, h, w_))],
    )
    for size in ((3, 4), (6, 2)):
        x = rand(1, 2, *size)
        np.testing.assert_allclose(
            leg.run(x), resize_ref(x, 5, 3, "linear", mode), rtol=1e-5, atol=1e-6
        )


@pytest.mark.parametrize(
    ("mode", "rounding"),
    [
        ("half_pixel", "round"),
        ("half_pixel", "round_prefer_ceil"),
        ("align_corners", "round_prefer_floor"),
        ("asymmetric", "floor"),
        ("asymmetric", "ceil"),
    ],
)
def test_nearest_resize(legalize, mode, rounding):
    leg = legalize(
        lambda x: R.resize2d(
            x,
            (7, 2),
            method="nearest_neighbor",
            coordinate_transformation_mode=mode,
            rounding_method=rounding,
        ),
        [var("x", (1, 1, h, 4))],
    )
    for rows in (3, 4):
        x = rand(1, 1, rows, 4)
        want = resize_ref(x, 7, 2, "nearest_neighbor", mode, rounding)
        np.testing.assert_array_equal(leg.run(x), want)


def test_nearest_resize_of_integers_in_nhwc(legalize):
    leg = legalize(
        lambda x: R.resize2d(
            x,
            4,
            layout="NHWC",
            method="nearest_neighbor",
            coordinate_transformation_mode="asymmetric",
            rounding_method="floor",
        ),
        [var("x", (1, 2, 2, 1), "int32")],
    )
    x = np.arange(4, dtype="int32").reshape(1, 2, 2, 1)
    np.testing.assert_array_equal(
        leg.run(x)[0, :, :, 0], np.repeat(np.repeat(x[0, :, :, 0], 2, 0), 2, 1)
    )


def test_resize_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    fn, x = torch.nn.functional, rand(1, 2, 3, 5)
    t = torch.from_numpy(x)
    cases = [
        (
            {"coordinate_transformation_mode": "half_pixel"},
            fn.interpolate(t, (7, 4), mode="bilinear", align_corners=False),
        ),
        (
            {"coordinate_transformation_mode": "align_corners"},
            fn.interpolate(t, (7, 4), mode="bilinear", align_corners=True),
        ),
        (
            {
                "method": "nearest_neighbor",
                "coordinate_transformation_mode": "asymmetric",
                "rounding_method": "floor",
            },
            fn.interpolate(t, (7, 4), mode="nearest"),
        ),
    ]
    for kwargs, want in cases:
        leg = legalize(lambda x, kw=kwargs: R.resize2d(x, (7, 4), **kw), [var("x", x.shape)])
        np.testing.assert_allclose(leg.run(x), want.numpy(), rtol=1e-5, atol=1e-6)
