"""Calls between graph functions see the callee's result in the caller's sizes."""

from loom.ir import tir
from loom.ir.graph import BlockBuilder, Call, TensorStructInfo, Var
from loom.ir.graph import op as R
from loom.ir.tir.arith import Analyzer


def test_result_sizes_are_rewritten_in_the_callers_terms():
    bb = BlockBuilder()
    n = tir.Var("n", "int64")
    x = Var("x", TensorStructInfo((n,), "float32"))
    with bb.function("inner", [x]):
        inner = bb.emit_func_output(bb.emit(R.concat((x, x), axis=0)))

    m = tir.Var("m", "int64")
    y = Var("y", TensorStructInfo((m,), "float32"))
    with bb.function("outer", [y]):
        bb.emit_func_output(bb.emit(Call(inner, (y,))))
    mod = bb.get()  # checks well-formedness: no size of `inner` leaks into `outer`

    (size,) = mod["outer"].ret_struct_info.values
    assert Analyzer().can_prove_equal(size, m * 2)


def test_sizes_the_arguments_do_not_carry_are_forgotten():
    bb = BlockBuilder()
    x = Var("x", TensorStructInfo(None, "float32", ndim=1))
    with bb.function("inner", [x]):
        k = tir.Var("k", "int64")
        inner = bb.emit_func_output(bb.match_cast(x, TensorStructInfo((k,), "float32")))

    n = tir.Var("n", "int64")
    y = Var("y", TensorStructInfo((n,), "float32"))
    with bb.function("outer", [y]):
        bb.emit_func_output(bb.emit(Call(inner, (y,))))

    sinfo = bb.get()["outer"].ret_struct_info
    assert sinfo.values is None
    assert (sinfo.ndim, str(sinfo.dtype)) == (1, "float32")
