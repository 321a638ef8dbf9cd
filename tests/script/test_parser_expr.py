"""Parsing T expressions: literals, operators, dtype conversion, intrinsics and constructors."""

import math

import pytest

from loom.ir import DataType, assert_structural_equal, tir
from loom.ir.tir import FLOAT_UNARY, Op
from loom.script import from_source

PARAMS = "x: T.int32, y: T.int32, l: T.int64, f: T.float32, g: T.float32, h: T.float16, b: T.bool"


def parse(expression, params=PARAMS):
    """Parse `expression` as ``T.evaluate(expression)``; return it and the params by name."""
    func = from_source(f"@T.prim_func\ndef fn({params}):\n    T.evaluate({expression})\n")
    assert isinstance(func.body, tir.Evaluate)
    return func.body.value, {p.name_hint: p for p in func.params}


def imm(dtype, value):
    return tir.IntImm(dtype, value)


@pytest.mark.parametrize(
    ("text", "dtype", "value"),
    [
        ("5", "int32", 5),
        ("-3", "int32", -3),
        ("3000000000", "int64", 3000000000),
        ("True", "bool", 1),
        ("False", "bool", 0),
        ("T.int64(3)", "int64", 3),
        ("T.int64(-9223372036854775808)", "int64", -(2**63)),
        ("T.uint8(255)", "uint8", 255),
        ("T.int8(-3)", "int8", -3),
        ("T.uint64(7)", "uint64", 7),
        ("T.int16(1)", "int16", 1),
        ("T.bool(True)", "bool", 1),
        ("T.int32(True)", "int32", 1),
    ],
)
def test_integer_literals(text, dtype, value):
    e, _ = parse(text)
    assert isinstance(e, tir.IntImm)
    assert e.dtype == DataType.parse(dtype)
    assert e.value == value


@pytest.mark.parametrize(
    ("text", "dtype", "value"),
    [
        ("0.5", "float32", 0.5),
        ("-2.5", "float32", -2.5),
        ("T.float32(0)", "float32", 0.0),
        ("T.float16(0.5)", "float16", 0.5),
        ("T.bfloat16(2.0)", "bfloat16", 2.0),
        ("T.float64(0.1)", "float64", 0.1),
        ("T.float32(-0.0)", "float32", -0.0),
        ('T.float32("inf")', "float32", math.inf),
        ('T.float32("-inf")', "float32", -math.inf),
    ],
)
def test_float_literals(text, dtype, value):
    e, _ = parse(text)
    assert isinstance(e, tir.FloatImm)
    assert e.dtype == DataType.parse(dtype)
    assert e.value == value
    assert math.copysign(1, e.value) == math.copysign(1, value)


def test_nan_and_string_literals():
    e, _ = parse('T.float32("nan")')
    assert isinstance(e, tir.FloatImm)
    assert math.isnan(e.value)
    e, _ = parse('"text"')
    assert isinstance(e, tir.StringImm)
    assert e.value == "text"


def test_every_scalar_dtype_constructor():
    names = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
    for name in names:
        e, _ = parse(f"T.{name}(1)")
        assert isinstance(e, tir.IntImm)
        assert str(e.dtype) == name
    for name in ["float16", "float32", "float64", "bfloat16"]:
        e, _ = parse(f"T.{name}(1)")
        assert isinstance(e, tir.FloatImm)
        assert str(e.dtype) == name


def test_vector_dtype_constructor_broadcasts():
    e, _ = parse("T.float32x4(0)")
    assert isinstance(e, tir.Broadcast)
    assert e.lanes == 4
    assert e.value.dtype == DataType.parse("float32")


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("x + y", tir.Add),
        ("x - y", tir.Sub),
        ("x * y", tir.Mul),
        ("x / y", tir.Div),
        ("x // y", tir.FloorDiv),
        ("x % y", tir.FloorMod),
        ("T.truncmod(x, y)", tir.Mod),
        ("T.truncdiv(x, y)", tir.Div),
        ("T.floordiv(x, y)", tir.FloorDiv),
        ("T.floormod(x, y)", tir.FloorMod),
        ("T.min(x, y)", tir.Min),
        ("T.max(x, y)", tir.Max),
        ("x == y", tir.EQ),
        ("x != y", tir.NE),
        ("x < y", tir.LT),
        ("x <= y", tir.LE),
        ("x > y", tir.GT),
        ("x >= y", tir.GE),
    ],
)
def test_binary_operators(text, cls):
    e, v = parse(text)
    assert type(e) is cls
    assert e.a is v["x"]
    assert e.b is v["y"]


