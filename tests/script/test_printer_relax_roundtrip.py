"""The round-trip contract for graph functions: modules built with BlockBuilder and node
constructors print, parse back structurally equal, and print the same text again; the printed
file also runs as Python and rebuilds the module."""

import runpy
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import loom.script
from loom.ir import GlobalVar, IRModule, Map, assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.tir import te
from loom.script import from_source
from loom.script.printer import script

n = tir.Var("n", "int64")
m = tir.Var("m", "int64")


def tensor(*shape, dt="float32"):
    return G.TensorStructInfo(shape, dt)


def add_one(a):
    return te.compute(a.shape, lambda *i: a[i] + tir.const(1.0, "float32"), name="B")


def mlp():
    x = G.Var("x", tensor(n, 16))
    w1, w2 = G.Var("w1", tensor(16, 32)), G.Var("w2", tensor(32, 4))
    bb = G.BlockBuilder()
    with bb.function("mlp", [x, w1, w2]):
        with bb.dataflow():
            h = bb.emit(R.relu(R.matmul(x, w1)), "h")
            out = bb.emit_output(R.matmul(h, w2), "out")
        bb.emit_func_output(out)
    return bb.get()


def prim_func_and_call_packed():
    x, w = G.Var("x", tensor(n, m)), G.Var("w", tensor(n, m))
    bb = G.BlockBuilder()
    with bb.function("main", [x, w]):
        with bb.dataflow():
            y = bb.emit(bb.emit_te(add_one, x), "y")
            z = bb.emit_output(R.flatten(R.add(y, w)), "z")
        bb.emit(R.call_packed("my_update", z, G.StringImm("tag")), "_")
        bb.emit_func_output(z)
    return bb.get()


def widen(a, size):
    return te.compute((size + 1,), lambda i: a[i], name="W")


def call_dps_forms():
    x, y = G.Var("x", tensor(n)), G.Var("y", tensor(n * 2))
    bb = G.BlockBuilder()
    with bb.function("main", [x, y]):
        a = bb.emit(bb.emit_te(widen, y, n))  # n reaches the prim_func through tir_vars
        pair = G.TupleStructInfo((tensor(n), tensor(2, 2, dt="int32")))
        b = bb.emit(R.call_dps("ext.split", (x,), pair))
        c = bb.emit(R.call_dps(G.ExternFunc("ext.one"), (), G.TupleStructInfo((tensor(n),))))
        bb.emit_func_output(G.Tuple((a, b, c)))
    return bb.get()


def control_flow():
    c = G.Var("c", G.PrimStructInfo("bool"))
    x = G.Var("x", tensor(n))
    a, b = G.Var("a", tensor(n)), G.Var("b", tensor(n))
    then = G.SeqExpr((G.BindingBlock((G.VarBinding(a, R.exp(x)),)),), a)
    orelse = G.SeqExpr((G.BindingBlock((G.VarBinding(b, R.negative(x)),)),), b)
    bb = G.BlockBuilder()
    with bb.function("main", [c, x]):
        z = bb.emit(G.If(c, then, orelse), "z")
        w = bb.emit(G.If(c, G.SeqExpr((), z), G.SeqExpr((), x)), "w")
        bb.emit_func_output(w)
    return bb.get()


def match_cast_and_values():
    x = G.Var("x", G.TensorStructInfo(ndim=2, dtype="float32"))
    k, j = tir.Var("k", "int64"), tir.Var("j", "int64")
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            y = bb.match_cast(x, tensor(k, j), "y")
            flat = bb.emit(R.flatten(y), "flat")
            pair = bb.emit(G.Tuple((flat, R.shape_of(y))), "pair")
            first = bb.emit(G.TupleGetItem(pair, 0), "first")
            size = bb.emit_output(G.Tuple((first, G.PrimValue(k * j), G.ShapeExpr((k, 4)))))
        bb.emit_func_output(size)
    return bb.get()


