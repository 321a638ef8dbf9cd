"""Graph functions print with the R dialect's signature, header lines, blocks and bindings."""

import numpy as np
import pytest

from loom.ir import GlobalVar, IRModule, LoomError, Map, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.script.printer import script

n = tir.Var("n", "int64")
m = tir.Var("m", "int64")


def tensor(*shape, dt="float32"):
    return G.TensorStructInfo(shape, dt)


def function(params, blocks, result, **kw):
    return G.Function(tuple(params), G.SeqExpr(tuple(blocks), result), **kw)


RT = "from loom.script import relax as R\nfrom loom.script import tir as T\n"


def text(func, header="from loom.script import relax as R\n"):
    out = script(func)
    assert out.startswith(header + "\n\n")
    compile(out, "<printed>", "exec")
    return out[len(header) + 2 :]


def test_lone_function_header_name_and_return_annotation():
    x = G.Var("x", tensor(4))
    f = function([x], [], x)
    assert text(f) == (
        "@R.function\n"
        'def main(x: R.Tensor((4,), dtype="float32")) -> R.Tensor((4,), dtype="float32"):\n'
        "    return x\n"
    )
    named = f.with_attr("global_symbol", "kernel")
    assert text(named).splitlines()[1].startswith("def kernel(")
    assert '    R.func_attr({"global_symbol": "kernel"})' in text(named)


def test_signature_sizes_are_strings_and_declared_in_first_appearance_order():
    x, w = G.Var("x", tensor(n, 4)), G.Var("w", tensor(4, m))
    y = G.Var("y", tensor(n * m))
    f = function([x, w], [G.BindingBlock((G.VarBinding(y, R.flatten(R.matmul(x, w))),))], y)
    assert text(f, RT) == (
        "@R.function\n"
        'def main(x: R.Tensor(("n", 4), dtype="float32"), w: R.Tensor((4, "m"), '
        'dtype="float32")) -> R.Tensor(("n * m",), dtype="float32"):\n'
        "    n = T.int64()\n"
        "    m = T.int64()\n"
        '    y: R.Tensor((n * m,), dtype="float32") = R.flatten(R.matmul(x, w, out_dtype=None))\n'
        "    return y\n"
    )


def test_signature_prim_values_and_constants():
    k = tir.Var("k", "int32")
    p = G.Var("p", G.PrimStructInfo(value=k))
    q = G.Var("q", G.PrimStructInfo(value=tir.const(3, "int64")))
    s = G.Var("s", G.ShapeStructInfo((n + 1, 2)))
    f = function([p, q, s], [], p)
    assert text(f, RT) == (
        "@R.function\n"
        'def main(p: R.Prim(value="k"), q: R.Prim(value=T.int64(3)), '
        's: R.Shape(["n + T.int64(1)", 2])) -> R.Prim(value="k"):\n'
        "    k = T.int32()\n"
        "    n = T.int64()\n"
        "    return p\n"
    )


def test_header_order_decls_then_attrs_then_module_alias():
    x = G.Var("x", tensor(n))
    y = G.Var("y", tensor(n))
    call = G.Call(GlobalVar("helper"), (x,))
    attrs = {"global_symbol": "f", "size": n, "private": True}
    f = function([x], [G.BindingBlock((G.VarBinding(y, call),))], y, attrs=Map(attrs))
    assert text(f, RT) == (
        "@R.function(private=True, pure=True)\n"
        'def f(x: R.Tensor(("n",), dtype="float32")) -> R.Tensor(("n",), dtype="float32"):\n'
        "    n = T.int64()\n"
        '    R.func_attr({"global_symbol": "f", "size": n})\n'
        "    cls = Module\n"
        '    y: R.Tensor((n,), dtype="float32") = cls.helper(x)\n'
        "    return y\n"
    )


def test_private_moves_to_the_decorator_only_as_the_last_attribute():
    x = G.Var("x", tensor(2))
    last = function([x], [], x, attrs=Map({"a": 1, "private": True}))
    assert text(last).splitlines()[0] == "@R.function(private=True)"
    assert '    R.func_attr({"a": 1})' in text(last)
    first = function([x], [], x, attrs=Map({"private": True, "a": 1}))
    assert text(first).splitlines()[0] == "@R.function"
    assert '    R.func_attr({"private": True, "a": 1})' in text(first)


