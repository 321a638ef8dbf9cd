import numpy as np
import pytest

from loom.ir import StructInfoError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(7)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def test_legalized_broadcast_matches_numpy(legalize):
    params = [tensor("c", (n, 1), "bool"), tensor("x", (m,), "float32"), tensor("y", (1, m))]
    lowered = legalize(R.where, params)
    for rows, cols in ((3, 4), (1, 1)):
        c = rng.integers(0, 2, (rows, 1)).astype(bool)
        x = rng.uniform(-1, 1, (cols,)).astype("float32")
        y = rng.uniform(-1, 1, (1, cols)).astype("float32")
        np.testing.assert_array_equal(lowered.run(c, x, y), np.where(c, x, y))


def test_legalized_same_shapes(legalize):
    lowered = legalize(
        R.where,
        [tensor("c", (2, 3), "bool"), tensor("x", (2, 3), "int32"), tensor("y", (2, 3), "int32")],
    )
    c = rng.integers(0, 2, (2, 3)).astype(bool)
    x, y = np.arange(6, dtype="int32").reshape(2, 3), -np.ones((2, 3), "int32")
    np.testing.assert_array_equal(lowered.run(c, x, y), np.where(c, x, y))


def test_inference(infer, assert_shape):
    sinfo, checks = infer(
        R.where(tensor("c", (n, 1), "bool"), tensor("x", (m,)), tensor("y", (1,)))
    )
    assert_shape(sinfo, (n, m))
    assert str(sinfo.dtype) == "float32"
    assert not checks
    sinfo, checks = infer(R.where(tensor("c", (n,), "bool"), tensor("x", (m,)), tensor("y", (m,))))
    assert_shape(sinfo, (n,))
    assert len(checks) == 2  # m against n, for x and for y
    unknown = G.Var("c", G.TensorStructInfo(ndim=2, dtype="bool"))
    assert infer(R.where(unknown, tensor("x", (n,)), tensor("y", (n,))))[0].ndim == 2


def test_errors(infer):
    with pytest.raises(StructInfoError, match=r"R.where needs a bool condition, not float32"):
        infer(R.where(tensor("c", (n,)), tensor("x", (n,)), tensor("y", (n,))))
    with pytest.raises(StructInfoError, match=r"R.where needs operands of one dtype"):
        infer(R.where(tensor("c", (n,), "bool"), tensor("x", (n,)), tensor("y", (n,), "int32")))
    with pytest.raises(StructInfoError, match=r"cannot broadcast size 3 with size 2"):
        infer(R.where(tensor("c", (3,), "bool"), tensor("x", (2,)), tensor("y", (1,))))
