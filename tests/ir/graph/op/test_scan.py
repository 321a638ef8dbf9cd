import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(8)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def exclusive(a, axis):
    out = np.cumsum(a, axis=axis, dtype=a.dtype)
    return out - (a.ravel() if axis is None else a)


CASES = [
    (1, None, False, "int32", lambda a: np.cumsum(a, axis=1, dtype="int32")),
    (0, None, False, "float32", lambda a: np.cumsum(a, axis=0)),
    (-1, "int64", False, "int32", lambda a: np.cumsum(a, axis=-1, dtype="int64")),
    (None, None, False, "int32", lambda a: np.cumsum(a, dtype="int32")),
    (1, None, True, "int32", lambda a: exclusive(a, 1)),
    (None, "float64", True, "int32", lambda a: exclusive(a, None).astype("float64")),
]


@pytest.mark.parametrize(("axis", "dtype", "excl", "in_dtype", "ref"), CASES)
def test_legalized_matches_numpy(legalize, axis, dtype, excl, in_dtype, ref):
    lowered = legalize(
        lambda x: R.cumsum(x, axis=axis, dtype=dtype, exclusive=excl),
        [tensor("x", (n, m), in_dtype)],
    )
    for shape in ((2, 4), (3, 1)):
        a = rng.integers(-5, 6, shape) if in_dtype != "float32" else rng.uniform(-1, 1, shape)
        a = a.astype(in_dtype)
        out, expected = lowered.run(a), ref(a)
        assert out.dtype == expected.dtype
        np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)


def test_inference(infer, assert_shape):
    x = tensor("x", (n, 3))
    sinfo, _ = infer(R.cumsum(x, axis=1))
    assert_shape(sinfo, (n, 3))
    assert str(sinfo.dtype) == "float32"
    sinfo, _ = infer(R.cumsum(x, dtype="float64"))
    assert_shape(sinfo, (n * 3,))
    assert str(sinfo.dtype) == "float64"
    sinfo, _ = infer(R.cumsum(tensor("b", (n,), "bool"), axis=0, dtype="int32"))
    assert str(sinfo.dtype) == "int32"
    assert infer(R.cumsum(G.Var("y", G.TensorStructInfo(ndim=2)), axis=0))[0].ndim == 2


def test_errors(infer):
    with pytest.raises(StructInfoError, match=r"R.cumsum: axis 2 is out of range"):
        infer(R.cumsum(tensor("x", (n, 3)), axis=2))
    with pytest.raises(StructInfoError, match=r"cannot sum in bool; give an integer dtype"):
        infer(R.cumsum(tensor("x", (n,), "bool"), axis=0))
    with pytest.raises(TypeCheckError, match=r"attribute 'exclusive' of R.cumsum must be bool"):
        R.cumsum(tensor("x", (n,)), exclusive="yes")
