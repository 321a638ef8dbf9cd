import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, m, k = tir.Var("n", "int64"), tir.Var("m", "int64"), tir.Var("k", "int64")
rng = np.random.default_rng(5)
BIG = (1 << 63) - 1


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def random(shape, dtype="float32"):
    return rng.uniform(-1, 1, shape).astype(dtype)


# (begin, end, stride) on the last axis: in range, negative, clamped, reversed, empty
SLICES = [
    (1, 3, 1),
    (-3, -1, 1),
    (0, BIG, 2),
    (-100, 100, 3),
    (-1, -BIG - 1, -1),
    (5, 0, -2),
    (4, 1, 1),
    (2, 2, -1),
]


@pytest.mark.parametrize(("begin", "end", "stride"), SLICES)
def test_strided_slice_matches_numpy(legalize, begin, end, stride):
    lowered = legalize(
        lambda x: R.strided_slice(x, axes=[1], begin=[begin], end=[end], strides=[stride]),
        [tensor("x", (2, n))],
    )
    for size in (6, 2):
        a = random((2, size))
        np.testing.assert_array_equal(lowered.run(a), a[:, begin:end:stride])


def test_strided_slice_on_several_axes(legalize):
    lowered = legalize(
        lambda x: R.strided_slice(
            x, axes=[-1, 0], begin=[1, -1], end=[BIG, -BIG - 1], strides=[2, -1]
        ),
        [tensor("x", (n, 3, m))],
    )
    for shape in ((3, 3, 5), (1, 3, 2)):
        a = random(shape)
        np.testing.assert_array_equal(lowered.run(a), a[::-1, :, 1::2])


def test_strided_slice_inference(infer, assert_shape):
    x = tensor("x", (8, n))
    sinfo, checks = infer(R.strided_slice(x, axes=[0], begin=[1], end=[-2], strides=[2]))
    assert_shape(sinfo, (3, n))
    assert not checks
    sinfo, _ = infer(R.strided_slice(x, axes=[0], begin=[-100], end=[100]))
    assert_shape(sinfo, (8, n))
    sinfo, _ = infer(R.strided_slice(x, axes=[0], begin=[6], end=[2]))
    assert_shape(sinfo, (0, n))
    # On a symbolic axis the length is a clamped expression that holds for every n.
    sinfo, _ = infer(R.strided_slice(x, axes=[1], begin=[0], end=[BIG]))
    assert_shape(sinfo, (8, n))
    sinfo, _ = infer(R.strided_slice(G.Var("y", G.TensorStructInfo(ndim=2)), [0], [1], [2]))
    assert sinfo.ndim == 2


def test_strided_slice_errors(infer):
    x = tensor("x", (8, n))
    with pytest.raises(StructInfoError, match=r"a stride must not be 0"):
        infer(R.strided_slice(x, [0], [0], [4], [0]))
    with pytest.raises(StructInfoError, match=r"differ in length \(1, 2, 1, 1\)"):
        infer(R.strided_slice(x, [0], [0, 1], [4]))
    with pytest.raises(StructInfoError, match=r"axis 2 is out of range"):
        infer(R.strided_slice(x, [2], [0], [4]))
    with pytest.raises(StructInfoError, match=r"name an axis twice"):
        infer(R.strided_slice(x, [0, -2], [0, 0], [4, 4]))
    with pytest.raises(StructInfoError, match=r"does not fit in int64"):
        infer(R.strided_slice(x, [0], [0], [1 << 64]))
    with pytest.raises(TypeCheckError, match=r"attribute 'begin' of R.strided_slice must be tuple"):
        R.strided_slice(x, [0], 0.5, [1])


@pytest.mark.parametrize("mode", ["fast", "clip", "wrap"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take_matches_numpy(legalize, mode, axis):
    lowered = legalize(
        lambda x, i: R.take(x, i, axis=axis, mode=mode),
        [tensor("x", (n, 3)), tensor("i", (k, 2), "int64")],
    )
    for rows in (2, 4):
        a = random((rows, 3))
        size = a.size if axis is None else a.shape[axis]
        low, high = (0, size) if mode == "fast" else (-2 * size, 2 * size)
        indices = rng.integers(low, high, (3, 2)).astype("int64")
        expected = np.take(a, indices, axis=axis, mode="raise" if mode == "fast" else mode)
        np.testing.assert_array_equal(lowered.run(a, indices), expected)


def test_take_with_int32_scalar_index(legalize):
    lowered = legalize(
        lambda x, i: R.take(x, i, axis=1), [tensor("x", (n, 4)), tensor("i", (), "int32")]
    )
    a, i = random((3, 4)), np.array(2, "int32")
    out = np.zeros(3, "float32")
    tir.interpret(lowered.func, a, i, out)  # (a 0-d array is passed as is)
    np.testing.assert_array_equal(out, np.take(a, i, axis=1))


def test_take_inference(infer, assert_shape):
    x, i = tensor("x", (n, 3, m)), tensor("i", (k, 2), "int32")
    assert_shape(infer(R.take(x, i, axis=1))[0], (n, k, 2, m))
    assert_shape(infer(R.take(x, i, axis=-1))[0], (n, 3, k, 2))
    assert_shape(infer(R.take(x, i))[0], (k, 2))
    sinfo, _ = infer(R.take(x, G.Var("j", G.TensorStructInfo(ndim=1, dtype="int64")), axis=0))
    assert sinfo.ndim == 3


def test_take_errors(infer):
    x = tensor("x", (n, 3))
    with pytest.raises(StructInfoError, match=r"R.take needs integer indices, not float32"):
        infer(R.take(x, tensor("i", (2,)), axis=0))
    with pytest.raises(StructInfoError, match=r"mode must be one of fast, clip, wrap, not 'raise'"):
        infer(R.take(x, tensor("i", (2,), "int32"), mode="raise"))
    with pytest.raises(StructInfoError, match=r"axis 2 is out of range"):
        infer(R.take(x, tensor("i", (2,), "int32"), axis=2))