def test_private_false_stays_an_attribute():
    x = G.Var("x", tensor(2))
    f = function([x], [], x, attrs=Map({"private": False}))
    assert text(f).splitlines()[:3] == [
        "@R.function",
        'def main(x: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):',
        '    R.func_attr({"private": False})',
    ]


def test_purity_keyword():
    x = G.Var("x", tensor(2))
    gv = G.Var("gv", G.ObjectStructInfo())
    packed = G.BindingBlock((G.VarBinding(gv, R.call_packed("log", x)),))
    impure = function([x], [packed], x, is_pure=False)
    assert text(impure).startswith("@R.function(pure=False)\n")
    # Pure despite an impure-looking call: said explicitly, since the parser would infer impure.
    forced = function([x], [packed], x, is_pure=True)
    assert text(forced).startswith("@R.function(pure=True)\n")
    pure_ops = function([x], [G.BindingBlock((G.VarBinding(gv, R.exp(x)),))], x)
    assert text(pure_ops).startswith("@R.function\n")
    quiet_impure = function([x], [], x, is_pure=False)
    assert text(quiet_impure).startswith("@R.function(pure=False)\n")


def test_purity_of_module_functions_comes_from_the_module():
    x = G.Var("x", tensor(2))
    y = G.Var("y", tensor(2))
    call = G.BindingBlock((G.VarBinding(y, G.Call(GlobalVar("callee"), (x,))),))
    cases = [(True, "    @R.function\n"), (False, "    @R.function(pure=True)\n")]
    for callee_pure, decorator in cases:
        x2 = G.Var("x", tensor(2))
        callee = function([x2], [], x2, is_pure=callee_pure)
        mod = IRModule.from_functions({"callee": callee, "caller": function([x], [call], y)})
        assert script(mod).split("def callee")[1].count(decorator) == 1


def test_dataflow_block_outputs_and_plain_blocks():
    x = G.Var("x", tensor(4))
    lv = G.DataflowVar("lv", tensor(4))
    gv, gv2 = G.Var("gv", tensor(4)), G.Var("gv", tensor(4))
    out = G.Var("out", tensor(4))
    flow = [
        G.VarBinding(lv, R.exp(x)),
        G.VarBinding(gv, R.relu(lv)),
        G.VarBinding(gv2, R.add(lv, gv)),
    ]
    blocks = [
        G.DataflowBlock(flow),
        G.BindingBlock((G.VarBinding(out, R.negative(gv2)),)),
        G.BindingBlock(()),
        G.DataflowBlock(()),
    ]
    assert text(function([x], blocks, out)).splitlines()[2:] == [
        "    with R.dataflow():",
        '        lv: R.Tensor((4,), dtype="float32") = R.exp(x)',
        '        gv: R.Tensor((4,), dtype="float32") = R.nn.relu(lv)',
        '        gv_1: R.Tensor((4,), dtype="float32") = R.add(lv, gv)',
        "        R.output(gv, gv_1)",
        '    out: R.Tensor((4,), dtype="float32") = R.negative(gv_1)',
        "    with R.dataflow():",
        "        R.output()",
        "    return out",
    ]


def test_match_cast_declares_its_new_sizes_in_the_header():
    x = G.Var("x", G.TensorStructInfo(ndim=2, dtype="float32"))
    k = tir.Var("k", "int64")
    pattern = tensor(n, k)
    y = G.Var("y", pattern)
    z = G.Var("z", tensor(n * k))
    blocks = [G.BindingBlock((G.MatchCast(y, x, pattern), G.VarBinding(z, R.flatten(y))))]
    f = function([x], blocks, z, ret_struct_info=G.TensorStructInfo(ndim=1, dtype="float32"))
    assert text(f, RT) == (
        "@R.function\n"
        'def main(x: R.Tensor(dtype="float32", ndim=2)) -> R.Tensor(dtype="float32", ndim=1):\n'
        "    n = T.int64()\n"
        "    k = T.int64()\n"
        '    y = R.match_cast(x, R.Tensor((n, k), dtype="float32"))\n'
        '    z: R.Tensor((n * k,), dtype="float32") = R.flatten(y)\n'
        "    return z\n"
    )


