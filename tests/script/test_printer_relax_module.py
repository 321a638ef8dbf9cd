"""Whole modules of graph functions and prim_funcs print as one file (FORMAT.md, R dialect)."""

import re

import numpy as np

from loom.ir import GlobalVar, IRModule, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.tir import te
from loom.script.metadata import decode_constants
from loom.script.printer import script

n = tir.Var("n", "int64")
HEADER = (
    "from loom.script import ir as I\n"
    "from loom.script import relax as R\n"
    "from loom.script import tir as T\n"
    "\n\n"
)


def tensor(*shape, dt="float32"):
    return G.TensorStructInfo(shape, dt)


def mlp_module():
    x = G.Var("x", tensor(n, 16))
    w1, w2 = G.Var("w1", tensor(16, 32)), G.Var("w2", tensor(32, 4))
    bb = G.BlockBuilder()
    with bb.function("mlp", [x, w1, w2]):
        with bb.dataflow():
            h = bb.emit(R.relu(R.matmul(x, w1)), "h")
            out = bb.emit_output(R.matmul(h, w2), "out")
        bb.emit_func_output(out)
    return bb.get()


def test_mlp_with_dataflow():
    assert script(mlp_module()) == HEADER + (
        "@I.ir_module\n"
        "class Module:\n"
        "    @R.function\n"
        '    def mlp(x: R.Tensor(("n", 16), dtype="float32"), w1: R.Tensor((16, 32), '
        'dtype="float32"), w2: R.Tensor((32, 4), dtype="float32")) -> R.Tensor(("n", 4), '
        'dtype="float32"):\n'
        "        n = T.int64()\n"
        '        R.func_attr({"global_symbol": "mlp"})\n'
        "        with R.dataflow():\n"
        '            lv: R.Tensor((n, 32), dtype="float32") = R.matmul(x, w1, out_dtype=None)\n'
        '            h: R.Tensor((n, 32), dtype="float32") = R.nn.relu(lv)\n'
        '            out: R.Tensor((n, 4), dtype="float32") = R.matmul(h, w2, out_dtype=None)\n'
        "            R.output(out)\n"
        "        return out\n"
    )


def add_one(a):
    return te.compute(a.shape, lambda i: a[i] + tir.const(1.0, "float32"), name="B")


def test_prim_func_called_through_call_dps_with_call_packed():
    x = G.Var("x", tensor(n))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            y = bb.emit_output(bb.emit_te(add_one, x), "y")
        bb.emit(R.call_packed("my_update", y), "_")
        bb.emit_func_output(y)
    assert script(bb.get()) == HEADER + (
        "@I.ir_module\n"
        "class Module:\n"
        "    @T.prim_func\n"
        "    def add_one(var_x: T.handle, var_B: T.handle):\n"
        '        T.func_attr({"global_symbol": "add_one", "tir.noalias": True})\n'
        "        n = T.int64()\n"
        '        x = T.match_buffer(var_x, (n,), "float32")\n'
        '        B = T.match_buffer(var_B, (n,), "float32")\n'
        "        for i in range(n):\n"
        '            with T.block("B"):\n'
        '                v_i = T.axis.remap("S", [i])\n'
        "                T.reads(x[v_i])\n"
        "                T.writes(B[v_i])\n"
        "                B[v_i] = x[v_i] + T.float32(1.0)\n"
        "\n"
        "    @R.function(pure=False)\n"
        '    def main(x: R.Tensor(("n",), dtype="float32")) -> R.Tensor(("n",), dtype="float32"):\n'
        "        n = T.int64()\n"
        '        R.func_attr({"global_symbol": "main"})\n'
        "        cls = Module\n"
        "        with R.dataflow():\n"
        '            lv: R.Tensor((n,), dtype="float32") = R.call_dps(cls.add_one, (x,), '
        'out_sinfo=R.Tensor((n,), dtype="float32"))\n'
        '            y: R.Tensor((n,), dtype="float32") = lv\n'
        "            R.output(y)\n"
        '        _: R.Object = R.call_packed("my_update", y, sinfo_args=(R.Object,))\n'
        "        return y\n"
    )


