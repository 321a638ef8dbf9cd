"""Symbolic-shape inference of every unary op (each keeps its operand's symbolic shape).

The legalized prim_funcs of these ops run at two shapes in test_unary.py.
"""

import pytest

from loom.ir import graph as G
from loom.ir import tir
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")

SAME_DTYPE = [
    "abs",
    "negative",
    "exp",
    "log",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "erf",
    "floor",
    "ceil",
    "round",
    "sign",
    "square",
]


@pytest.mark.parametrize("name", SAME_DTYPE)
def test_symbolic_shape_and_dtype_are_kept(infer, assert_shape, name):
    x = G.Var("x", G.TensorStructInfo((n, m * 2, 3), "float32"))
    sinfo, checks = infer(getattr(R, name)(x))
    assert_shape(sinfo, (n, m * 2, 3))
    assert str(sinfo.dtype) == "float32"
    assert checks == []


def test_clip_keeps_a_symbolic_shape(infer, assert_shape):
    x = G.Var("x", G.TensorStructInfo((n + 1, m), "int32"))
    sinfo, checks = infer(R.clip(x, -2, 5))
    assert_shape(sinfo, (n + 1, m))
    assert str(sinfo.dtype) == "int32"
    assert checks == []


def test_logical_not_keeps_a_symbolic_shape_and_gives_bool(infer, assert_shape):
    x = G.Var("x", G.TensorStructInfo((m, n), "int32"))
    sinfo, _ = infer(R.logical_not(x))
    assert_shape(sinfo, (m, n))
    assert str(sinfo.dtype) == "bool"
