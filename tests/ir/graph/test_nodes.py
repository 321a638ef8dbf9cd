import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, dtype, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n = tir.Var("n", "int64")


def tensor(shape, dtype="float32"):
    return G.TensorStructInfo(shape, dtype)


def test_var_needs_struct_info():
    with pytest.raises(TypeCheckError, match="needs a StructInfo"):
        G.Var("x", None)


def test_constant_derives_tensor_struct_info():
    c = G.Constant(np.zeros((2, 3), "float32"))
    assert c.struct_info.dtype == dtype("float32")
    assert [v.value for v in c.struct_info.values] == [2, 3]
    assert not c.data.flags.writeable


def test_shape_expr_is_int64():
    s = G.ShapeExpr((n, 4))
    assert s.struct_info.ndim == 2
    assert s.values[1].dtype == dtype("int64")
    with pytest.raises(TypeCheckError, match="must be int64"):
        G.ShapeExpr((tir.Var("k", "int32"),))


def test_prim_value_and_string():
    p = G.PrimValue(n + 1)
    assert p.struct_info.dtype == dtype("int64")
    assert p.struct_info.value is p.value
    assert isinstance(G.StringImm("s").struct_info, G.ObjectStructInfo)


def test_tuple_and_get_item_derive():
    x = G.Var("x", tensor((n,)))
    s = G.Var("s", G.ShapeStructInfo(ndim=2))
    t = G.Tuple((x, s))
    assert isinstance(t.struct_info, G.TupleStructInfo)
    assert G.TupleGetItem(t, 1).struct_info is s.struct_info
    with pytest.raises(StructInfoError, match="out of range"):
        G.TupleGetItem(t, 2)
    with pytest.raises(StructInfoError, match="not a tuple"):
        G.TupleGetItem(x, 0)


def test_tensor_struct_info_rank_agreement():
    assert tensor((n, 4)).ndim == 2
    assert G.TensorStructInfo(ndim=3).shape is None
    with pytest.raises(TypeCheckError, match="rank 2 but ndim is 3"):
        G.TensorStructInfo((n, 4), "float32", ndim=3)
    shape_var = G.Var("s", G.ShapeStructInfo(ndim=2))
    assert G.TensorStructInfo(shape_var, "float32").ndim == 2


def test_call_checks_callee_and_attrs():
    x = G.Var("x", tensor((n, 4)))
    with pytest.raises(TypeCheckError, match="callee"):
        G.Call("add", (x,))
    with pytest.raises(TypeCheckError, match="no attribute 'axis'"):
        R.base.make_call("matmul", (x, x), {"axis": 1})
    with pytest.raises(TypeCheckError, match="must be DataType or str"):
        R.base.make_call("matmul", (x, x), {"out_dtype": 3})
    with pytest.raises(StructInfoError, match="takes 2 arguments"):
        R.base.make_call("add", (x,))
    with pytest.raises(TypeCheckError, match=r"unknown graph operator R\.nope"):
        G.Op.get("nope")


def test_op_is_interned():
    assert G.Op.get("add") is G.Op.get("add")
    with pytest.raises(TypeCheckError, match="already registered"):
        G.register_op("add", infer=lambda call, ctx: None)


def test_if_condition_must_be_bool():
    x = G.Var("x", tensor((n,)))
    branch = G.SeqExpr((), x)
    with pytest.raises(StructInfoError, match="bool scalar"):
        G.If(x, branch, branch)
    c = G.Var("c", G.PrimStructInfo("bool"))
    y = G.Var("y", tensor((4,)))
    joined = G.If(c, branch, G.SeqExpr((), y)).struct_info
    assert joined.ndim == 1
    assert joined.shape is None
    assert joined.dtype == dtype("float32")


def test_function_signature():
    x = G.Var("x", tensor((n, 4)))
    f = G.Function((x,), G.SeqExpr((), x))
    assert isinstance(f.struct_info, G.FuncStructInfo)
    assert f.ret_struct_info is x.struct_info
    with pytest.raises(TypeCheckError, match="SeqExpr"):
        G.Function((x,), x)
