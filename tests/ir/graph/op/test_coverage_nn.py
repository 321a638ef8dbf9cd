"""Symbolic-shape inference of the nn ops that their own tests infer only statically.

Their legalized prim_funcs run at two shapes in test_nn_activation.py and test_nn_conv.py.
"""

import pytest

from loom.ir import graph as G
from loom.ir import tir
from loom.ir.graph import op as R

n, w = tir.Var("n", "int64"), tir.Var("w", "int64")


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_keeps_the_symbolic_shape(infer, assert_shape, name):
    x = G.Var("x", G.TensorStructInfo((n, w, 4), "float32"))
    sinfo, checks = infer(getattr(R, name)(x, axis=1))
    assert_shape(sinfo, (n, w, 4))
    assert str(sinfo.dtype) == "float32"
    assert checks == []


def test_conv1d_with_a_symbolic_batch_and_width(infer, assert_shape):
    x = G.Var("x", G.TensorStructInfo((n, 4, w), "float32"))
    k = G.Var("k", G.TensorStructInfo((6, 2, 3), "float32"))
    sinfo, _ = infer(R.conv1d(x, k, strides=2, padding=1, dilation=2, groups=2))
    # (w + 2 * 1 - 2 * (3 - 1) - 1) // 2 + 1
    assert_shape(sinfo, (n, 6, (w - 3) // 2 + 1))
    assert str(sinfo.dtype) == "float32"


def test_conv1d_nwc_with_a_symbolic_width(infer, assert_shape):
    x = G.Var("x", G.TensorStructInfo((2, w, 3), "float32"))
    k = G.Var("k", G.TensorStructInfo((5, 3, 2), "float32"))
    sinfo, _ = infer(R.conv1d(x, k, data_layout="NWC", kernel_layout="OIW"))
    assert_shape(sinfo, (2, w - 1, 5))
