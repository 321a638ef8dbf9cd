"""Symbolic-shape inference of the creation ops that test_create.py infers only statically.

The legalized prim_funcs of all creation ops run at two shapes in test_create.py.
"""

from loom.ir import graph as G
from loom.ir import tir
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")


def test_ones_and_full_take_a_symbolic_shape(infer, assert_shape):
    sinfo, checks = infer(R.ones((n, m * 2), "int8"))
    assert_shape(sinfo, (n, m * 2))
    assert str(sinfo.dtype) == "int8"
    assert checks == []
    sinfo, checks = infer(R.full(G.ShapeExpr((m + 1, 3)), 2.5))
    assert_shape(sinfo, (m + 1, 3))
    assert str(sinfo.dtype) == "float32"
    assert checks == []


def test_ones_like_keeps_the_symbolic_shape(infer, assert_shape):
    x = G.Var("x", G.TensorStructInfo((n, m), "float32"))
    sinfo, _ = infer(R.ones_like(x))
    assert_shape(sinfo, (n, m))
    assert str(sinfo.dtype) == "float32"
    sinfo, _ = infer(R.ones_like(x, "int64"))
    assert str(sinfo.dtype) == "int64"


def test_tril_and_triu_keep_the_symbolic_shape(infer, assert_shape):
    x = G.Var("x", G.TensorStructInfo((2, n, m), "int32"))
    for make in (R.tril, R.triu):
        sinfo, checks = infer(make(x, 1))
        assert_shape(sinfo, (2, n, m))
        assert str(sinfo.dtype) == "int32"
        assert checks == []
