"""Calls in graph functions: registered ops (R.<path>), builtins (call_dps and its spellings,
call_packed), values (R.shape, R.prim_value, R.str, R.const, R.ExternFunc) and closures."""

import numpy as np
import pytest

from loom.ir import ParseError, assert_structural_equal, dtype, tir
from loom.ir import graph as G
from loom.ir.graph import registry
from loom.script import from_source
from loom.script import relax as R

HEADER = '@R.function\ndef f(x: R.Tensor(("n", 4), "float32"), y: R.Tensor((4, 3), "float32")):\n'


def parse(body, header=HEADER):
    return from_source(header + "".join(f"    {line}\n" for line in body.splitlines()))


def error_of(body):
    with pytest.raises(ParseError) as info:
        parse(body)
    return info.value


def values(func):
    return [b.value for block in func.body.blocks for b in block.bindings]


def test_op_calls_with_keyword_and_positional_attributes():
    func = parse(
        "a = R.sum(x, axis=[1], keepdims=True)\n"
        "b = R.sum(x, (0,), False)\n"
        "c = R.astype(x, dtype=T.float16)\n"
        'd = R.astype(x, "int8")\n'
        "e = R.permute_dims(x, axes=[1, 0])\n"
        "g = R.nn.softmax(x, axis=0)\n"
        "return (a, b, c, d, e, g)"
    )
    a, b, c, d, e, g = values(func)
    assert a.op is G.Op.get("sum")
    assert dict(a.attrs) == {"axis": (1,), "keepdims": True}
    assert dict(b.attrs) == {"axis": (0,), "keepdims": False}
    assert c.attrs["dtype"] == dtype("float16")
    assert d.struct_info.dtype == dtype("int8")
    assert e.attrs["axes"] == (1, 0)
    assert g.op.name == "nn.softmax"
    assert a.span.line == 3


def test_a_lone_int_for_a_tuple_attribute():
    func = parse("a = R.sum(x, axis=1)\nreturn a")
    (a,) = values(func)
    assert a.attrs["axis"] == (1,)


def test_shape_operands():
    func = parse(
        "a = R.reshape(x, (n, 2, 2))\nb = R.reshape(x, R.shape([2, n * 2]))\nreturn (a, b)"
    )
    a, b = values(func)
    assert isinstance(a.args[1], G.ShapeExpr)
    assert str(a.args[1].values[2].dtype) == "int64"
    assert a.struct_info.ndim == 3
    assert isinstance(b.args[1], G.ShapeExpr)


def test_every_registered_op_is_in_the_namespace():
    for name in G.registered_ops():
        if name == "call_dps":
            continue  # R.call_dps is the construct with its own syntax, checked below
        target = R
        for part in name.split("."):
            target = getattr(target, part)
        assert isinstance(target, R.OpRef)
        assert target.name == name


def test_ops_registered_later_appear(monkeypatch):
    monkeypatch.setattr(registry, "_OPS", dict(registry._OPS))
    G.register_op(
        "testing.twice",
        infer=lambda call, ctx: call.args[0].struct_info,
        num_args=1,
        attrs_schema={"factor": G.attr(int, default=2)},
    )
    func = parse("a = R.testing.twice(x, 3)\nreturn a")
    (a,) = values(func)
    assert a.op.name == "testing.twice"
    assert a.attrs["factor"] == 3


def test_op_called_from_python_builds_the_same_call():
    x = G.Var("x", G.TensorStructInfo((4,), "float32"))
    call = R.sum(x, [0], keepdims=True)
    assert call.op.name == "sum"
    assert dict(call.attrs) == {"axis": (0,), "keepdims": True}
    assert call.struct_info is None  # normalized when emitted


