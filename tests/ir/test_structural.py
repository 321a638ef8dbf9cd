import numpy as np
import pytest

from loom.ir import (
    IRModule,
    Map,
    StructuralEqualError,
    assert_structural_equal,
    structural_equal,
    structural_hash,
    tir,
)


def make_loop(name="i", offset=1.0):
    n = tir.Var("n")
    A = tir.decl_buffer((n,), "float32", "A")
    i = tir.Var(name)
    body = tir.BufferStore(A, A[i] + offset, (i,))
    return tir.PrimFunc(
        (A.data, n), tir.For(i, tir.const(0), n, tir.ForKind.SERIAL, body), {A.data: A}
    )


def test_bound_variables_compare_positionally():
    a, b = make_loop("i"), make_loop("j")
    assert structural_equal(a, b)
    assert structural_hash(a) == structural_hash(b)


def test_values_differ():
    a, b = make_loop(offset=1.0), make_loop(offset=2.0)
    assert not structural_equal(a, b)
    with pytest.raises(StructuralEqualError) as info:
        assert_structural_equal(a, b)
    assert "root.body.body.value.b.value" in str(info.value)


def test_consistent_mapping_is_required():
    x, y, z = tir.Var("x"), tir.Var("y"), tir.Var("z")
    assert structural_equal(x + x, y + y)
    assert not structural_equal(x + x, y + z)
    assert not structural_equal(x + y, z + z)


def test_dtype_and_kind_of_binders_matter():
    assert not structural_equal(tir.Var("x", "int32"), tir.Var("x", "int64"))
    assert not structural_equal(tir.Var("x"), tir.SizeVar("x"))


def test_span_is_ignored_but_types_are_not():
    assert structural_equal(tir.const(1), tir.IntImm("int32", 1))
    assert not structural_equal(tir.const(1), tir.const(1, "int64"))
    assert not structural_equal(tir.const(1), tir.const(True))
    assert structural_equal(tir.const(float("nan")), tir.const(float("nan")))


def test_length_difference_reports_path():
    x = tir.Var("x")
    one = tir.Evaluate(x)
    with pytest.raises(StructuralEqualError, match=r"root.seq \(length 2 vs 3\)"):
        assert_structural_equal(tir.SeqStmt((one, one)), tir.SeqStmt((one, one, one)))


def test_modules_and_maps():
    m1 = IRModule.from_functions({"f": make_loop()}, {"k": 1})
    m2 = IRModule.from_functions({"f": make_loop("j")}, {"k": 1})
    m3 = IRModule.from_functions({"g": make_loop()}, {"k": 1})
    assert structural_equal(m1, m2)
    assert not structural_equal(m1, m3)
    assert not structural_equal(Map({"a": 1}), Map({"a": 2}))


def test_arrays_compare_by_value():
    assert structural_equal(np.arange(4), np.arange(4))
    assert not structural_equal(np.arange(4), np.arange(4).astype("float32"))


def test_deep_trees_do_not_recurse():
    x = tir.Var("x")
    e = x
    for _ in range(20000):
        e = e + 1
    assert structural_equal(e, e)
    assert isinstance(structural_hash(e), int)
