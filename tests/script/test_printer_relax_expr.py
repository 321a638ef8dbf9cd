"""Graph expressions print as FORMAT.md's R dialect table says (fragments, one node kind each)."""

import ml_dtypes
import numpy as np
import pytest

import loom.ir.graph.registry as registry
from loom.ir import DataType, GlobalVar, LoomError, Map, dtype, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.script.printer import script

n = tir.Var("n", "int64")
x = G.Var("x", G.TensorStructInfo((n, 4), "float32"))
y = G.Var("y", G.TensorStructInfo((n, 4), "float32"))
F32_N = G.TensorStructInfo((n,), "float32")


def const(values, dt):
    return G.Constant(np.array(values, dtype=dt))


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (x, "x"),
        (G.DataflowVar("lv", F32_N), "lv"),
        (G.ShapeExpr((n, 4, n * 2)), "R.shape([n, 4, n * T.int64(2)])"),
        (G.ShapeExpr(()), "R.shape([])"),
        (G.PrimValue(n), "R.prim_value(n)"),
        (G.PrimValue(3), "R.prim_value(T.int64(3))"),
        (G.PrimValue(tir.IntImm("int32", -3)), "R.prim_value(-3)"),
        (G.PrimValue(tir.const(True)), "R.prim_value(True)"),
        (G.PrimValue(tir.FloatImm("float32", 0.5)), "R.prim_value(T.float32(0.5))"),
        (G.StringImm('say "hi"\n'), 'R.str("say \\"hi\\"\\n")'),
        (G.ExternFunc("my.func"), 'R.ExternFunc("my.func")'),
        (G.Tuple((x, y)), "(x, y)"),
        (G.Tuple((x,)), "(x,)"),
        (G.Tuple(()), "()"),
        (G.Tuple((G.Tuple((x,)), G.PrimValue(n))), "((x,), R.prim_value(n))"),
        (G.TupleGetItem(G.Var("t", G.TupleStructInfo((F32_N,))), 0), "t[0]"),
        (G.TupleGetItem(G.Tuple((x, y)), 1), "(x, y)[1]"),
    ],
)
def test_leaf_and_tuple_forms(expr, text):
    assert script(expr) == text


@pytest.mark.parametrize(
    ("values", "dt", "text"),
    [
        (1.5, "float32", 'R.const(1.5, "float32")'),
        (-2, "int64", 'R.const(-2, "int64")'),
        (True, "bool", 'R.const(True, "bool")'),
        ([[1, 2], [3, 4]], "int8", 'R.const([[1, 2], [3, 4]], "int8")'),
        ([0.1, -2.5e-8, 1e20], "float32", 'R.const([0.1, -2.5e-08, 1e+20], "float32")'),
        ([0.1, 1.0], "float16", 'R.const([0.1, 1.0], "float16")'),
        ([0.1], "float64", 'R.const([0.1], "float64")'),
        ([2**64 - 1], "uint64", 'R.const([18446744073709551615], "uint64")'),
        ([[], []], "float32", 'R.const([[], []], "float32")'),
        (list(range(16)), "int32", f'R.const({list(range(16))}, "int32")'),
    ],
)
def test_small_constants_print_inline(values, dt, text):
    assert script(const(values, dt)) == text


def test_inline_floats_read_back_to_the_same_bits():
    rng = np.random.default_rng(0)
    ranges = [("float16", 4), ("float32", 30), ("float64", 300), (ml_dtypes.bfloat16, 30)]
    for dt, exponent in ranges:
        scale = 10.0 ** rng.integers(-exponent, exponent, 16)
        data = (rng.standard_normal(16) * scale).astype(dt)
        text = script(G.Constant(data))
        values = eval(text.removeprefix("R.const(").rsplit(",", 1)[0])
        assert np.array(values, dtype=dt).tobytes() == data.tobytes()
        assert text.endswith(f'"{dtype(np.dtype(dt))}")')


@pytest.mark.parametrize(
    "data",
    [
        np.zeros(17, "float32"),
        np.array([1.0, np.inf], "float32"),
        np.array(np.nan, "float64"),
        np.zeros((0, 3), "int32"),
    ],
)
def test_large_nonfinite_or_shapeless_constants_go_to_metadata(data):
    assert script(G.Constant(data)) == 'metadata["constants"][0]'


def test_calls_of_ops_functions_variables_and_packed_functions():
    f = G.Var("f", G.FuncStructInfo((F32_N,), F32_N))
    assert script(R.add(x, y)) == "R.add(x, y)"
    assert script(R.reshape(x, (n, -1))) == "R.reshape(x, R.shape([n, -1]))"
    assert script(R.shape_of(x)) == "R.shape_of(x)"
    assert script(G.Call(GlobalVar("helper"), (x, y))) == "cls.helper(x, y)"
    assert script(G.Call(f, (x,))) == "f(x)"
    assert script(R.call_packed("log", x, G.StringImm("s"))) == (
        'R.call_packed("log", x, R.str("s"), sinfo_args=(R.Object,))'
    )
    assert script(R.call_packed("g", sinfo_args=())) == 'R.call_packed("g", sinfo_args=())'
    two = R.call_packed("g", sinfo_args=(F32_N, G.ShapeStructInfo(ndim=1)))
    assert script(two) == (
        'R.call_packed("g", sinfo_args=(R.Tensor((n,), dtype="float32"), R.Shape(ndim=1)))'
    )


