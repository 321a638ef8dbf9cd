"""Struct info prints as the R dialect's annotations (FORMAT.md, "The R dialect: Struct info")."""

import pytest

from loom.ir import graph as G
from loom.ir import tir
from loom.script.printer import script

n = tir.Var("n", "int64")
m = tir.Var("m", "int64")
SHAPE_VAR = G.Var("s", G.ShapeStructInfo(ndim=2))
UNRANKED_SHAPE_VAR = G.Var("s", G.ShapeStructInfo())
F32_N = G.TensorStructInfo((n,), "float32")
F32_N_TEXT = 'R.Tensor((n,), dtype="float32")'


@pytest.mark.parametrize(
    ("sinfo", "text"),
    [
        (G.TensorStructInfo((n, 4), "float32"), 'R.Tensor((n, 4), dtype="float32")'),
        (G.TensorStructInfo((n * m,), "float16"), 'R.Tensor((n * m,), dtype="float16")'),
        (G.TensorStructInfo((n + 1,), "int8"), 'R.Tensor((n + T.int64(1),), dtype="int8")'),
        (G.TensorStructInfo((), "bool"), 'R.Tensor((), dtype="bool")'),
        (G.TensorStructInfo((n, 4)), "R.Tensor((n, 4))"),
        (G.TensorStructInfo(ndim=2, dtype="float32"), 'R.Tensor(dtype="float32", ndim=2)'),
        (G.TensorStructInfo(dtype="float32"), 'R.Tensor(dtype="float32")'),
        (G.TensorStructInfo(ndim=0), "R.Tensor(ndim=0)"),
        (G.TensorStructInfo(), "R.Tensor"),
        (G.TensorStructInfo(SHAPE_VAR, "float32"), 'R.Tensor(s, dtype="float32")'),
        (G.TensorStructInfo(UNRANKED_SHAPE_VAR, ndim=2), "R.Tensor(s, ndim=2)"),
        (G.ShapeStructInfo((n, 4)), "R.Shape([n, 4])"),
        (G.ShapeStructInfo(()), "R.Shape([])"),
        (G.ShapeStructInfo(ndim=3), "R.Shape(ndim=3)"),
        (G.ShapeStructInfo(), "R.Shape"),
        (G.PrimStructInfo("int64"), 'R.Prim("int64")'),
        (G.PrimStructInfo(value=n), "R.Prim(value=n)"),
        (G.PrimStructInfo(value=tir.const(3, "int64")), "R.Prim(value=T.int64(3))"),
        (G.PrimStructInfo(), "R.Prim"),
        (G.ObjectStructInfo(), "R.Object"),
        (G.TupleStructInfo((F32_N, G.ObjectStructInfo())), f"R.Tuple({F32_N_TEXT}, R.Object)"),
        (G.TupleStructInfo(()), "R.Tuple()"),
        (G.FuncStructInfo((F32_N,), F32_N), f"R.Callable(({F32_N_TEXT},), {F32_N_TEXT})"),
        (
            G.FuncStructInfo((), G.ObjectStructInfo(), False),
            "R.Callable((), R.Object, purity=False)",
        ),
        (G.FuncStructInfo.opaque(), "R.Callable(None, R.Object, purity=False)"),
        (G.FuncStructInfo(None, G.TupleStructInfo(()), True), "R.Callable(None, R.Tuple())"),
    ],
)
def test_struct_info_forms(sinfo, text):
    assert script(sinfo) == text


def test_nested_struct_info():
    inner = G.TupleStructInfo((G.ShapeStructInfo(ndim=1), G.PrimStructInfo("bool")))
    sinfo = G.TupleStructInfo((inner, G.FuncStructInfo((inner,), G.TensorStructInfo(ndim=1))))
    assert script(sinfo) == (
        'R.Tuple(R.Tuple(R.Shape(ndim=1), R.Prim("bool")), '
        'R.Callable((R.Tuple(R.Shape(ndim=1), R.Prim("bool")),), R.Tensor(ndim=1)))'
    )


def test_fragment_names_distinct_sizes_with_one_hint_apart():
    other_n = tir.Var("n", "int64")
    assert script(G.ShapeStructInfo((n, other_n, n))) == "R.Shape([n, n_1, n])"
