import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(6)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


CASES = [
    ("tile", lambda x: R.tile(x, [2, 1]), lambda a: np.tile(a, (2, 1))),
    ("tile_longer_reps", lambda x: R.tile(x, (2, 1, 3)), lambda a: np.tile(a, (2, 1, 3))),
    ("tile_shorter_reps", lambda x: R.tile(x, 2), lambda a: np.tile(a, 2)),
    ("repeat", lambda x: R.repeat(x, 2, axis=0), lambda a: np.repeat(a, 2, axis=0)),
    ("repeat_last", lambda x: R.repeat(x, 3, axis=-1), lambda a: np.repeat(a, 3, axis=-1)),
    ("repeat_flat", lambda x: R.repeat(x, 2), lambda a: np.repeat(a, 2)),
    ("repeat_zero", lambda x: R.repeat(x, 0, axis=1), lambda a: np.repeat(a, 0, axis=1)),
    ("flip", lambda x: R.flip(x, axis=0), lambda a: np.flip(a, 0)),
    ("flip_last", lambda x: R.flip(x, axis=-1), lambda a: np.flip(a, -1)),
]


@pytest.mark.parametrize(("label", "make", "ref"), CASES, ids=[c[0] for c in CASES])
def test_legalized_matches_numpy(legalize, label, make, ref):
    lowered = legalize(make, [tensor("x", (n, m), "int32")])
    for shape in ((2, 3), (1, 2)):
        a = rng.integers(-9, 9, shape).astype("int32")
        np.testing.assert_array_equal(lowered.run(a), ref(a))


def test_inference(infer, assert_shape):
    x = tensor("x", (n, 3))
    assert_shape(infer(R.tile(x, [2, 2]))[0], (n * 2, 6))
    assert_shape(infer(R.tile(x, [4, 1, 1]))[0], (4, n, 3))
    assert_shape(infer(R.tile(x, [3]))[0], (n, 9))
    assert_shape(infer(R.repeat(x, 2, axis=1))[0], (n, 6))
    assert_shape(infer(R.repeat(x, 2))[0], (n * 6,))
    assert_shape(infer(R.flip(x, axis=1))[0], (n, 3))
    unknown = G.Var("y", G.TensorStructInfo(ndim=2))
    assert infer(R.tile(unknown, [1, 1, 2]))[0].ndim == 3
    assert infer(R.repeat(unknown, 2))[0].ndim == 1
    assert infer(R.repeat(unknown, 2, axis=0))[0].ndim == 2


def test_errors(infer):
    x = tensor("x", (n, 3))
    with pytest.raises(
        StructInfoError, match=r"R.tile: repeats must be non-negative, not \(2, -1\)"
    ):
        infer(R.tile(x, [2, -1]))
    with pytest.raises(StructInfoError, match=r"R.repeat: repeats must be non-negative, not -2"):
        infer(R.repeat(x, -2, axis=0))
    with pytest.raises(StructInfoError, match=r"R.repeat: axis 2 is out of range"):
        infer(R.repeat(x, 2, axis=2))
    with pytest.raises(StructInfoError, match=r"R.flip: axis -3 is out of range"):
        infer(R.flip(x, axis=-3))
    with pytest.raises(TypeCheckError, match=r"attribute 'repeats' of R.repeat must be int"):
        R.repeat(x, [2, 3])
    with pytest.raises(TypeCheckError, match=r"attribute 'axis' of R.flip must be int"):
        R.flip(x, axis=None)