def test_call_dps_forms():
    text = """
    @I.ir_module
    class Module:
        @T.prim_func
        def mm(X: T.Buffer((8, 4), "float32"), W: T.Buffer((4, 3), "float32"),
               Y: T.Buffer((8, 3), "float32")):
            for i, j, k in T.grid(8, 3, 4):
                with T.block("Y"):
                    vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                    with T.init():
                        Y[vi, vj] = T.float32(0)
                    Y[vi, vj] += X[vi, vk] * W[vk, vj]

        @R.function
        def main(x: R.Tensor((8, 4), "float32"), w: R.Tensor((4, 3), "float32")):
            cls = Module
            a = R.call_dps(cls.mm, (x, w), out_sinfo=R.Tensor((8, 3), "float32"))
            b = R.call_tir(mm, [x, w], R.Tensor((8, 3), "float32"))
            c = R.call_dps((8, 3), mm, [x, w])
            d = R.call_dps_packed("ext.mm", (x, w), out_sinfo=R.Tensor((8, 3), "float32"))
            e = R.call_dps("ext.split", (x,), out_sinfo=[R.Tensor((8, 2)), R.Tensor((8, 2))])
            return (a, b, c, d, e)
    """
    module = from_source(text)
    a, b, c, d, e = values(module["main"])
    for call in (a, b, c):
        assert call.op is G.Op.get("call_dps")
        assert call.args[0] is module.global_var("mm")
        assert_structural_equal(call.sinfo_args, a.sinfo_args)
        assert_structural_equal(call.struct_info, a.struct_info)
    assert c.sinfo_args[0].dtype == dtype("float32")  # the seed form reads the output buffer
    assert isinstance(d.args[0], G.ExternFunc)
    assert d.args[0].global_symbol == "ext.mm"
    assert isinstance(e.struct_info, G.TupleStructInfo)
    assert len(e.struct_info.fields) == 2
    assert module["main"].is_pure


def test_call_dps_with_tir_vars_and_extern_callee_value():
    func = parse(
        'a = R.call_dps(R.ExternFunc("ext.f"), (x,), out_sinfo=R.Tensor((n,), "float32"), '
        "tir_vars=R.shape([n]))\n"
        "return a"
    )
    (a,) = values(func)
    assert isinstance(a.args[0], G.ExternFunc)
    assert isinstance(a.args[2], G.ShapeExpr)


def test_call_packed_sinfo_args():
    func = parse(
        'a = R.call_packed("f", x)\n'
        'b = R.call_packed("f", x, "mode", sinfo_args=R.Tensor((n, 4), "float32"))\n'
        'c = R.call_packed("f", sinfo_args=(R.Shape, R.Object))\n'
        'd = R.call_packed("f", sinfo_args=R.Tuple(R.Shape, R.Object))\n'
        'e = R.call_packed("f", sinfo_args=())\n'
        "return (a, b, c, d, e)"
    )
    a, b, c, d, e = values(func)
    assert isinstance(a.sinfo_args[0], G.ObjectStructInfo)
    assert isinstance(a.op, G.ExternFunc)
    assert a.op.global_symbol == "f"
    assert isinstance(b.args[1], G.StringImm)
    assert b.struct_info.values[1].value == 4
    assert len(c.sinfo_args) == 2
    assert len(d.sinfo_args) == 1
    assert isinstance(d.sinfo_args[0], G.TupleStructInfo)
    assert e.sinfo_args == ()
    assert not func.is_pure


def test_value_constructs():
    func = parse(
        "a = R.shape([n, 4])\n"
        "b = R.prim_value(n * 2)\n"
        "c = R.prim_value(3)\n"
        'd = R.str("text")\n'
        'e = R.ExternFunc("ext.g")\n'
        'f = R.const([[1, 2], [3, 4]], "int32")\n'
        "g = R.const(1.5)\n"
        "h = R.const(T.int64(7))\n"
        "return (a, b, c, d, e, f, g, h)"
    )
    a, b, c, d, e, f, g, h = values(func)
    assert isinstance(a, G.ShapeExpr)
    assert [str(v.dtype) for v in a.values] == ["int64", "int64"]
    assert isinstance(b.value, tir.Mul)
    assert (c.value.value, str(c.value.dtype)) == (3, "int32")  # a literal, as in T
    assert d.value == "text"
    assert e.global_symbol == "ext.g"
    np.testing.assert_array_equal(f.data, np.array([[1, 2], [3, 4]], "int32"))
    assert g.data.dtype == np.float32
    assert g.data.shape == ()
    assert h.data.dtype == np.int64


