"""Symbolic-shape inference of the builtins that have no legalization of their own.

``call_dps``, ``shape_of`` and the memory ops are what legalization produces or lowers into, so
they are exempt from the two-shape interpreter runs; their inference is pinned here.
"""

import pytest

from loom.ir import IRModule, StructInfoError, assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.script import from_source

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")

SCALE = """
from loom.script import tir as T

@T.prim_func
def scale(a: T.handle, b: T.handle):
    k = T.int64()
    A = T.match_buffer(a, (k, 4), "float32")
    B = T.match_buffer(b, (k, 4), "float32")
    for i, j in T.grid(k, 4):
        with T.block("b"):
            vi, vj = T.axis.remap("SS", [i, j])
            B[vi, vj] = A[vi, vj] * T.float32(2)
"""


def test_call_dps_gives_its_symbolic_out_sinfo(infer):
    x = G.Var("x", G.TensorStructInfo((n, 4), "float32"))
    out = G.TensorStructInfo((n * 2, m), "float16")
    sinfo, checks = infer(R.call_dps("ext", [x], out))
    assert_structural_equal(sinfo, out)
    assert checks == []
    pair = G.TupleStructInfo((out, G.TensorStructInfo((m,), "int32")))
    sinfo, _ = infer(R.call_dps("ext", [x], pair, tir_vars=[m]))
    assert_structural_equal(sinfo, pair)


def test_call_dps_of_a_symbolic_prim_func_checks_rank_and_dtype():
    module = IRModule.from_functions({"scale": from_source(SCALE)})
    normalizer = G.Normalizer(module)
    x = G.Var("x", G.TensorStructInfo((n, 4), "float32"))
    call = R.call_dps(module.global_var("scale"), [x], G.TensorStructInfo((n, 4), "float32"))
    sinfo = normalizer.normalize(call).struct_info
    assert_structural_equal(sinfo, G.TensorStructInfo((n, 4), "float32"))
    bad = R.call_dps(module.global_var("scale"), [x], G.TensorStructInfo((n, 4), "int32"))
    with pytest.raises(StructInfoError, match=r"parameter 1 \(b\) of scale has dtype float32"):
        normalizer.normalize(bad)


def test_shape_of_a_symbolic_tensor(infer):
    x = G.Var("x", G.TensorStructInfo((n, m + 1, 2), "float32"))
    sinfo, checks = infer(R.shape_of(x))
    assert_structural_equal(sinfo, G.ShapeStructInfo((n, m + 1, 2)))
    assert checks == []
    sinfo, _ = infer(R.shape_of(G.Var("y", G.TensorStructInfo(ndim=3, dtype="float32"))))
    assert sinfo.values is None
    assert sinfo.ndim == 3


def test_memory_ops_with_symbolic_sizes(infer):
    storage, _ = infer(R.alloc_storage(G.ShapeExpr((n * 16,)), "float32"))
    assert isinstance(storage, G.ObjectStructInfo)
    s = G.Var("s", G.ObjectStructInfo())
    sinfo, checks = infer(R.memory_alloc_tensor(s, G.PrimValue(0), G.ShapeExpr((n, m)), "int8"))
    assert_structural_equal(sinfo, G.TensorStructInfo((n, m), "int8"))
    assert checks == []
    sinfo, _ = infer(R.builtin_alloc_tensor(G.ShapeExpr((m, n * 2)), "float32"))
    assert_structural_equal(sinfo, G.TensorStructInfo((m, n * 2), "float32"))
    x = G.Var("x", G.TensorStructInfo((n,), "float32"))
    sinfo, _ = infer(R.kill_tensor(x))
    assert_structural_equal(sinfo, G.TupleStructInfo(()))
    sinfo, _ = infer(R.kill_storage(s))
    assert_structural_equal(sinfo, G.TupleStructInfo(()))
