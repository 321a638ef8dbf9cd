from loom.ir import dtype, tir
from loom.ir import graph as G
from loom.ir.graph.infer import erase_to_well_defined, is_base_of, lca

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")


def T(shape=None, dtype="float32", ndim=-1):
    return G.TensorStructInfo(shape, dtype, ndim)


def test_object_is_base_of_everything():
    for s in (T((n,)), G.ShapeStructInfo(ndim=1), G.PrimStructInfo("int64"), G.TupleStructInfo(())):
        assert is_base_of(G.ObjectStructInfo(), s)
        assert not is_base_of(s, G.ObjectStructInfo())


def test_tensor_subtyping():
    assert is_base_of(T(), T((n, 4)))
    assert is_base_of(T(ndim=2), T((n, 4)))
    assert is_base_of(T(dtype=None), T((n, 4)))
    assert not is_base_of(T(ndim=3), T((n, 4)))
    assert not is_base_of(T((n, 4)), T())
    assert not is_base_of(T((n, 4)), T((m, 4)))
    assert is_base_of(T((n * 2,)), T((n + n,)))
    assert not is_base_of(T((n,), "float16"), T((n,)))


def test_tuple_and_func_subtyping():
    assert is_base_of(G.TupleStructInfo((T(),)), G.TupleStructInfo((T((n,)),)))
    assert not is_base_of(G.TupleStructInfo((T(),)), G.TupleStructInfo((T(), T())))
    pure = G.FuncStructInfo((T(),), T((n,)), True)
    impure = G.FuncStructInfo((T(),), T(), False)
    assert is_base_of(impure, pure)
    assert not is_base_of(pure, impure)
    # Parameters are contravariant: accepting any tensor is more specific than accepting (n,).
    narrow = G.FuncStructInfo((T((n,)),), T((n,)), True)
    assert is_base_of(narrow, pure)
    assert not is_base_of(pure, narrow)
    assert is_base_of(G.FuncStructInfo.opaque(), pure)


def test_lca():
    assert lca(T((n, 4)), T((n, 4))).values is not None
    joined = lca(T((n, 4)), T((m, 4)))
    assert joined.shape is None
    assert joined.ndim == 2
    assert joined.dtype == dtype("float32")
    assert lca(T((n,)), T((n, 4))).ndim == -1
    assert lca(T((n,)), T((n,), "int32")).dtype is None
    assert isinstance(lca(T(), G.ShapeStructInfo()), G.ObjectStructInfo)
    tup = lca(G.TupleStructInfo((T((n,)),)), G.TupleStructInfo((T((m,)),)))
    assert tup.fields[0].ndim == 1


def test_erase_to_well_defined():
    s = G.TupleStructInfo((T((n, m)), G.PrimStructInfo(value=m), T((n,))))
    erased = erase_to_well_defined(s, lambda v: v is n)
    assert erased.fields[0].shape is None
    assert erased.fields[0].ndim == 2
    assert erased.fields[1].value is None
    assert erased.fields[1].dtype == dtype("int64")
    assert erased.fields[2] is s.fields[2]
    assert erase_to_well_defined(s, lambda v: True) is s