def test_literal_takes_the_dtype_of_the_typed_operand():
    e, v = parse("l + 1")
    assert_structural_equal(e, tir.Add(v["l"], imm("int64", 1)))
    e, v = parse("1 - l")
    assert_structural_equal(e, tir.Sub(imm("int64", 1), v["l"]))
    e, v = parse("f * 2")
    assert_structural_equal(e, tir.Mul(v["f"], tir.FloatImm("float32", 2.0)))
    e, v = parse("h + 0.5")
    assert_structural_equal(e, tir.Add(v["h"], tir.FloatImm("float16", 0.5)))


def test_comparison_keeps_operand_order_with_literal_left():
    e, v = parse("3 < x")
    assert_structural_equal(e, tir.LT(imm("int32", 3), v["x"]))


def test_mixed_dtypes_promote():
    e, v = parse("x + l")
    assert_structural_equal(e, tir.Add(tir.Cast("int64", v["x"]), v["l"]))
    e, v = parse("x * f")
    assert_structural_equal(e, tir.Mul(tir.Cast("float32", v["x"]), v["f"]))


def test_literal_only_arithmetic_builds_ir():
    # Printed IR such as Add(2, 3) must parse back unchanged, so literals are not folded.
    e, _ = parse("2 + 3")
    assert_structural_equal(e, tir.Add(imm("int32", 2), imm("int32", 3)))


def test_negation():
    e, v = parse("-x")
    assert_structural_equal(e, tir.Sub(imm("int32", 0), v["x"]))
    e, v = parse("-f")
    assert_structural_equal(e, tir.Sub(tir.FloatImm("float32", 0.0), v["f"]))
    e, v = parse("x * -1")
    assert_structural_equal(e, tir.Mul(v["x"], imm("int32", -1)))


def test_logical_operators_nest_to_the_left():
    e, v = parse("b and x < y and True")
    lt = tir.LT(v["x"], v["y"])
    assert_structural_equal(e, tir.And(tir.And(v["b"], lt), imm("bool", 1)))
    e, v = parse("b or (b and b)")
    assert_structural_equal(e, tir.Or(v["b"], tir.And(v["b"], v["b"])))
    e, v = parse("not b")
    assert_structural_equal(e, tir.Not(v["b"]))


def test_chained_comparison_is_a_conjunction():
    e, v = parse("x < y <= 10")
    expected = tir.And(tir.LT(v["x"], v["y"]), tir.LE(v["y"], imm("int32", 10)))
    assert_structural_equal(e, expected)


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("x & y", "bitwise_and"),
        ("x | y", "bitwise_or"),
        ("x ^ y", "bitwise_xor"),
        ("x << y", "shift_left"),
        ("x >> y", "shift_right"),
        ("T.bitwise_and(x, y)", "bitwise_and"),
        ("T.bitwise_or(x, y)", "bitwise_or"),
        ("T.bitwise_xor(x, y)", "bitwise_xor"),
        ("T.shift_left(x, y)", "shift_left"),
        ("T.shift_right(x, y)", "shift_right"),
    ],
)
def test_bitwise(text, op):
    e, v = parse(text)
    assert isinstance(e, tir.Call)
    assert e.op is Op.get(op)
    assert e.args == (v["x"], v["y"])
    assert e.dtype == DataType.parse("int32")


def test_bitwise_not_and_bool_operators():
    e, v = parse("~x")
    assert isinstance(e, tir.Call)
    assert e.op is Op.get("bitwise_not")
    assert e.args == (v["x"],)
    e, v = parse("T.bitwise_not(x)")
    assert e.op is Op.get("bitwise_not")
    e, v = parse("b & b")
    assert isinstance(e, tir.And)
    e, v = parse("b | b")
    assert isinstance(e, tir.Or)


@pytest.mark.parametrize("name", FLOAT_UNARY)
def test_float_unary_intrinsics(name):
    e, v = parse(f"T.{name}(f)")
    assert isinstance(e, tir.Call)
    assert e.op is Op.get(name)
    assert e.args == (v["f"],)
    assert e.dtype == v["f"].dtype


