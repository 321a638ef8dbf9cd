import ast

import pytest

from loom.ir import LoomError, tir
from loom.ir.tir import Call, IntImm, Op, Var
from loom.script.printer import expr_text, script

a, b, c = Var("a"), Var("b"), Var("c")
p, q, r = Var("p", "bool"), Var("q", "bool"), Var("r", "bool")
x, y = Var("x", "float32"), Var("y", "float32")
i64 = Var("n", "int64")


def c32(v):
    return IntImm("int32", v)


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (IntImm("int32", 5), "5"),
        (IntImm("int32", -3), "-3"),
        (IntImm("int64", 5), "T.int64(5)"),
        (IntImm("int64", -(2**63)), "T.int64(-9223372036854775808)"),
        (IntImm("uint8", 3), "T.uint8(3)"),
        (IntImm("int8", -3), "T.int8(-3)"),
        (IntImm("bool", 1), "True"),
        (IntImm("bool", 0), "False"),
        (tir.FloatImm("float32", 1.0), "T.float32(1.0)"),
        (tir.FloatImm("float16", 0.5), "T.float16(0.5)"),
        (tir.FloatImm("bfloat16", 2.0), "T.bfloat16(2.0)"),
        (tir.FloatImm("float64", 0.1), "T.float64(0.1)"),
        (tir.FloatImm("float32", 1e300), "T.float32(1e+300)"),
        (tir.FloatImm("float32", float("inf")), 'T.float32("inf")'),
        (tir.FloatImm("float32", float("-inf")), 'T.float32("-inf")'),
        (tir.FloatImm("float32", float("nan")), 'T.float32("nan")'),
        (tir.FloatImm("float32", -0.0), "T.float32(-0.0)"),
        (tir.StringImm("text"), '"text"'),
        (tir.StringImm('say "hi"\n\\'), '"say \\"hi\\"\\n\\\\"'),
        (tir.StringImm("é\x00\u2028😀"), '"é\\x00\\u2028😀"'),
        (a, "a"),
        (tir.SizeVar("m"), "m"),
    ],
)
def test_leaves(expr, text):
    assert expr_text(expr) == text


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (tir.Add(a, b), "a + b"),
        (tir.Sub(a, b), "a - b"),
        (tir.Mul(a, b), "a * b"),
        (tir.Div(a, b), "a / b"),
        (tir.FloorDiv(a, b), "a // b"),
        (tir.FloorMod(a, b), "a % b"),
        (tir.Mod(a, b), "T.truncmod(a, b)"),
        (tir.Min(a, b), "T.min(a, b)"),
        (tir.Max(a, b), "T.max(a, b)"),
        (tir.EQ(a, b), "a == b"),
        (tir.NE(a, b), "a != b"),
        (tir.LT(a, b), "a < b"),
        (tir.LE(a, b), "a <= b"),
        (tir.GT(a, b), "a > b"),
        (tir.GE(a, b), "a >= b"),
        (tir.And(p, q), "p and q"),
        (tir.Or(p, q), "p or q"),
        (tir.Not(p), "not p"),
        (tir.Select(p, a, b), "T.Select(p, a, b)"),
        (tir.Cast("float32", a), 'T.Cast("float32", a)'),
        (tir.Ramp(a, c32(1), 4), "T.Ramp(a, 1, 4)"),
        (tir.Broadcast(x, 8), "T.Broadcast(x, 8)"),
        (tir.Let(a, c32(1), a + b), "T.Let(a + b, where={a: 1})"),
    ],
)
def test_operators_and_constructs(expr, text):
    assert expr_text(expr) == text


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (tir.Sub(a, tir.Add(b, c)), "a - (b + c)"),
        (tir.Add(tir.Add(a, b), c), "a + b + c"),
        (tir.Add(a, tir.Add(b, c)), "a + (b + c)"),
        (tir.Sub(tir.Sub(a, b), c), "a - b - c"),
        (tir.Sub(a, tir.Sub(b, c)), "a - (b - c)"),
        (tir.Mul(tir.Add(a, b), c), "(a + b) * c"),
        (tir.Add(tir.Mul(a, b), c), "a * b + c"),
        (tir.Add(a, tir.Mul(b, c)), "a + b * c"),
        (tir.FloorDiv(a, tir.Mul(b, c)), "a // (b * c)"),
        (tir.Mul(tir.FloorDiv(a, b), c), "a // b * c"),
        (tir.FloorMod(tir.Mul(a, b), c), "a * b % c"),
        (tir.Div(a, tir.Div(b, c)), "a / (b / c)"),
        (tir.Mul(a, c32(-1)), "a * -1"),
        (tir.Mul(c32(-3), a), "-3 * a"),
        (tir.Add(a, c32(-3)), "a + -3"),
        (tir.Sub(a, c32(-3)), "a - -3"),
        (tir.Sub(c32(0), a), "0 - a"),
        (tir.LT(c32(-3), a), "-3 < a"),
        (tir.Not(tir.And(p, q)), "not (p and q)"),
        (tir.Not(tir.Or(p, q)), "not (p or q)"),
        (tir.Not(tir.Not(p)), "not not p"),
        (tir.Not(tir.LT(a, b)), "not a < b"),
        (tir.And(tir.Or(p, q), r), "(p or q) and r"),
        (tir.Or(tir.And(p, q), r), "p and q or r"),
        (tir.Or(p, tir.And(q, r)), "p or q and r"),
        (tir.And(p, tir.And(q, r)), "p and (q and r)"),
        (tir.And(tir.And(p, q), r), "p and q and r"),
        (tir.And(tir.Not(p), q), "not p and q"),
        (tir.And(tir.LT(a, b), tir.EQ(b, c)), "a < b and b == c"),
        (tir.Or(tir.GE(a, b), tir.NE(a + b, c)), "a >= b or a + b != c"),
        (tir.EQ(tir.LT(a, b), p), "(a < b) == p"),
        (tir.EQ(p, tir.LT(a, b)), "p == (a < b)"),
        (tir.EQ(tir.Not(p), q), "(not p) == q"),
        (tir.EQ(p, tir.Not(q)), "p == (not q)"),
        (tir.LT(tir.Add(a, b), tir.Mul(b, c)), "a + b < b * c"),
        (tir.Add(tir.Select(p, a, b), c), "T.Select(p, a, b) + c"),
        (tir.Mul(tir.Min(a, b), tir.Add(a, c)), "T.min(a, b) * (a + c)"),
        (tir.Not(tir.And(tir.LT(a, b), p)), "not (a < b and p)"),
        (tir.Select(tir.Not(tir.And(p, q)), a, b), "T.Select(not (p and q), a, b)"),
    ],
)
def test_minimal_parentheses(expr, text):
    assert expr_text(expr) == text
    # The text is a Python expression of the same shape.
    ast.parse(text, mode="eval")