def test_call_dps_forms():
    out = G.TensorStructInfo((n, 4), "float32")
    assert script(R.call_dps(GlobalVar("mm"), (x, y), out)) == (
        'R.call_dps(cls.mm, (x, y), out_sinfo=R.Tensor((n, 4), dtype="float32"))'
    )
    assert script(R.call_dps(GlobalVar("mm"), (x,), out, tir_vars=[n, n + 1])) == (
        'R.call_dps(cls.mm, (x,), out_sinfo=R.Tensor((n, 4), dtype="float32"), '
        "tir_vars=R.shape([n, n + T.int64(1)]))"
    )
    pair = G.TupleStructInfo((out, F32_N))
    assert script(R.call_dps("ext.f", (), pair)) == (
        'R.call_dps("ext.f", (), out_sinfo=[R.Tensor((n, 4), dtype="float32"), '
        'R.Tensor((n,), dtype="float32")])'
    )
    single_tuple = G.TupleStructInfo((out,))
    assert "out_sinfo=[R.Tensor((n, 4)" in script(R.call_dps("e", (x,), single_tuple))


@pytest.fixture
def attr_op(monkeypatch):
    """An op whose schema lists every attribute value kind, in non-alphabetical order."""
    schema = {
        "zeta": registry.attr(int),
        "dtype": registry.attr(DataType, type(None)),
        "out": registry.attr(DataType, str),
        "axes": registry.attr(tuple),
        "alpha": registry.attr(float),
        "size": registry.attr(tir.PrimExpr),
        "mode": registry.attr(str),
        "flag": registry.attr(bool, type(None)),
    }
    op = registry.Op("test_printer.attrs")
    info = registry.OpInfo(op, lambda call, ctx: G.ObjectStructInfo(), Map(schema), 1)
    monkeypatch.setitem(registry._OPS, op.name, info)
    return op


def test_op_attributes_print_as_keywords_in_schema_order(attr_op):
    attrs = {
        "flag": None,
        "mode": 'a"b',
        "size": n * 2,
        "alpha": -0.5,
        "axes": (1, (0, tir.const(2, "int64")), dtype("int8")),
        "out": dtype("float32x4"),
        "dtype": dtype("float16"),
        "zeta": 3,
    }
    call = G.Call(attr_op, (x,), Map(attrs))
    # A dtype is a string where the attribute takes no strings; else (and in tuples) T.<dtype>.
    assert script(call) == (
        'R.test_printer.attrs(x, zeta=3, dtype="float16", out=T.float32x4, '
        "axes=(1, (0, T.int64(2)), T.int8), "
        'alpha=-0.5, size=n * T.int64(2), mode="a\\"b", flag=None)'
    )
    as_string = G.Call(attr_op, (x,), Map({"out": "float16"}))
    assert script(as_string) == 'R.test_printer.attrs(x, out="float16")'
    partial = G.Call(attr_op, (x,), Map({"mode": "m", "zeta": 1}))
    assert script(partial) == 'R.test_printer.attrs(x, zeta=1, mode="m")'


def call_dps(*args, sinfo_args=(F32_N,)):
    return G.Call(registry.Op.get("call_dps"), args, sinfo_args=sinfo_args)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda op: G.Call(op, (x,), Map({"bogus": 1})), "no attribute 'bogus'"),
        (lambda op: G.Call(op, (x,), Map({"alpha": float("inf")})), "non-finite"),
        (lambda op: G.Call(op, (x,), Map({"mode": {"k": 1}})), "dict"),
        (lambda op: G.Call(op, (x,), sinfo_args=(F32_N,)), "sinfo_args"),
        (lambda op: G.Call(registry.Op("no.such.op"), (x,)), "unknown graph operator"),
        (lambda op: G.Call(GlobalVar("f"), (x,), Map({"a": 1})), "with attributes"),
        (lambda op: G.Call(GlobalVar("f"), (x,), sinfo_args=(F32_N,)), "with sinfo_args"),
        (lambda op: G.Call(G.ExternFunc("f"), (x,), Map({"a": 1})), "with attributes"),
        (lambda op: call_dps(GlobalVar("f"), x), "tuple of arguments"),
        (lambda op: call_dps(GlobalVar("f"), G.Tuple(()), sinfo_args=()), "one out_sinfo"),
        (lambda op: call_dps(x, G.Tuple(())), "Var callee"),
        (lambda op: call_dps(GlobalVar("f"), G.Tuple(()), x), "tir_vars of Var"),
        (lambda op: G.Call(GlobalVar("not-legal"), ()), "'not-legal': not a usable Python name"),
        (lambda op: G.Call(registry.Op("bad-name"), ()), "not a dotted Python name"),
    ],
)
def test_calls_without_a_script_form_raise(attr_op, call, message):
    with pytest.raises(LoomError, match=message):
        script(call(attr_op))


def test_nested_control_flow_and_operators_as_values_raise():
    cond = G.Var("c", G.PrimStructInfo("bool"))
    branch = G.SeqExpr((), x)
    with pytest.raises(LoomError, match="nested If"):
        script(G.Tuple((G.If(cond, branch, branch),)))
    with pytest.raises(LoomError, match="nested SeqExpr"):
        script(R.exp(branch))
    with pytest.raises(LoomError, match="only a callee"):
        script(G.Tuple((registry.Op.get("add"),)))
