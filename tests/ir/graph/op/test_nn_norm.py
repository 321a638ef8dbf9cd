import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, c = tir.Var("n", "int64"), tir.Var("c", "int64")
rng = np.random.default_rng(2)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return rng.standard_normal(shape).astype("float32")


def layer_norm_ref(x, gamma, beta, axes, eps):
    x64 = x.astype("float64")
    mean = x64.mean(axis=axes, keepdims=True)
    var_ = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    shape = [x.shape[d] if d in axes else 1 for d in range(x.ndim)]
    return (x64 - mean) / np.sqrt(var_ + eps) * gamma.reshape(shape) + beta.reshape(shape)


# -- layer_norm -------------------------------------------------------------------------------


def test_layer_norm_inference_and_errors(infer, assert_shape):
    x = var("x", (n, 4, 6))
    sinfo, checks = infer(R.layer_norm(x, var("g", (4, 6)), var("b", (4, 6)), axes=(1, 2)))
    assert sinfo is x.struct_info
    assert checks == []
    with pytest.raises(StructInfoError, match=r"gamma has size 5 where data axis 2 has 6"):
        infer(R.layer_norm(x, var("g", (5,)), var("b", (6,))))
    with pytest.raises(StructInfoError, match=r"beta must have rank 1, not 2"):
        infer(R.layer_norm(x, var("g", (6,)), var("b", (1, 6))))
    with pytest.raises(StructInfoError, match=r"axes \(1, -2\) name an axis twice"):
        infer(R.layer_norm(x, var("g", (4, 4)), var("b", (4, 4)), axes=(1, -2)))
    with pytest.raises(StructInfoError, match=r"axes 3 is out of range"):
        infer(R.layer_norm(x, var("g", (6,)), var("b", (6,)), axes=3))
    with pytest.raises(StructInfoError, match="epsilon must be non-negative"):
        infer(R.layer_norm(x, var("g", (6,)), var("b", (6,)), epsilon=-1.0))
    unknown = G.Var("u", G.TensorStructInfo(ndim=-1, dtype="float32"))
    with pytest.raises(StructInfoError, match="needs operands of one dtype"):
        infer(R.layer_norm(unknown, var("g", (6,), "float16"), var("b", (6,))))
    with pytest.raises(TypeCheckError, match="epsilon"):
        R.layer_norm(x, var("g", (6,)), var("b", (6,)), epsilon="small")


def test_layer_norm_symbolic_parameters_become_checks(infer):
    x = var("x", (2, c))
    _, checks = infer(R.layer_norm(x, var("g", (n,)), var("b", (c,))))
    assert [ch.message for ch in checks] == [
        "R.nn.layer_norm: gamma has size n where data axis 1 has c"
    ]


@pytest.mark.parametrize("axes", [(-1,), (1, 2)])
def test_layer_norm_symbolic_at_two_sizes(legalize, axes):
    shape = (n, 3, 4)
    param = tuple(shape[a] for a in axes)
    leg = legalize(
        lambda x, g, b: R.layer_norm(x, g, b, axes=axes, epsilon=1e-3),
        [var("x", shape), var("g", param), var("b", param)],
    )
    for rows in (1, 3):
        x = rand(rows, 3, 4)
        g, b = rand(*(x.shape[a] for a in axes)), rand(*(x.shape[a] for a in axes))
        want = layer_norm_ref(x, g, b, tuple(a % 3 for a in axes), 1e-3)
        np.testing.assert_allclose(leg.run(x, g, b), want, rtol=1e-4, atol=1e-5)


def test_layer_norm_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    leg = legalize(R.layer_norm, [var("x", (2, 5)), var("g", (5,)), var("b", (5,))])
    x, g, b = rand(2, 5), rand(5), rand(5)
    want = torch.nn.functional.layer_norm(
        *map(torch.from_numpy, (x,)), (5,), torch.from_numpy(g), torch.from_numpy(b)
    )
    np.testing.assert_allclose(leg.run(x, g, b), want.numpy(), rtol=1e-4, atol=1e-5)


# -- rms_norm ---------------------------------------------------------------------------------


def test_rms_norm(infer, legalize):
    x = var("x", (n, 4))
    assert infer(R.rms_norm(x, var("w", (4,)), epsilon=1e-6))[0] is x.struct_info
    with pytest.raises(StructInfoError, match=r"weight has size 3 where data axis 1 has 4"):
        infer(R.rms_norm(x, var("w", (3,))))
    leg = legalize(lambda x, w: R.rms_norm(x, w, epsilon=1e-6), [x, var("w", (4,))])
    for rows in (1, 3):
        data, w = rand(rows, 4), rand(4)
        want = data / np.sqrt((data.astype("float64") ** 2).mean(-1, keepdims=True) + 1e-6) * w
        np.testing.assert_allclose(leg.run(data, w), want, rtol=1e-5, atol=1e-6)


# -- group_norm -------------------------------------------------------------------------------