def constants():
    x = G.Var("x", tensor(4, 8))
    weights = G.Constant(np.arange(32, dtype="float32").reshape(8, 4))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        y = bb.emit(R.matmul(x, weights))
        y = bb.emit(R.add(y, G.Constant(np.array([0.1, -2.5, 3e20, 0.0], "float32"))))
        y = bb.emit(R.multiply(y, G.Constant(np.array(2.0, "float32"))))
        square = G.Constant(np.linspace(0, 1, 16, dtype="float32").reshape(4, 4))
        y = bb.emit(R.add(y, square))
        flags = G.Constant(np.array([[True, False]] * 9))
        halves = G.Constant(np.ones((3, 3, 3), ml_dtypes.bfloat16))
        nan = G.Constant(np.array([np.nan, -np.inf], "float64"))
        ints = G.Constant(np.array([-3, 2**62], "int64"))
        out = G.Tuple((R.matmul(y, square), flags, halves, nan, ints, weights))
        bb.emit_func_output(bb.emit(out))
    return bb.get()


def names_and_functions():
    size = tir.Var("x", "int64")
    x = G.Var("x", tensor(size))
    cls = G.Var("cls", tensor(size))
    bb = G.BlockBuilder()
    with bb.function("helper", [x, cls], private=True, attrs={"k": 3, "flag": True}):
        bb.emit_func_output(bb.emit(R.add(x, cls), ""))
    fixed = G.Var("x", tensor(4))
    with bb.function("fixed", [fixed]):
        bb.emit_func_output(bb.emit(R.exp(fixed), "x"))
    size = tir.Var("x", "int64")  # a module's functions never share binders
    a = G.Var("T", tensor(size))
    f = G.Var("f", G.FuncStructInfo((tensor(4),), tensor(size)))
    four = G.Var("y", tensor(4))
    with bb.function("main", [a, f, four], attrs={"size": size}):
        b = bb.emit(G.Call(GlobalVar("fixed"), (four,)), "T")
        c = bb.emit(G.Call(f, (b,)), "x")
        bb.emit_func_output(bb.emit(R.add(c, a), "x"))
    return bb.get()


def struct_info_forms():
    anything = G.Var("o", G.ObjectStructInfo())
    unknown = G.Var("u", G.TensorStructInfo())
    p = G.Var("p", G.PrimStructInfo("int64"))
    q = G.Var("q", G.PrimStructInfo(value=n))
    t = G.Var("t", G.TupleStructInfo((G.ShapeStructInfo(), G.TupleStructInfo(()))))
    g = G.Var("g", G.FuncStructInfo.opaque(G.TensorStructInfo(ndim=1)))
    bb = G.BlockBuilder()
    with bb.function("main", [anything, unknown, p, q, t, g], pure=False):
        bb.emit_func_output(G.Tuple((anything, unknown, p, q, t)))
    return bb.get()


def shape_var_params():
    """A tensor whose shape is another parameter (Python cannot evaluate that annotation)."""
    s = G.Var("s", G.ShapeStructInfo(ndim=2))
    x = G.Var("x", G.TensorStructInfo(s, "float32"))
    bb = G.BlockBuilder()
    with bb.function("main", [s, x]):
        y = bb.match_cast(x, G.TensorStructInfo(s, "float32", ndim=2), "y")
        bb.emit_func_output(bb.emit(R.exp(y)))
    return bb.get()


MODULES = {
    "mlp": mlp,
    "prim_func_and_call_packed": prim_func_and_call_packed,
    "call_dps_forms": call_dps_forms,
    "control_flow": control_flow,
    "match_cast_and_values": match_cast_and_values,
    "constants": constants,
    "names_and_functions": names_and_functions,
    "struct_info_forms": struct_info_forms,
    "shape_var_params": shape_var_params,
}
# The printed file runs as Python (annotations evaluated eagerly) for these.
RUNNABLE = [name for name in MODULES if name != "shape_var_params"]


@pytest.fixture(params=list(MODULES), name="module")
def module_fixture(request):
    return MODULES[request.param]()


def test_module_round_trips(module):
    text = script(module)
    parsed = from_source(text)
    assert_structural_equal(parsed, module)
    assert script(parsed) == text


def test_lone_graph_functions_round_trip(module):
    for func in module.functions.values():
        if not isinstance(func, G.Function) or "cls = Module" in script(func):
            continue
        text = script(func)
        parsed = from_source(text)
        assert_structural_equal(parsed, func)
        assert script(parsed) == text