def test_other_intrinsics():
    e, v = parse("T.pow(f, g)")
    assert e.op is Op.get("pow")
    assert e.args == (v["f"], v["g"])
    e, v = parse("T.if_then_else(b, x, 0)")
    assert e.op is Op.get("if_then_else")
    assert_structural_equal(e.args, (v["b"], v["x"], imm("int32", 0)))
    e, v = parse("T.likely(b)")
    assert e.op is Op.get("likely")
    assert e.dtype == DataType.parse("bool")
    e, v = parse('T.reinterpret("int32", f)')
    assert e.op is Op.get("reinterpret")
    assert str(e.dtype) == "int32"
    assert e.args == (v["f"],)
    e, _ = parse('T.max_value("float32")')
    assert e.op is Op.get("max_value")
    assert str(e.dtype) == "float32"
    assert e.args == ()
    e, _ = parse("T.min_value(T.int8)")
    assert e.op is Op.get("min_value")
    assert str(e.dtype) == "int8"


def test_extern_and_packed_calls():
    e, v = parse('T.call_extern("float32", "my_fn", f, x)')
    assert e.op is Op.get("call_extern")
    assert str(e.dtype) == "float32"
    assert e.args[0].value == "my_fn"
    assert e.args[1:] == (v["f"], v["x"])
    e, v = parse('T.call_packed("pf", x)')
    assert e.op is Op.get("call_packed")
    assert str(e.dtype) == "int32"
    e, v = parse('T.call_packed("pf", x, dtype="float32")')
    assert str(e.dtype) == "float32"
    assert e.args[0].value == "pf"


def test_node_constructors():
    e, v = parse('T.Cast("float32", x)')
    assert_structural_equal(e, tir.Cast("float32", v["x"]))
    e, v = parse("T.Cast(T.int64, x)")
    assert_structural_equal(e, tir.Cast("int64", v["x"]))
    e, v = parse("T.Select(b, x, 1)")
    assert_structural_equal(e, tir.Select(v["b"], v["x"], imm("int32", 1)))
    e, v = parse("T.Ramp(x, 1, 4)")
    assert_structural_equal(e, tir.Ramp(v["x"], imm("int32", 1), 4))
    e, v = parse("T.Broadcast(f, 8)")
    assert_structural_equal(e, tir.Broadcast(v["f"], 8))


def test_dtype_constructor_casts_an_expression():
    e, v = parse("T.int64(x)")
    assert_structural_equal(e, tir.Cast("int64", v["x"]))
    e, v = parse("T.int32(x)")
    assert e is v["x"]


def test_let_expression():
    func = from_source(
        """
        @T.prim_func
        def fn(x: T.int32):
            v = T.int32()
            w = T.int32()
            T.evaluate(T.Let(v + w, where={v: x + 1, w: 2}))
        """
    )
    e = func.body.value
    assert isinstance(e, tir.Let)
    assert isinstance(e.body, tir.Let)
    v, w = e.var, e.body.var
    assert (v.name_hint, w.name_hint) == ("v", "w")
    assert_structural_equal(e.value, tir.Add(func.params[0], imm("int32", 1)))
    assert_structural_equal(e.body.body, tir.Add(v, w))


def test_buffer_load_and_data():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4, 8), "float32"), i: T.int32):
            T.evaluate(A[i, 3])
            T.evaluate(T.call_extern("int32", "use", A.data))
            T.evaluate(A[T.Ramp(0, 1, 4), 0])
        """
    )
    load, extern, vector = (s.value for s in func.body.seq)
    buffer = func.buffer_map[func.params[0]]
    assert isinstance(load, tir.BufferLoad)
    assert load.buffer is buffer
    assert_structural_equal(load.indices, (func.params[1], imm("int32", 3)))
    assert extern.args[1] is buffer.data
    assert str(vector.dtype) == "float32x4"


def test_conditional_expression_is_if_then_else():
    e, v = parse("x if b else y")
    assert e.op is Op.get("if_then_else")
    assert e.args == (v["b"], v["x"], v["y"])


def test_comparison_with_a_size_var_keeps_its_operator():
    # Python would try SizeVar.__gt__ first (a subclass's reflected comparison wins).
    e, v = parse("x < s", params="x: T.int32, s: T.int32(is_size_var=True)")
    assert_structural_equal(e, tir.LT(v["x"], v["s"]))
    e, v = parse("x - s", params="x: T.int32, s: T.int32(is_size_var=True)")
    assert_structural_equal(e, tir.Sub(v["x"], v["s"]))
