"""Symbolic-shape inference of every binary op: broadcasting symbolic sizes against 1.

The legalized prim_funcs of these ops run at two shapes in test_binary.py.
"""

import pytest

from loom.ir import graph as G
from loom.ir import tir
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")

ARITHMETIC = [
    ("add", "float32"),
    ("subtract", "int32"),
    ("multiply", "int64"),
    ("divide", "float32"),
    ("floor_divide", "int32"),
    ("power", "float64"),
    ("maximum", "float32"),
    ("minimum", "int8"),
]
PREDICATES = [
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
]


def operands(dtype):
    # (n, 1, 3) against (m, 3): n stays, 1 broadcasts to m; nothing is left to check at run time.
    x = G.Var("x", G.TensorStructInfo((n, 1, 3), dtype))
    y = G.Var("y", G.TensorStructInfo((m, 3), dtype))
    return x, y


@pytest.mark.parametrize(("name", "dtype"), ARITHMETIC, ids=[c[0] for c in ARITHMETIC])
def test_arithmetic_broadcasts_symbolic_sizes(infer, assert_shape, name, dtype):
    sinfo, checks = infer(getattr(R, name)(*operands(dtype)))
    assert_shape(sinfo, (n, m, 3))
    assert str(sinfo.dtype) == dtype
    assert checks == []


@pytest.mark.parametrize("name", PREDICATES)
def test_predicates_broadcast_symbolic_sizes_to_bool(infer, assert_shape, name):
    sinfo, checks = infer(getattr(R, name)(*operands("int32")))
    assert_shape(sinfo, (n, m, 3))
    assert str(sinfo.dtype) == "bool"
    assert checks == []


@pytest.mark.parametrize("name", ["multiply", "power", "less_equal", "logical_or"])
def test_two_unrelated_symbolic_sizes_leave_a_run_time_check(infer, assert_shape, name):
    dtype = "float32"
    x = G.Var("x", G.TensorStructInfo((n, 2), dtype))
    y = G.Var("y", G.TensorStructInfo((m, 2), dtype))
    sinfo, checks = infer(getattr(R, name)(x, y))
    assert_shape(sinfo, (n, 2))
    assert [c.message for c in checks] == ["broadcast: size m must be 1 or equal to n"]