def test_typed_operands_print_their_constants_typed():
    assert expr_text(i64 + 1) == "n + T.int64(1)"
    assert expr_text(x * 2.0) == "x * T.float32(2.0)"


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (tir.exp(x), "T.exp(x)"),
        (tir.sqrt(x), "T.sqrt(x)"),
        (tir.unary("erf", x), "T.erf(x)"),
        (tir.pow_(x, y), "T.pow(x, y)"),
        (tir.if_then_else(p, a, b), "T.if_then_else(p, a, b)"),
        (tir.call_intrin("bool", "likely", p), "T.likely(p)"),
        (a & b, "T.bitwise_and(a, b)"),
        (a | b, "T.bitwise_or(a, b)"),
        (a ^ b, "T.bitwise_xor(a, b)"),
        (~a, "T.bitwise_not(a)"),
        (a << b, "T.shift_left(a, b)"),
        (a >> b, "T.shift_right(a, b)"),
        (tir.call_intrin("int32", "reinterpret", x), 'T.reinterpret("int32", x)'),
        (tir.call_extern("float32", "fname", x, y), 'T.call_extern("float32", "fname", x, y)'),
        (tir.call_packed("fname", a, b), 'T.call_packed("fname", a, b)'),
        (tir.call_packed("f", x, dtype_="float32"), 'T.call_packed("f", x, dtype="float32")'),
        (tir.call_intrin("float32", "max_value"), 'T.max_value("float32")'),
        (tir.call_intrin("int8", "min_value"), 'T.min_value("int8")'),
    ],
)
def test_intrinsic_calls(expr, text):
    assert expr_text(expr) == text


def test_every_float_unary_op_prints_by_name():
    for name in tir.FLOAT_UNARY:
        assert expr_text(tir.unary(name, x)) == f"T.{name}(x)"


def test_buffer_loads():
    A = tir.decl_buffer((4, 4), "float32", "A")
    assert expr_text(A[a, b + 1]) == "A[a, b + 1]"
    Z = tir.decl_buffer((), "float32", "Z")
    assert expr_text(Z.load(())) == "Z[()]"
    V = tir.decl_buffer((16,), "float32", "V")
    assert expr_text(V[tir.Ramp(a, c32(1), 4)]) == "V[T.Ramp(a, 1, 4)]"


def test_fragment_names_free_vars_by_deduplicated_hints():
    i1, i2 = Var("i"), Var("i")
    assert expr_text(i1 + i2 * i1) == "i + i_1 * i"
    assert expr_text(Var("for") + Var("T")) == "for_1 + T_1"
    assert script(i1 + 1) == "i + 1"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (Call("float32", Op("not_an_op"), (Var("x", "float32"),)), "not_an_op"),
        (Call("float16", Op.get("exp"), (Var("x", "float32"),)), "T.exp returning float16"),
        (Call("float32", Op.get("exp"), ()), "T.exp with 0 argument"),
        (Call("int32", Op.get("call_extern"), (Var("x"),)), "StringImm"),
    ],
)
def test_inexpressible_calls_raise(expr, message):
    with pytest.raises(LoomError, match=message):
        expr_text(expr)


def test_call_of_global_var_raises():
    from loom.ir import GlobalVar

    with pytest.raises(LoomError, match="GlobalVar 'f'"):
        expr_text(Call("int32", GlobalVar("f"), (a,)))
