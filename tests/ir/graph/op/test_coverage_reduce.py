"""Symbolic-shape inference of every reduction, over axis lists with and without keepdims.

The legalized prim_funcs of these ops run at two shapes in test_reduce.py.
"""

import pytest

from loom.ir import graph as G
from loom.ir import tir
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")

VALUE_REDUCTIONS = ["sum", "mean", "max", "min", "prod", "variance"]


@pytest.mark.parametrize("name", VALUE_REDUCTIONS)
def test_reducing_an_axis_list_keeps_the_other_symbolic_sizes(infer, assert_shape, name):
    x = G.Var("x", G.TensorStructInfo((n, 3, m), "float32"))
    sinfo, _ = infer(getattr(R, name)(x, axis=[0, 2]))
    assert_shape(sinfo, (3,))
    assert str(sinfo.dtype) == "float32"
    sinfo, _ = infer(getattr(R, name)(x, axis=[-1], keepdims=True))
    assert_shape(sinfo, (n, 3, 1))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_reductions_give_int64_indices(infer, assert_shape, name):
    x = G.Var("x", G.TensorStructInfo((n, m), "float32"))
    sinfo, _ = infer(getattr(R, name)(x, axis=1))
    assert_shape(sinfo, (n,))
    assert str(sinfo.dtype) == "int64"
