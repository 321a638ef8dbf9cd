"""The explicit memory ops: struct info of allocations, argument checks, script round trip."""

import pytest

from loom.ir import IRModule, StructInfoError, TypeCheckError, assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call
from loom.script import from_source


def test_builtin_alloc_tensor_makes_a_tensor_of_its_shape(infer):
    n = tir.Var("n", "int64")
    sinfo, checks = infer(R.builtin_alloc_tensor(G.ShapeExpr((n, 4)), "float16"))
    assert_structural_equal(sinfo, G.TensorStructInfo((n, 4), "float16"))
    assert not checks
    s = G.Var("s", G.ShapeStructInfo(ndim=2))
    sinfo, _ = infer(R.builtin_alloc_tensor(s, "int32"))
    assert sinfo.shape is s
    assert sinfo.ndim == 2


def test_storage_and_tensors_in_it(infer):
    storage = R.alloc_storage(G.ShapeExpr((64,)), "float32")
    sinfo, _ = infer(storage)
    assert isinstance(sinfo, G.ObjectStructInfo)
    assert storage.attrs["storage_scope"] == "global"
    assert storage.attrs["virtual_device_index"] == 0
    s = G.Var("s", G.ObjectStructInfo())
    sinfo, _ = infer(R.memory_alloc_tensor(s, G.PrimValue(0), G.ShapeExpr((4, 4)), "float32"))
    assert_structural_equal(sinfo, G.TensorStructInfo((4, 4), "float32"))
    x = G.Var("x", G.TensorStructInfo((4,), "float32"))
    for kill in (R.kill_storage(s), R.kill_tensor(x)):
        sinfo, _ = infer(kill)
        assert_structural_equal(sinfo, G.TupleStructInfo(()))
        assert not G.op_info(kill.op).pure


def test_bad_arguments_are_reported(infer):
    x = G.Var("x", G.TensorStructInfo((4,), "float32"))
    with pytest.raises(StructInfoError, match="shape value"):
        infer(R.builtin_alloc_tensor(x, "float32"))
    with pytest.raises(StructInfoError, match="one-element shape"):
        infer(R.alloc_storage(G.ShapeExpr((4, 4)), "float32"))
    with pytest.raises(StructInfoError, match="must be non-negative"):
        infer(R.builtin_alloc_tensor(G.ShapeExpr((4,)), "float32", runtime_device_index=-1))
    s = G.Var("s", G.ObjectStructInfo())
    with pytest.raises(StructInfoError, match="integer prim value"):
        infer(R.memory_alloc_tensor(s, x, G.ShapeExpr((4,)), "float32"))
    with pytest.raises(StructInfoError, match="takes a tensor"):
        infer(R.kill_tensor(s))
    with pytest.raises(TypeCheckError, match="needs attribute 'dtype'"):
        make_call("builtin.alloc_tensor", (G.ShapeExpr((4,)),))
    with pytest.raises(TypeCheckError, match="needs a dtype"):
        R.builtin_alloc_tensor(G.ShapeExpr((4,)), None)


def test_memory_ops_print_and_parse_back():
    text = """
from loom.script import relax as R
from loom.script import tir as T

@R.function(pure=False)
def main(x: R.Tensor(("n",), "float32")):
    n = T.int64()
    s = R.memory.alloc_storage(R.shape([n * 4]), virtual_device_index=0, storage_scope="global", dtype="float32")
    y = R.memory.alloc_tensor(s, R.prim_value(T.int64(0)), R.shape([n]), dtype="float32")
    z = R.builtin.alloc_tensor(R.shape([n]), dtype="float32", runtime_device_index=0)
    k = R.memory.kill_tensor(y)
    k1 = R.memory.kill_storage(s)
    return z
"""  # noqa: E501
    func = from_source(text)
    mod = IRModule.from_functions({"main": func})
    again = from_source(mod.script())
    assert_structural_equal(again, mod)
    assert again.script() == mod.script()