def test_if_binds_its_variable_at_the_end_of_each_branch():
    c = G.Var("c", G.PrimStructInfo("bool"))
    x = G.Var("x", tensor(2))
    a, b = G.Var("a", tensor(2)), G.Var("b", tensor(2))
    then = G.SeqExpr((G.BindingBlock((G.VarBinding(a, R.exp(x)),)),), a)
    orelse = G.SeqExpr((G.BindingBlock((G.VarBinding(b, R.negative(x)),)),), b)
    z = G.Var("z", tensor(2))
    w = G.Var("w", tensor(2))
    ifs = G.If(c, then, orelse)
    empty = G.If(c, G.SeqExpr((), x), G.SeqExpr((), G.Tuple((x,))))
    blocks = [G.BindingBlock((G.VarBinding(z, ifs), G.VarBinding(w, empty)))]
    f = function([c, x], blocks, z)
    assert text(f).splitlines()[2:] == [
        "    if c:",
        '        a: R.Tensor((2,), dtype="float32") = R.exp(x)',
        '        z: R.Tensor((2,), dtype="float32") = a',
        "    else:",
        '        b: R.Tensor((2,), dtype="float32") = R.negative(x)',
        '        z: R.Tensor((2,), dtype="float32") = b',
        "    if c:",
        '        w: R.Tensor((2,), dtype="float32") = x',
        "    else:",
        '        w: R.Tensor((2,), dtype="float32") = (x,)',
        "    return z",
    ]


def test_names_are_unique_across_graph_vars_and_sizes():
    size = tir.Var("x", "int64")
    x = G.Var("x", tensor(size))
    cls = G.Var("cls", tensor(size))
    meta = G.Var("metadata", tensor(size))
    t = G.Var("T", tensor(size))
    empty = G.Var("", tensor(size))
    bad = G.Var("1 bad-name", tensor(size))
    f = function([x, cls, meta, t, empty, bad], [], x)
    assert text(f, RT).splitlines()[1] == (
        'def main(x: R.Tensor(("x_1",), dtype="float32"), cls_1: R.Tensor(("x_1",), '
        'dtype="float32"), metadata_1: R.Tensor(("x_1",), dtype="float32"), T_1: '
        'R.Tensor(("x_1",), dtype="float32"), v: R.Tensor(("x_1",), dtype="float32"), '
        '_1_bad_name: R.Tensor(("x_1",), dtype="float32")) -> R.Tensor(("x_1",), '
        'dtype="float32"):'
    )


def test_printing_is_deterministic():
    x = G.Var("x", tensor(n))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            lv = bb.emit(R.add(x, G.Constant(np.arange(32, dtype="float32").reshape(32)[:1])))
            gv = bb.emit_output(R.exp(lv))
        bb.emit_func_output(gv)
    mod = bb.get()
    assert script(mod) == script(mod)
    assert script(mod["main"]) == script(mod["main"])


def one_binding(x, binding):
    return function([x], [G.BindingBlock((binding,))], x)


def closure(x):
    return function([], [], x)


def if_result(x):
    return G.If(G.PrimValue(tir.const(True)), G.SeqExpr((), x), G.SeqExpr((), x))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda x: function([G.DataflowVar("d", tensor(2))], [], x), "'d' as a parameter"),
        (lambda x: function([x, x], [], x), "lists param 'x' twice"),
        (lambda x: function([x], [], G.Var("ghost", tensor(2))), "'ghost': nothing binds it"),
        (
            lambda x: one_binding(x, G.VarBinding(G.DataflowVar("d", tensor(2)), x)),
            "bound outside a dataflow block",
        ),
        (
            lambda x: one_binding(x, G.MatchCast(G.Var("y", tensor(3)), x, tensor(2))),
            "differs from the pattern",
        ),
        (lambda x: function([x], [], if_result(x)), "nested If"),
        (
            lambda x: one_binding(x, G.VarBinding(G.Var("g", G.ObjectStructInfo()), closure(x))),
            "nested Function",
        ),
    ],
)
def test_functions_without_a_script_form_raise(build, message):
    with pytest.raises(LoomError, match=message):
        script(build(G.Var("x", tensor(2))))