def test_constants_from_python_values_and_metadata():
    weights = np.arange(6, dtype="float32").reshape(2, 3)
    func = from_source(
        '@R.function\ndef f(x: R.Tensor((3, 2), "float32")):\n'
        "    y = R.matmul(x, weights)\n    z = R.add(y, table['constants'][0])\n    return z\n",
        {"weights": weights, "table": {"constants": [np.ones((3, 3), "float32")]}},
    )
    matmul, add = values(func)
    assert isinstance(matmul.args[1], G.Constant)
    np.testing.assert_array_equal(matmul.args[1].data, weights)
    assert add.args[1].data.shape == (3, 3)


def test_closure_call():
    func = parse(
        "a = g(x)\nreturn a",
        header=(
            "@R.function\n"
            'def f(x: R.Tensor(("n", 4), "float32"), g: R.Callable((R.Tensor,), R.Shape)):\n'
        ),
    )
    (a,) = values(func)
    assert a.op is func.params[1]
    assert isinstance(a.struct_info, G.ShapeStructInfo)


def test_op_arity_and_attribute_errors_come_from_the_registry():
    err = error_of("a = R.add(x)\nreturn a")
    assert err.message == "R.add takes 2 arguments, got 1"
    assert (err.line, err.col) == (3, 9)
    err = error_of("a = R.add(x, y, x)\nreturn a")
    assert err.message == "R.add takes 2 arguments, got 3"
    err = error_of("a = R.matmul(x, y, scale=2)\nreturn a")
    assert err.message == "R.matmul has no attribute 'scale' (it takes: out_dtype)"
    assert (err.line, err.col) == (3, 9)
    err = error_of("a = R.sum(x, axis='rows')\nreturn a")
    assert err.message == "attribute 'axis' of R.sum must be tuple or NoneType, not 'rows'"


def test_struct_info_errors_come_from_inference():
    err = error_of("a = R.matmul(y, y)\nreturn a")
    assert err.message == (
        "matmul inner sizes differ: 3 (last of the left operand) vs 4 (second-to-last of the "
        "right operand)"
    )
    assert (err.line, err.col) == (3, 9)
    err = error_of("a = R.add(x, y)\nreturn a")
    assert err.message == "cannot broadcast size 4 with size 3 (axis 1 of the result)"
    assert (err.line, err.col) == (3, 9)
    err = error_of("a = R.reshape(y, (5, 2))\nreturn a")
    assert err.message == "cannot reshape (4, 3) (12 elements) to (5, 2) (10 elements)"
    assert (err.line, err.col) == (3, 9)


def test_call_dps_errors():
    err = error_of("a = R.call_tir('ext.f', (x,), out_sinfo=R.Tensor((4,)))\nreturn a")
    assert err.message.startswith("R.call_tir calls a prim_func of the module (cls.f)")
    assert (err.line, err.col) == (3, 20)
    err = error_of("a = R.call_dps('ext.f', (x,))\nreturn a")
    assert err.message == "R.call_dps needs out_sinfo, the struct info of its outputs"
    assert (err.line, err.col) == (3, 9)
    err = error_of("a = R.call_dps(x, (x,), out_sinfo=R.Tensor)\nreturn a")
    assert err.message == (
        "R.call_dps calls a prim_func (cls.f) or an external function (a string), not a Var"
    )
    assert (err.line, err.col) == (3, 20)
