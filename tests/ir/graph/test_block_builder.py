import numpy as np
import pytest

from loom.ir import GlobalVar, LoomError, StructInfoError, dtype, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.tir import te

n = tir.Var("n", "int64")


def t(shape, dt="float32"):
    return G.TensorStructInfo(shape, dt)


def test_mlp_with_dataflow():
    x = G.Var("x", t((n, 16)))
    w1, w2 = G.Var("w1", t((16, 32))), G.Var("w2", t((32, 4)))
    bb = G.BlockBuilder()
    with bb.function("mlp", [x, w1, w2]):
        with bb.dataflow():
            h = bb.emit(R.relu(R.matmul(x, w1)), "h")
            out = bb.emit_output(R.matmul(h, w2), "out")
        bb.emit_func_output(out)
    f = bb.get()["mlp"]
    block = f.body.blocks[0]
    assert isinstance(block, G.DataflowBlock)
    # The nested matmul became its own binding (A-normal form).
    assert [b.value.op.name for b in block.bindings] == ["matmul", "nn.relu", "matmul"]
    assert [type(b.var) for b in block.bindings] == [G.DataflowVar, G.DataflowVar, G.Var]
    assert block.bindings[1].var.name_hint == "h"
    assert f.ret_struct_info.values[0] is n
    assert f.ret_struct_info.values[1].value == 4
    assert f.is_pure
    assert f.attrs["global_symbol"] == "mlp"


def test_purity_is_inferred_and_outputs_leave_dataflow():
    x = G.Var("x", t((n,)))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            y = bb.emit_output(R.exp(x))
        bb.emit(R.call_packed("log_tensor", y))
        bb.emit_func_output(y)
    f = bb.get()["main"]
    assert not f.is_pure
    assert [type(b) for b in f.body.blocks] == [G.DataflowBlock, G.BindingBlock]


def test_match_cast_defines_new_sizes_and_result_is_erased():
    x = G.Var("x", G.TensorStructInfo(ndim=1, dtype="float32"))
    m = tir.Var("m", "int64")
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        y = bb.match_cast(x, t((m,)))
        z = bb.emit(R.reshape(y, (m, 1)))
        bb.emit_func_output(z)
    f = bb.get()["main"]
    assert isinstance(f.body.blocks[0].bindings[0], G.MatchCast)
    assert z.struct_info.values[0] is m
    # m is defined inside the function: the signature only knows the rank.
    assert f.ret_struct_info.shape is None
    assert f.ret_struct_info.ndim == 2


def test_unknown_broadcast_is_recorded_as_runtime_check():
    m = tir.Var("m", "int64")
    x, y = G.Var("x", t((n,))), G.Var("y", t((m,)))
    bb = G.BlockBuilder()
    with bb.function("main", [x, y]):
        z = bb.emit(R.add(x, y))
        bb.emit_func_output(z)
    assert len(bb.runtime_checks) == 1
    assert "size m must be 1 or equal to n" in bb.runtime_checks[0].message


def test_provable_errors_raise_at_emit():
    x = G.Var("x", t((n, 4)))
    w = G.Var("w", t((5, 3)))
    bb = G.BlockBuilder()
    with pytest.raises(StructInfoError, match="inner sizes differ"), bb.function("main", [x, w]):
        bb.emit(R.matmul(x, w))
    bb = G.BlockBuilder()
    with pytest.raises(StructInfoError, match="must be a tensor"), bb.function("main", [x]):
        bb.emit(R.exp(G.ShapeExpr((n,))))


def test_scope_errors():
    x = G.Var("x", t((n,)))
    bb = G.BlockBuilder()
    with pytest.raises(LoomError, match="open function scope"):
        bb.emit(R.exp(x))
    with pytest.raises(LoomError, match="has no output"), bb.function("f", [x]):
        bb.emit(R.exp(x))
    with bb.function("g", [x]):
        with pytest.raises(LoomError, match="for dataflow blocks"):
            bb.emit_output(R.exp(x))
        with bb.dataflow():
            with pytest.raises(LoomError, match="after the dataflow block"):
                bb.emit_func_output(x)
            bb.emit_output(R.exp(x))
        bb.emit_func_output(x)


def test_dataflow_var_returned_is_an_error():
    x = G.Var("x", t((n,)))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            lv = bb.emit(R.exp(x))
        with pytest.raises(LoomError, match="dataflow variable lv is used outside"):
            bb.emit_func_output(lv)
        bb.emit_func_output(x)


