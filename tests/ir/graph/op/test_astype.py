import numpy as np
import pytest

from loom.ir import LoomError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call

n = tir.Var("n", "int64")
rng = np.random.default_rng(9)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ("float32", "int32"),
        ("float32", "float16"),
        ("int32", "float64"),
        ("int64", "int8"),
        ("int32", "bool"),
        ("bool", "float32"),
        ("float32", "float32"),
    ],
)
def test_legalized_matches_numpy(legalize, src, dst):
    lowered = legalize(lambda x: R.astype(x, dst), [tensor("x", (n, 3), src)])
    for rows in (1, 3):
        if src == "bool":
            a = rng.integers(0, 2, (rows, 3)).astype(bool)
        elif src.startswith("int"):
            a = rng.integers(-300, 300, (rows, 3)).astype(src)
        else:
            a = rng.uniform(-50, 50, (rows, 3)).astype(src)
        out = lowered.run(a)
        assert out.dtype == np.dtype(dst)
        np.testing.assert_array_equal(out, a.astype(dst))


def test_inference(infer, assert_shape):
    sinfo, _ = infer(R.astype(tensor("x", (n, 3)), "int8"))
    assert_shape(sinfo, (n, 3))
    assert str(sinfo.dtype) == "int8"
    sinfo, _ = infer(R.astype(G.Var("y", G.TensorStructInfo(ndim=2)), "float16"))
    assert sinfo.ndim == 2
    assert str(sinfo.dtype) == "float16"


def test_errors():
    x = tensor("x", (n,))
    with pytest.raises(LoomError, match=r"unknown data type 'float7'"):
        R.astype(x, "float7")
    with pytest.raises(TypeCheckError, match=r"R.astype needs attribute 'dtype'"):
        make_call("astype", (x,))