def test_graph_functions_call_each_other_and_interleave_with_prim_funcs():
    x = G.Var("x", tensor(4))
    bb = G.BlockBuilder()
    with bb.function("inner", [x], private=True):
        bb.emit_func_output(bb.emit(R.exp(x)))
    x2 = G.Var("x", tensor(4))
    with bb.function("outer", [x2]):
        y = bb.emit(G.Call(GlobalVar("inner"), (x2,)))
        z = bb.emit_te(add_one, y)
        bb.emit_func_output(z)
    text = script(bb.get())
    assert [line for line in text.splitlines() if "def " in line or "@" in line] == [
        "@I.ir_module",
        "    @R.function",
        '    def inner(x: R.Tensor((4,), dtype="float32")) -> R.Tensor((4,), dtype="float32"):',
        "    @T.prim_func",
        '    def add_one(gv: T.Buffer((T.int64(4),), "float32"), '
        'B: T.Buffer((T.int64(4),), "float32")):',
        "    @R.function",
        '    def outer(x: R.Tensor((4,), dtype="float32")) -> R.Tensor((4,), dtype="float32"):',
    ]
    assert '        gv: R.Tensor((4,), dtype="float32") = cls.inner(x)\n' in text
    assert "R.call_dps(cls.add_one, (gv,), " in text


def test_tuples_shapes_prim_values_and_strings():
    x = G.Var("x", tensor(n, 4))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            pair = bb.emit(G.Tuple((x, R.exp(x))), "pair")
            second = bb.emit(G.TupleGetItem(pair, 1), "second")
            shape = bb.emit(R.shape_of(second), "shape")
            fields = (second, shape, G.PrimValue(n), G.StringImm("tag"))
            out = bb.emit_output(G.Tuple(fields), "out")
        bb.emit_func_output(out)
    lines = script(bb.get()).splitlines()
    assert lines[8] == (
        '    def main(x: R.Tensor(("n", 4), dtype="float32")) -> R.Tuple(R.Tensor(("n", 4), '
        'dtype="float32"), R.Shape(["n", 4]), R.Prim(value="n"), R.Object):'
    )
    assert lines[12:17] == [
        '            lv: R.Tensor((n, 4), dtype="float32") = R.exp(x)',
        '            pair: R.Tuple(R.Tensor((n, 4), dtype="float32"), R.Tensor((n, 4), '
        'dtype="float32")) = (x, lv)',
        '            second: R.Tensor((n, 4), dtype="float32") = pair[1]',
        "            shape: R.Shape([n, 4]) = R.shape_of(second)",
        '            out: R.Tuple(R.Tensor((n, 4), dtype="float32"), R.Shape([n, 4]), '
        'R.Prim(value=n), R.Object) = (second, shape, R.prim_value(n), R.str("tag"))',
    ]


def test_large_constants_share_one_metadata_table():
    x = G.Var("x", tensor(8, 8))
    w = G.Constant(np.arange(64, dtype="float32").reshape(8, 8))
    small = G.Constant(np.array(2.0, dtype="float32"))
    bb = G.BlockBuilder()
    with bb.function("f", [x]):
        y = bb.emit(R.add(R.matmul(x, w), w))
        bb.emit_func_output(bb.emit(R.multiply(y, small)))
    x2 = G.Var("x", tensor(17))
    with bb.function("g", [x2]):
        bb.emit_func_output(bb.emit(R.add(x2, G.Constant(np.zeros(17, "float32")))))
    text = script(bb.get())
    head, body = text.split("\n\n\n", 1)
    match = re.fullmatch(
        r"from loom\.script import ir as I\nfrom loom\.script import relax as R\n\n"
        r'metadata = I\.metadata\("([A-Za-z0-9+/=]+)"\)',
        head,
    )
    assert match is not None
    tables = decode_constants(match.group(1))
    assert list(tables) == ["constants"]
    arrays = tables["constants"]
    assert len(arrays) == 2  # w once (same node twice), then g's zeros
    assert arrays[0].dtype == np.float32
    assert np.array_equal(arrays[0], w.data)
    assert np.array_equal(arrays[1], np.zeros(17, "float32"))
    assert 'R.matmul(x, metadata["constants"][0], out_dtype=None)' in body
    assert 'R.add(gv, metadata["constants"][0])' in body
    assert 'R.multiply(gv_1, R.const(2.0, "float32"))' in body
    assert 'R.add(x, metadata["constants"][1])' in body


def test_lone_function_with_a_large_constant_carries_the_metadata_line():
    x = G.Var("x", tensor(20))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        bb.emit_func_output(bb.emit(R.add(x, G.Constant(np.ones(20, "float32")))))
    text = script(bb.get()["main"])
    assert text.startswith(
        "from loom.script import ir as I\nfrom loom.script import relax as R\n\n"
        'metadata = I.metadata("'
    )
    assert text.count("metadata = I.metadata(") == 1
    assert '    gv: R.Tensor((20,), dtype="float32") = R.add(x, metadata["constants"][0])\n' in text
    assert script(bb.get()["main"]) == text


def test_module_without_large_constants_has_no_metadata_line():
    assert "metadata" not in script(mlp_module())


def test_module_attrs_with_typed_constants_import_the_t_dialect():
    mod = IRModule(attrs={"k": tir.IntImm("int64", 1)})
    assert script(mod).startswith("from loom.script import ir as I\nfrom loom.script import tir")