def test_call_between_functions_and_undefined_function():
    x = G.Var("x", t((n,)))
    bb = G.BlockBuilder()
    with bb.function("inner", [x]):
        bb.emit_func_output(bb.emit(R.exp(x)))
    gv = bb.module.global_var("inner")
    y = G.Var("y", t((n,)))
    with bb.function("outer", [y]):
        r = bb.emit(G.Call(gv, (y,)))
        bb.emit_func_output(r)
    assert r.struct_info.values[0] is n
    mod = bb.get()
    assert list(mod.functions)[1].name_hint == "outer"
    with pytest.raises(LoomError, match="undefined"), bb.function("bad", [G.Var("z", t((n,)))]):
        bb.emit(G.Call(GlobalVar("nowhere"), ()))


def add_one(a):
    return te.compute(a.shape, lambda *i: a[i] + tir.const(1.0, "float32"), name="B")


def row_sum(a):
    k = te.reduce_axis((0, a.shape[1]), "k")
    return te.compute((a.shape[0],), lambda i: te.sum(a[i, k], axis=k), name="S")


def test_emit_te_builds_a_prim_func_that_runs():
    m = tir.Var("m", "int64")
    x = G.Var("x", t((n, m)))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            y = bb.emit_te(add_one, x)
            s = bb.emit_te(row_sum, y, primfunc_name_hint="rsum")
            z = bb.emit_te(add_one, y)
            out = bb.emit_output(G.Tuple((s, z)))
        bb.emit_func_output(out)
    mod = bb.get()
    assert [gv.name_hint for gv in mod.functions] == ["add_one", "rsum", "main"]
    call = mod["main"].body.blocks[0].bindings[0].value
    assert call.op is G.Op.get("call_dps")
    assert call.args[0].name_hint == "add_one"
    assert s.struct_info.values[0] is n
    # The prim_func has its own size variables, not the graph's.
    pf = mod["add_one"]
    assert pf.buffer_map[pf.params[0]].shape[0] is not n
    a = np.random.default_rng(0).random((3, 5), dtype=np.float32)
    b, total = np.zeros_like(a), np.zeros(3, "float32")
    tir.interpret(pf, a, b)
    np.testing.assert_allclose(b, a + 1)
    tir.interpret(mod["rsum"], b, total)
    np.testing.assert_allclose(total, (a + 1).sum(axis=1), rtol=1e-5)


def test_emit_te_passes_sizes_the_buffers_do_not_give():
    x, x2 = G.Var("x", t((n,))), G.Var("x2", t((n * 2,)))
    bb = G.BlockBuilder()
    with bb.function("main", [x, x2]):
        y = bb.emit_te(add_one, x2)
        bb.emit_func_output(y)
    call = bb.get()["main"].body.blocks[0].bindings[0].value
    assert len(call.args) == 3
    assert call.args[2].values[0] is n
    pf = bb.module["add_one"]
    assert len(pf.params) == 3
    a = np.arange(6, dtype="float32")
    b = np.zeros(6, "float32")
    tir.interpret(pf, a, b, 3)
    np.testing.assert_allclose(b, a + 1)


def test_call_dps_is_checked_against_the_prim_func():
    x = G.Var("x", t((n, 4)))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        y = bb.emit_te(add_one, x)
        gv = bb.module.global_var("add_one")
        with pytest.raises(StructInfoError, match="passes 1 tensors and 0 sizes to add_one, which"):
            bb.emit(R.call_dps(gv, [], t((n, 4))))
        with pytest.raises(StructInfoError, match="has rank 2 but receives a tensor of rank 1"):
            bb.emit(R.call_dps(gv, [G.Var("v", t((n,)))], t((n, 4))))
        with pytest.raises(
            StructInfoError, match="has dtype float32 but receives a tensor of dtype int32"
        ):
            bb.emit(R.call_dps(gv, [x], t((n, 4), "int32")))
        bb.emit_func_output(y)
    assert y.struct_info.dtype == dtype("float32")


def test_emit_te_needs_known_shapes():
    x = G.Var("x", G.TensorStructInfo(ndim=2, dtype="float32"))
    bb = G.BlockBuilder()
    with pytest.raises(StructInfoError, match="known shape"), bb.function("main", [x]):
        bb.emit_te(add_one, x)
