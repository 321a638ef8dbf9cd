"""The seed program of the project document (issue 3, item 6).

It is kept as written there, with ``@tvm.script.ir_module`` spelled ``@I.ir_module`` and the
imports changed to Loom's. It has three typos: the missing colon after ``R.dataflow()``,
``lv2`` (meant as the shape ``(n * m,)``) and ``W[vk, wj]`` (meant as ``W[vk, vj]``). It does end
with ``return gv0``, so no return needs adding; its bare ``R.call_packed(...)`` statement is
bound to a fresh variable ``_`` of struct info ``R.Object``, and the function is impure.
"""

import pytest

from loom.ir import ParseError, assert_structural_equal, dtype, tir
from loom.ir import graph as G
from loom.script import from_source

SEED = """\
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class MyIRModule:
    # Define a TIR based operation.
    @T.prim_func
    def tir_mm(X: T.Buffer[(n, d), "float32"],
               W: T.Buffer[(d, m), "float32"],
               Y: T.Buffer[(n, m), "float32"]):
        for i, j, k in T.grid(n, m, d):
            with T.block("body"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                with T.init():
                    Y[vi, vj] = 0
                # Can be mapped on to HW intrinsics.
                Y[vi, vj] += X[vi, vk] * W[vk, wj]

    @R.function
    def relax_func(x: R.Tensor[(n, d), "float32"], w: R.Tensor[(d, m), "float32"]):
        with R.dataflow()
            # Invoke the TIR code.
            lv0: R.Tensor[(n, m), "float32"] = R.call_dps((n, m), tir_mm, [x, w])
            lv1: R.Tensor[(n * m,), "float32"] = R.flatten(lv0)
            gv0: R.Tensor[lv2, "float32"] = R.exp(lv1)
            R.output(gv0)

        # Invoke external update rule.
        R.call_packed("custom_inplace_update", gv0)
        return gv0
"""


def fix(text, colon=True, lv2=True, wj=True):
    if colon:
        text = text.replace("with R.dataflow()\n", "with R.dataflow():\n")
    if lv2:
        text = text.replace("R.Tensor[lv2,", "R.Tensor[(n * m,),")
    if wj:
        text = text.replace("W[vk, wj]", "W[vk, vj]")
    return text


def error_of(text):
    with pytest.raises(ParseError) as info:
        from_source(text)
    return info.value


def test_as_written_the_missing_colon_is_a_syntax_error():
    err = error_of(SEED)
    assert err.message == "invalid Python syntax: expected ':'"
    assert (err.line, err.col) == (23, 26)


def test_with_the_third_typo_left_in_the_error_points_at_wj():
    err = error_of(fix(SEED, wj=False))
    assert err.message == "name 'wj' is not defined"
    assert (err.line, err.col) == (19, 48)
    assert "    Y[vi, vj] += X[vi, vk] * W[vk, wj]" in str(err)


def test_with_lv2_left_in_the_error_points_at_lv2():
    err = error_of(fix(SEED, lv2=False))
    assert err.message == "name 'lv2' is not defined"
    assert (err.line, err.col) == (27, 27)


def test_the_fixed_seed_parses():
    module = from_source(fix(SEED))
    assert [gv.name_hint for gv in module.functions] == ["tir_mm", "relax_func"]
    mm = module["tir_mm"]
    assert isinstance(mm, tir.PrimFunc)
    assert [str(mm.buffer_map[p].shape[0].dtype) for p in mm.params] == ["int32"] * 3

    func = module["relax_func"]
    assert isinstance(func, G.Function)
    assert not func.is_pure  # it calls a packed function
    x, w = func.params
    n, d = x.struct_info.values
    m = w.struct_info.values[1]
    assert [v.name_hint for v in (n, d, m)] == ["n", "d", "m"]
    assert w.struct_info.values[0] is d

    dataflow, after = func.body.blocks
    assert isinstance(dataflow, G.DataflowBlock)
    lv0, lv1, gv0 = dataflow.bindings
    assert [type(b.var) for b in (lv0, lv1, gv0)] == [G.DataflowVar, G.DataflowVar, G.Var]
    call = lv0.value
    assert call.op is G.Op.get("call_dps")
    assert call.args[0] is module.global_var("tir_mm")
    assert call.args[1].fields == (x, w)
    assert_structural_equal(call.sinfo_args[0], G.TensorStructInfo((n, m), "float32"))
    assert lv1.value.op is G.Op.get("flatten")
    assert_structural_equal(gv0.var.struct_info, G.TensorStructInfo((n * m,), "float32"))
    assert gv0.var.struct_info.dtype == dtype("float32")

    (update,) = after.bindings
    assert update.var.name_hint == "_"
    assert isinstance(update.var.struct_info, G.ObjectStructInfo)
    assert isinstance(update.value.op, G.ExternFunc)
    assert update.value.op.global_symbol == "custom_inplace_update"
    assert update.value.args == (gv0.var,)
    assert func.body.body is gv0.var


def test_the_fixed_seed_round_trips():
    module = from_source(fix(SEED))
    text = module.script()
    again = from_source(text)
    assert_structural_equal(again, module)
    assert again.script() == text
