"""LegalizeOps: op calls become call_dps of generated prim_funcs, symbolic sizes kept."""

import numpy as np
import pytest

from loom.ir import IRModule, PassError, assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.registry import register_op, registered_ops
from loom.script import from_source
from loom.transform.graph import LegalizeOps

HEADER = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T
"""

EXP = """
    @T.prim_func
    def exp(var_b: T.handle, var_T_exp: T.handle):
        T.func_attr({"global_symbol": "exp", "tir.noalias": True})
        n = T.int64()
        b = T.match_buffer(var_b, (n, T.int64(4)), "float32")
        T_exp = T.match_buffer(var_T_exp, (n, T.int64(4)), "float32")
        for i0, i1 in T.grid(n, T.int64(4)):
            with T.block("T_exp"):
                v_i0, v_i1 = T.axis.remap("SS", [i0, i1])
                T.reads(b[v_i0, v_i1])
                T.writes(T_exp[v_i0, v_i1])
                T_exp[v_i0, v_i1] = T.exp(b[v_i0, v_i1])
"""


def _module(text: str) -> IRModule:
    """A module of the functions in `text` (one lone function becomes ``main``)."""
    parsed = from_source(HEADER + text)
    return parsed if isinstance(parsed, IRModule) else IRModule.from_functions({"main": parsed})


def test_op_calls_become_call_dps_of_shared_prim_funcs():
    before = from_source(
        HEADER
        + """
@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32"), y: R.Tensor((4,), "float32")):
        n = T.int64()
        with R.dataflow():
            a = R.add(x, y)
            b = R.add(a, y)
            c = R.exp(b)
            s = R.shape_of(c)
            R.output(c)
        return c
"""
    )
    expected = from_source(
        HEADER
        + """
@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32"), y: R.Tensor((4,), "float32")):
        n = T.int64()
        cls = Module
        with R.dataflow():
            a = R.call_dps(cls.add, (x, y), out_sinfo=R.Tensor((n, 4), "float32"))
            b = R.call_dps(cls.add, (a, y), out_sinfo=R.Tensor((n, 4), "float32"))
            c = R.call_dps(cls.exp, (b,), out_sinfo=R.Tensor((n, 4), "float32"))
            s = R.shape_of(c)
            R.output(c)
        return c

    @T.prim_func
    def add(var_x: T.handle, y: T.Buffer((T.int64(4),), "float32"), var_T_add: T.handle):
        T.func_attr({"global_symbol": "add", "tir.noalias": True})
        n = T.int64()
        x = T.match_buffer(var_x, (n, T.int64(4)), "float32")
        T_add = T.match_buffer(var_T_add, (n, T.int64(4)), "float32")
        for i0, i1 in T.grid(n, T.int64(4)):
            with T.block("T_add"):
                v_i0, v_i1 = T.axis.remap("SS", [i0, i1])
                T.reads(x[v_i0, v_i1], y[v_i1])
                T.writes(T_add[v_i0, v_i1])
                T_add[v_i0, v_i1] = x[v_i0, v_i1] + y[v_i1]
"""
        + EXP
    )
    assert_structural_equal(LegalizeOps()(before), expected)


def test_different_prim_funcs_get_deduplicated_names():
    bb = G.BlockBuilder()
    x = G.Var("x", G.TensorStructInfo((4,), "float32"))
    y = G.Var("y", G.TensorStructInfo((8,), "float32"))
    with bb.function("main", [x, y]):
        a = bb.emit(R.exp(x))
        b = bb.emit(R.exp(y))
        c = bb.emit(R.exp(x))
        bb.emit_func_output(G.Tuple((a, b, c)))
    out = LegalizeOps()(bb.get())
    assert [gv.name_hint for gv in out.functions] == ["main", "exp", "exp_1"]
    callees = [b.value.args[0].name_hint for b in out["main"].body.blocks[0].bindings]
    assert callees == ["exp", "exp_1", "exp"]
    assert out["exp_1"].attrs["global_symbol"] == "exp_1"


def test_a_module_without_op_calls_is_returned_as_is():
    mod = _module(
        """
@R.function
def main(x: R.Tensor((2,), "float32")):
    y = R.exp(x)
    return y
"""
    )
    lowered = LegalizeOps()(mod)
    assert lowered is not mod
    assert LegalizeOps()(lowered) is lowered


def test_branches_and_helper_bindings_are_legalized(run_graph):
    before = _module(
        """
@R.function
def main(c: R.Prim("bool"), x: R.Tensor((2, 3), "float32")):
    if c:
        t = (x, x)
        y = R.concat(t, axis=0)
    else:
        y = R.concat((x, x), axis=0)
    return y
"""
    )
    out = LegalizeOps()(before)
    text = out.script()
    assert "R.concat" not in text
    true_branch = out["main"].body.blocks[0].bindings[0].value.true_branch
    # The tuple variable's fields are read out first: the prim_func takes tensors.
    kinds = [type(b.value).__name__ for b in true_branch.blocks[0].bindings]
    assert kinds == ["Tuple", "TupleGetItem", "TupleGetItem"]
    assert true_branch.body.op.name == "call_dps"
    x = np.arange(6, dtype="float32").reshape(2, 3)
    for cond in (True, False):
        np.testing.assert_array_equal(run_graph(out, "main", cond, x), np.concatenate([x, x]))


def test_symbolic_sizes_stay_symbolic_and_compute_right(run_graph):
    n = tir.Var("n", "int64")
    x = G.Var("x", G.TensorStructInfo((n, 3), "float32"))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            y = bb.emit_output(R.sum(R.exp(x), axis=[0]))
        bb.emit_func_output(y)
    out = LegalizeOps()(bb.get())
    assert out["exp"].buffer_map[out["exp"].params[0]].shape[0].name_hint == "n"
    for rows in (1, 5):
        data = np.random.default_rng(rows).standard_normal((rows, 3)).astype("float32")
        np.testing.assert_allclose(run_graph(out, "main", data), np.exp(data).sum(0), rtol=1e-5)


def _opaque_op():
    if "test.opaque" not in registered_ops():
        register_op("test.opaque", infer=lambda call, ctx: call.args[0].struct_info, num_args=1)
        register_op(
            "test.twice",
            infer=lambda call, ctx: call.args[0].struct_info,
            num_args=1,
            legalize=lambda bb, call: R.add(call.args[0], call.args[0]),
        )
        register_op(
            "test.forever",
            infer=lambda call, ctx: call.args[0].struct_info,
            num_args=1,
            legalize=lambda bb, call: G.Call(call.op, call.args),
        )


def _call_module(op_name: str):
    _opaque_op()
    return _module(
        f"""
@R.function
def main(x: R.Tensor((2,), "float32")):
    y = R.{op_name}(x)
    return y
"""
    )


def test_an_op_without_legalization_is_an_error_at_its_call():
    with pytest.raises(PassError, match=r"R\.test\.opaque has no legalization") as info:
        LegalizeOps()(_call_module("test.opaque"))
    assert info.value.span is not None
    assert (info.value.span.line, info.value.span.col) == (8, 8)  # the call in the text
    assert any("LegalizeOps" in note for note in info.value.notes)


def test_legalizations_that_produce_op_calls_are_legalized_in_turn():
    out = LegalizeOps()(_call_module("test.twice"))
    (binding,) = out["main"].body.blocks[0].bindings
    assert binding.value.op.name == "call_dps"
    assert binding.value.args[0].name_hint == "add"


def test_a_legalization_that_never_ends_is_an_error():
    with pytest.raises(PassError, match="nests more than"):
        LegalizeOps()(_call_module("test.forever"))