@pytest.mark.parametrize("name", RUNNABLE)
def test_printed_file_runs_as_python(name, tmp_path):
    module = MODULES[name]()
    path = tmp_path / "printed_module.py"
    path.write_text(script(module))
    built = runpy.run_path(str(path))["Module"]
    assert isinstance(built, IRModule)
    assert_structural_equal(built, module)


def test_attrs_and_names_survive():
    parsed = from_source(script(names_and_functions()))
    helper = parsed["helper"]
    assert helper.attrs == Map({"k": 3, "flag": True})
    assert [p.name_hint for p in helper.params] == ["x", "cls_1"]


def _format_example() -> str:
    """The module example of FORMAT.md's R dialect section, with a real ``mm`` prim_func."""
    spec = (Path(loom.script.__file__).parent / "FORMAT.md").read_text()
    section = spec[spec.index("# The R dialect") :]
    start = section.index("```python\n") + len("```python\n")
    example = section[start : section.index("\n```", start)] + "\n"
    n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
    x, w = te.placeholder((n, 4), name="X"), te.placeholder((4, m), name="W")
    k = te.reduce_axis(4, "k")
    y = te.compute((n, m), lambda i, j: te.sum(x[i, k] * w[k, j], axis=k), name="Y")
    mm = te.create_prim_func([x, w, y], name="mm")
    printed = script(IRModule.from_functions({"mm": mm})).split("class Module:\n")[1]
    stub = "    @T.prim_func\n    def mm(...): ...\n"
    assert stub in example
    return example.replace(stub, printed)


def test_the_format_example_is_what_the_printer_writes():
    text = _format_example()
    assert script(from_source(text)) == text


def _lone(params, blocks, result, **kw):
    return G.Function(tuple(params), G.SeqExpr(tuple(blocks), result), **kw)


def _int32_prim_param():
    p = G.Var("p", G.PrimStructInfo(value=tir.Var("k", "int32")))
    return _lone([p], [], p)


def _forced_pure():
    x, gv = G.Var("x", tensor(4)), G.Var("gv", G.ObjectStructInfo())
    block = G.BindingBlock((G.VarBinding(gv, R.call_packed("log", x)),))
    return _lone([x], [block], x, is_pure=True)


def _empty_dataflow():
    x = G.Var("x", tensor(4))
    return _lone([x], [G.DataflowBlock(())], x)


def _private_attrs():
    x = G.Var("x", tensor(4))
    return _lone([x], [], x, attrs=Map({"a": 1, "private": True}))


def _private_first():
    x = G.Var("x", tensor(4))
    return _lone([x], [], x, attrs=Map({"private": True, "a": 1}))


def _unknown_kinds():
    q = G.Var("q", G.PrimStructInfo())
    s = G.Var("s", G.ShapeStructInfo())
    x = G.Var("x", G.TensorStructInfo(s, "float32", ndim=2))
    size = G.Var("size", G.PrimStructInfo(value=m))  # defines m
    r = G.Var("r", G.PrimStructInfo(value=m + 1))
    return _lone([q, s, x, size, r], [], G.Tuple((q, x, r)))


def _size_var_param():
    y = G.Var("y", tensor(tir.SizeVar("n", "int64")))
    return _lone([y], [], y)


def _scalar_values():
    b = G.Var("b", tensor(4))
    fields = (
        G.PrimValue(tir.const(True)),
        G.PrimValue(tir.FloatImm("float32", 0.5)),
        G.PrimValue(tir.IntImm("int32", -3)),
        G.StringImm('s\n"é'),
        G.ExternFunc("ext.f"),
    )
    value = G.Tuple(fields)
    v = G.Var("v", value.struct_info)
    return _lone([b], [G.BindingBlock((G.VarBinding(v, value),))], v)


@pytest.mark.parametrize(
    "build",
    [
        _int32_prim_param,
        _forced_pure,
        _empty_dataflow,
        _private_attrs,
        _private_first,
        _unknown_kinds,
        _size_var_param,
        _scalar_values,
    ],
)
def test_edge_functions_round_trip(build):
    func = build()
    text = script(func)
    parsed = from_source(text)
    assert_structural_equal(parsed, func)
    assert script(parsed) == text
