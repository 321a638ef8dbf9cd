import pytest

from loom.ir import GlobalVar, IRModule, WellFormedError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n = tir.Var("n", "int64")


def t(shape):
    return G.TensorStructInfo(shape, "float32")


def func(params, blocks, body):
    return G.Function(tuple(params), G.SeqExpr(tuple(blocks), body))


def test_good_function_passes():
    x = G.Var("x", t((n,)))
    lv = G.DataflowVar("lv", t((n,)))
    gv = G.Var("gv", t((n,)))
    block = G.DataflowBlock((G.VarBinding(lv, R.exp(x)), G.VarBinding(gv, R.exp(lv))))
    G.well_formed(func([x], [block], gv))


def test_variable_bound_twice():
    x = G.Var("x", t((n,)))
    y = G.Var("y", t((n,)))
    block = G.BindingBlock((G.VarBinding(y, R.exp(x)), G.VarBinding(y, R.exp(x))))
    with pytest.raises(WellFormedError, match="variable y is bound more than once"):
        G.well_formed(func([x], [block], y))


def test_variable_used_before_definition():
    x = G.Var("x", t((n,)))
    y = G.Var("y", t((n,)))
    z = G.Var("z", t((n,)))
    block = G.BindingBlock((G.VarBinding(z, R.exp(y)), G.VarBinding(y, R.exp(x))))
    with pytest.raises(WellFormedError, match="variable y is used before it is defined"):
        G.well_formed(func([x], [block], z))


def test_dataflow_var_escapes_its_block():
    x = G.Var("x", t((n,)))
    lv = G.DataflowVar("lv", t((n,)))
    block = G.DataflowBlock((G.VarBinding(lv, R.exp(x)),))
    with pytest.raises(WellFormedError, match="dataflow variable lv is used outside its"):
        G.well_formed(func([x], [block], lv))


def test_dataflow_var_outside_dataflow_block():
    x = G.Var("x", t((n,)))
    lv = G.DataflowVar("lv", t((n,)))
    block = G.BindingBlock((G.VarBinding(lv, R.exp(x)),))
    with pytest.raises(WellFormedError, match="bound outside a dataflow block"):
        G.well_formed(func([x], [block], lv))


def test_impure_call_in_dataflow_block():
    x = G.Var("x", t((n,)))
    gv = G.Var("gv", G.ObjectStructInfo())
    block = G.DataflowBlock((G.VarBinding(gv, R.call_packed("f", x)),))
    with pytest.raises(WellFormedError, match="calls an impure function"):
        G.well_formed(func([x], [block], gv))


def test_symbolic_size_used_before_definition():
    m = tir.Var("m", "int64")
    x = G.Var("x", t((n * 2,)))
    with pytest.raises(WellFormedError, match=r"symbolic size n .* annotation of x"):
        G.well_formed(func([x], [], x))
    x = G.Var("x", t((n,)))
    y = G.Var("y", t((m,)))
    block = G.BindingBlock((G.VarBinding(y, R.exp(x)),))
    with pytest.raises(WellFormedError, match="symbolic size m is used in the annotation of y"):
        G.well_formed(func([x], [block], y))


def test_match_cast_defines_sizes():
    m = tir.Var("m", "int64")
    x = G.Var("x", G.TensorStructInfo(ndim=1, dtype="float32"))
    y = G.Var("y", t((m,)))
    z = G.Var("z", t((m, 1)))
    block = G.BindingBlock((G.MatchCast(y, x, t((m,))), G.VarBinding(z, R.reshape(y, (m, 1)))))
    G.well_formed(func([x], [block], z))
    early = G.BindingBlock((G.VarBinding(z, R.reshape(x, (m, 1))), G.MatchCast(y, x, t((m,)))))
    with pytest.raises(WellFormedError, match="symbolic size m is used in a shape expression"):
        G.well_formed(func([x], [early], z))


def test_global_function_must_resolve():
    x = G.Var("x", t((n,)))
    y = G.Var("y", t((n,)))
    call = G.Call(GlobalVar("missing"), (x,), struct_info=t((n,)))
    f = func([x], [G.BindingBlock((G.VarBinding(y, call),))], y)
    G.well_formed(f)  # a lone function: the global rule needs a module
    with pytest.raises(WellFormedError, match="undefined function 'missing'"):
        G.well_formed(IRModule.from_functions({"main": f}))


def test_error_carries_the_binding_span():
    from loom.ir import SourceFile, Span

    span = Span(SourceFile("m.py", "y = R.exp(x)\n"), 1, 0, 1, 12)
    x = G.Var("x", t((n,)))
    y = G.Var("y", t((n,)))
    block = G.BindingBlock((G.VarBinding(y, R.exp(x), span=span), G.VarBinding(y, R.exp(x))))
    with pytest.raises(WellFormedError) as info:
        G.well_formed(func([x], [block], y))
    assert info.value.line == 1