def group_norm_ref(x, gamma, beta, groups, eps):
    n_, c_ = x.shape[:2]
    g = x.astype("float64").reshape(n_, groups, -1)
    mean = g.mean(-1, keepdims=True)
    var_ = g.var(-1, keepdims=True)
    out = ((g - mean) / np.sqrt(var_ + eps)).reshape(x.shape)
    shape = (1, c_) + (1,) * (x.ndim - 2)
    return out * gamma.reshape(shape) + beta.reshape(shape)


def test_group_norm_inference_and_errors(infer):
    x = var("x", (2, 6, 3, 3))
    gb = (var("g", (6,)), var("b", (6,)))
    assert infer(R.group_norm(x, *gb, num_groups=3))[0] is x.struct_info
    with pytest.raises(StructInfoError, match=r"6 channels do not split into 4 groups"):
        infer(R.group_norm(x, *gb, num_groups=4))
    with pytest.raises(StructInfoError, match=r"num_groups must be at least 1"):
        infer(R.group_norm(x, *gb, num_groups=0))
    with pytest.raises(StructInfoError, match=r"must not contain the channel axis 1"):
        infer(R.group_norm(x, *gb, num_groups=2, axes=(1, 2)))
    with pytest.raises(StructInfoError, match=r"gamma has size 4 where data axis 1 has 6"):
        infer(R.group_norm(x, var("g", (4,)), gb[1], num_groups=2))
    with pytest.raises(TypeCheckError, match="needs attribute 'num_groups'"):
        G.Call(G.Op.get("nn.group_norm"), (x, *gb), G.op_info("nn.group_norm").check_attrs({}))
    _, checks = infer(R.group_norm(var("y", (2, c, 4)), var("g", (c,)), var("b", (c,)), 2))
    assert [ch.message for ch in checks] == [
        "R.nn.group_norm: c channels do not split into 2 groups"
    ]


def test_group_norm_legalizes(legalize):
    leg = legalize(
        lambda x, g, b: R.group_norm(x, g, b, num_groups=2, epsilon=1e-4),
        [var("x", (n, 4, 2, 3)), var("g", (4,)), var("b", (4,))],
    )
    for batch in (1, 2):
        x, g, b = rand(batch, 4, 2, 3), rand(4), rand(4)
        want = group_norm_ref(x, g, b, 2, 1e-4)
        np.testing.assert_allclose(leg.run(x, g, b), want, rtol=1e-4, atol=1e-5)


def test_group_norm_channels_last_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    leg = legalize(
        lambda x, g, b: R.group_norm(x, g, b, num_groups=3, channel_axis=-1, axes=(1,)),
        [var("x", (2, 5, 6)), var("g", (6,)), var("b", (6,))],
    )
    x, g, b = rand(2, 5, 6), rand(6), rand(6)
    t = torch.from_numpy
    want = torch.nn.functional.group_norm(t(x).permute(0, 2, 1), 3, t(g), t(b), eps=1e-5)
    np.testing.assert_allclose(
        leg.run(x, g, b), want.permute(0, 2, 1).numpy(), rtol=1e-4, atol=1e-5
    )


# -- batch_norm -------------------------------------------------------------------------------


def test_batch_norm_returns_the_normalized_tensor(infer, legalize):
    x = var("x", (n, 3, 2))
    params = [var(name, (3,)) for name in ("g", "b", "mean", "var")]
    sinfo, _ = infer(R.batch_norm(x, *params))
    assert sinfo is x.struct_info
    with pytest.raises(StructInfoError, match=r"moving_var has size 2 where data axis 1 has 3"):
        infer(R.batch_norm(x, *params[:3], var("v", (2,))))
    with pytest.raises(StructInfoError, match=r"data must be a float tensor, not int32"):
        infer(R.batch_norm(var("i", (2, 3), "int32"), *params))
    leg = legalize(lambda *a: R.batch_norm(*a, epsilon=1e-3), [x, *params])
    for batch in (1, 2):
        data, g, b, mean = rand(batch, 3, 2), rand(3), rand(3), rand(3)
        variance = rng.uniform(0.5, 2.0, 3).astype("float32")
        c = (1, 3, 1)
        want = (data - mean.reshape(c)) / np.sqrt(variance.reshape(c) + 1e-3) * g.reshape(
            c
        ) + b.reshape(c)
        np.testing.assert_allclose(leg.run(data, g, b, mean, variance), want, rtol=1e-5, atol=1e-6)


def test_batch_norm_last_axis_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    params = [var(name, (4,)) for name in ("g", "b", "mean", "var")]
    leg = legalize(lambda *a: R.batch_norm(*a, axis=-1), [var("x", (3, 4)), *params])
    x, g, b, mean = rand(3, 4), rand(4), rand(4), rand(4)
    variance = rng.uniform(0.5, 2.0, 4).astype("float32")
    t = torch.from_numpy
    want = torch.nn.functional.batch_norm(t(x), t(mean), t(variance), t(g), t(b), eps=1e-5)
    np.testing.assert_allclose(leg.run(x, g, b, mean, variance), want.numpy(), rtol=1e-5, atol=1e-6)
