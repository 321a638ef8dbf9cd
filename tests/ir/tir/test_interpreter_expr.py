"""The reference interpreter evaluates every expression node like C on the node's dtype."""

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loom.ir import InterpreterError
from loom.ir.tir import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    Add,
    And,
    Broadcast,
    BufferStore,
    Cast,
    Div,
    FloatImm,
    FloorDiv,
    FloorMod,
    IntImm,
    Let,
    Max,
    Min,
    Mod,
    Mul,
    Not,
    Or,
    PrimFunc,
    Ramp,
    Select,
    Sub,
    Var,
    call_intrin,
    const,
    decl_buffer,
    if_then_else,
    interpret,
)

INT32 = st.integers(-(2**31), 2**31 - 1)


def evaluate(expr, *bindings, **kwargs):
    """Store `expr` into a fresh output buffer and return what the interpreter wrote."""
    lanes = expr.dtype.lanes
    out = decl_buffer((lanes,), expr.dtype.element, "out")
    index = Ramp(const(0), const(1), lanes) if lanes > 1 else const(0)
    handle = Var("out_handle", "handle")
    params = [var for var, _ in bindings] + [handle]
    func = PrimFunc(params, BufferStore(out, expr, (index,)), {handle: out})
    result = np.zeros(lanes, expr.dtype.element.numpy)
    interpret(func, *(value for _, value in bindings), result, **kwargs)
    return result if lanes > 1 else result[0]


def wrap32(value):
    return (value + 2**31) % 2**32 - 2**31


def c_div(a, b):
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


x, y = Var("x"), Var("y")


@settings(max_examples=200)
@given(INT32, INT32)
def test_int32_arithmetic_wraps_like_c(a, b):
    bindings = ((x, a), (y, b))
    assert evaluate(Add(x, y), *bindings) == wrap32(a + b)
    assert evaluate(Sub(x, y), *bindings) == wrap32(a - b)
    assert evaluate(Mul(x, y), *bindings) == wrap32(a * b)
    assert evaluate(Min(x, y), *bindings) == min(a, b)
    assert evaluate(Max(x, y), *bindings) == max(a, b)


@settings(max_examples=200)
@given(INT32, INT32.filter(lambda b: b != 0))
def test_int32_division_kinds(a, b):
    bindings = ((x, a), (y, b))
    assert evaluate(Div(x, y), *bindings) == wrap32(c_div(a, b))
    assert evaluate(Mod(x, y), *bindings) == a - c_div(a, b) * b
    assert evaluate(FloorDiv(x, y), *bindings) == wrap32(a // b)
    assert evaluate(FloorMod(x, y), *bindings) == a % b


@pytest.mark.parametrize(
    ("a", "b", "trunc_div", "trunc_mod", "floor_div", "floor_mod"),
    [
        (7, 2, 3, 1, 3, 1),
        (-7, 2, -3, -1, -4, 1),
        (7, -2, -3, 1, -4, -1),
        (-7, -2, 3, -1, 3, -1),
        (-8, 2, -4, 0, -4, 0),
        (-(2**31), -1, -(2**31), 0, -(2**31), 0),  # the one overflowing quotient wraps
    ],
)
def test_division_with_negatives(a, b, trunc_div, trunc_mod, floor_div, floor_mod):
    bindings = ((x, a), (y, b))
    assert evaluate(Div(x, y), *bindings) == trunc_div
    assert evaluate(Mod(x, y), *bindings) == trunc_mod
    assert evaluate(FloorDiv(x, y), *bindings) == floor_div
    assert evaluate(FloorMod(x, y), *bindings) == floor_mod


@pytest.mark.parametrize("cls", [Div, Mod, FloorDiv, FloorMod])
def test_integer_division_by_zero_raises(cls):
    with pytest.raises(InterpreterError, match="integer division by zero"):
        evaluate(cls(x, y), (x, 5), (y, 0))


def test_int8_and_uint8_wrap():
    a, b = Var("a", "int8"), Var("b", "uint8")
    assert evaluate(Add(a, IntImm("int8", 100)), (a, 100)) == -56
    assert evaluate(Sub(b, IntImm("uint8", 1)), (b, 0)) == 255
    assert evaluate(Div(b, IntImm("uint8", 7)), (b, 200)) == 28


def test_int64_keeps_its_width():
    a = Var("a", "int64")
    assert evaluate(Mul(a, IntImm("int64", 2**32)), (a, 3)) == 3 * 2**32


def test_float32_rounds_like_float32():
    f = Var("f", "float32")
    assert evaluate(Add(f, FloatImm("float32", 1.0)), (f, 16777216.0)) == 16777216.0
    assert evaluate(Div(FloatImm("float32", 1.0), f), (f, 3.0)) == np.float32(1) / np.float32(3)
    d = Var("d", "float64")
    assert evaluate(Add(d, FloatImm("float64", 1.0)), (d, 16777216.0)) == 16777217.0


def test_float_division_kinds():
    f, g = Var("f", "float32"), Var("g", "float32")
    bindings = ((f, -7.5), (g, 2.0))
    assert evaluate(Div(f, g), *bindings) == -3.75
    assert evaluate(FloorDiv(f, g), *bindings) == -4.0
    assert evaluate(FloorMod(f, g), *bindings) == 0.5
    assert evaluate(Mod(f, g), *bindings) == -1.5
    assert evaluate(Div(f, g), (f, 1.0), (g, 0.0)) == np.inf


@pytest.mark.parametrize(
    ("cls", "op"),
    [
        (EQ, "__eq__"),
        (NE, "__ne__"),
        (LT, "__lt__"),
        (LE, "__le__"),
        (GT, "__gt__"),
        (GE, "__ge__"),
    ],
)
def test_comparisons(cls, op):
    for a, b in [(1, 2), (2, 2), (3, 2), (-5, 4)]:
        assert evaluate(cls(x, y), (x, a), (y, b)) == getattr(a, op)(b)


def test_logical_operators_short_circuit_on_scalars():
    p, q = Var("p", "bool"), Var("q", "bool")
    for a in (False, True):
        for b in (False, True):
            assert evaluate(And(p, q), (p, a), (q, b)) == (a and b)
            assert evaluate(Or(p, q), (p, a), (q, b)) == (a or b)
        assert evaluate(Not(p), (p, a)) == (not a)
    # The right side would divide by zero; `and` never evaluates it.
    guarded = And(LT(x, const(0)), EQ(FloorDiv(const(1), x), const(0)))
    assert not evaluate(guarded, (x, 0))


def test_select_evaluates_both_sides_if_then_else_one():
    zero_division = FloorDiv(const(1), y)
    with pytest.raises(InterpreterError, match="division by zero"):
        evaluate(Select(EQ(y, const(0)), const(0), zero_division), (y, 0))
    assert evaluate(if_then_else(EQ(y, const(0)), const(0), zero_division), (y, 0)) == 0
    assert evaluate(Select(GT(y, const(0)), const(1), const(2)), (y, 3)) == 1
    assert evaluate(if_then_else(GT(y, const(0)), const(1), const(2)), (y, -3)) == 2


def test_let_binds_for_its_body():
    v = Var("v")
    assert evaluate(Let(v, Add(x, const(1)), Mul(v, v)), (x, 4)) == 25


@pytest.mark.parametrize(
    ("src", "value", "dst", "expected"),
    [
        ("int32", 300, "int8", 44),
        ("int32", -1, "uint32", 2**32 - 1),
        ("uint8", 255, "int32", 255),
        ("float32", 3.7, "int32", 3),
        ("float32", -3.7, "int32", -3),
        ("float32", 0.5, "bool", True),
        ("float32", 0.0, "bool", False),
        ("int32", 7, "float32", 7.0),
        ("int32", 16777217, "float32", 16777216.0),
        ("float64", 0.1, "float32", float(np.float32(0.1))),
        ("bool", True, "int32", 1),
        ("int64", 2**40 + 5, "int32", 5),
    ],
)
def test_cast(src, value, dst, expected):
    v = Var("v", src)
    assert evaluate(Cast(dst, v), (v, value)) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 3e9, -3e9])
def test_cast_of_unrepresentable_float_raises(value):
    v = Var("v", "float32")
    with pytest.raises(InterpreterError, match="out of range"):
        evaluate(Cast("int32", v), (v, value))


def test_ramp_and_broadcast_are_lane_arrays():
    ramp = Ramp(x, const(3), 4)
    np.testing.assert_array_equal(evaluate(ramp, (x, 10)), [10, 13, 16, 19])
    np.testing.assert_array_equal(evaluate(Broadcast(x, 3), (x, 7)), [7, 7, 7])
    mixed = Mul(Ramp(x, const(1), 4), Broadcast(const(2), 4))
    np.testing.assert_array_equal(evaluate(mixed, (x, 0)), [0, 2, 4, 6])
    wrapping = Ramp(const(2**31 - 2), const(1), 4)
    np.testing.assert_array_equal(
        evaluate(wrapping), [2**31 - 2, 2**31 - 1, -(2**31), -(2**31) + 1]
    )


def test_vector_select_and_comparison_are_lanewise():
    lanes = Ramp(const(0), const(1), 4)
    chosen = Select(LT(lanes, Broadcast(x, 4)), lanes, Broadcast(const(-1), 4))
    np.testing.assert_array_equal(evaluate(chosen, (x, 2)), [0, 1, -1, -1])
    vector_if = if_then_else(LT(lanes, Broadcast(x, 4)), Broadcast(const(9), 4), lanes)
    np.testing.assert_array_equal(evaluate(vector_if, (x, 1)), [9, 1, 2, 3])


def test_vector_division_by_zero_in_any_lane_raises():
    lanes = Ramp(const(0), const(1), 4)
    with pytest.raises(InterpreterError, match="division by zero"):
        evaluate(FloorDiv(Broadcast(const(1), 4), lanes))


def test_float16_and_bfloat16_compute_as_stored():
    h = Var("h", "float16")
    assert evaluate(Add(h, FloatImm("float16", 1.0)), (h, 2048.0)) == 2048.0  # 2049 rounds
    b = Var("b", "bfloat16")
    result = evaluate(Mul(b, FloatImm("bfloat16", 3.0)), (b, 1.0078125))
    assert result.dtype == np.dtype(ml_dtypes.bfloat16)
    assert result == ml_dtypes.bfloat16(ml_dtypes.bfloat16(1.0078125) * ml_dtypes.bfloat16(3.0))
    assert evaluate(call_intrin("bfloat16", "exp", b), (b, 1.0)) == ml_dtypes.bfloat16(np.e)
    assert evaluate(call_intrin("float16", "sqrt", h), (h, 2.0)) == np.float16(np.sqrt(2.0))


FLOAT_CASES = {
    "exp": np.exp,
    "exp2": np.exp2,
    "log": np.log,
    "log2": np.log2,
    "sqrt": np.sqrt,
    "rsqrt": lambda v: 1 / np.sqrt(v),
    "tanh": np.tanh,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "sin": np.sin,
    "cos": np.cos,
    "fabs": np.abs,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": np.rint,
    "trunc": np.trunc,
    "erf": np.vectorize(math.erf),
}


@pytest.mark.parametrize("name", sorted(FLOAT_CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_intrinsics_match_numpy(name, dtype):
    f = Var("f", dtype)
    for value in (0.3, 1.7, 2.5, 3.5, 10.25):
        got = evaluate(call_intrin(dtype, name, f), (f, value))
        assert got.dtype == np.dtype(dtype)
        exact = FLOAT_CASES[name](np.float64(np.dtype(dtype).type(value)))
        want = np.asarray(exact).astype(dtype)
        assert abs(got - want) <= np.spacing(abs(want)), (got, want)  # within one ulp


@pytest.mark.parametrize("name", ["fabs", "floor", "ceil", "round", "trunc"])
def test_rounding_intrinsics_on_negatives(name):
    f = Var("f", "float32")
    for value in (-2.5, -1.5, -0.5, -0.7, -3.2):
        got = evaluate(call_intrin("float32", name, f), (f, value))
        assert got == FLOAT_CASES[name](np.float32(value))


def test_round_is_half_to_even():
    f = Var("f", "float32")
    rounded = [evaluate(call_intrin("float32", "round", f), (f, v)) for v in (0.5, 1.5, 2.5, -0.5)]
    assert rounded == [0.0, 2.0, 2.0, -0.0]


def test_pow_and_likely():
    f, g = Var("f", "float32"), Var("g", "float32")
    assert evaluate(call_intrin("float32", "pow", f, g), (f, 2.0), (g, 10.0)) == 1024.0
    assert evaluate(call_intrin("bool", "likely", LT(x, y)), (x, 1), (y, 2))


def test_reinterpret_views_the_bits():
    f = Var("f", "float32")
    assert evaluate(call_intrin("int32", "reinterpret", f), (f, 1.0)) == 0x3F800000
    assert evaluate(call_intrin("float32", "reinterpret", x), (x, 0x40490FDB)) == np.float32(
        3.14159274
    )


def test_reinterpret_between_sizes_raises():
    f = Var("f", "float32")
    with pytest.raises(InterpreterError, match="sizes differ"):
        evaluate(call_intrin("int64", "reinterpret", f), (f, 1.0))


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int32", "int64", "float16", "float32"])
def test_max_and_min_value(dtype):
    info = np.iinfo(dtype) if "int" in dtype else np.finfo(dtype)
    assert evaluate(call_intrin(dtype, "max_value")) == info.max
    assert evaluate(call_intrin(dtype, "min_value")) == info.min


@settings(max_examples=100)
@given(INT32, INT32, st.integers(0, 31))
def test_bitwise_and_shifts(a, b, shift):
    bindings = ((x, a), (y, b))
    assert evaluate(call_intrin("int32", "bitwise_and", x, y), *bindings) == a & b
    assert evaluate(call_intrin("int32", "bitwise_or", x, y), *bindings) == a | b
    assert evaluate(call_intrin("int32", "bitwise_xor", x, y), *bindings) == a ^ b
    assert evaluate(call_intrin("int32", "bitwise_not", x), *bindings) == ~a
    s = const(shift)
    assert evaluate(call_intrin("int32", "shift_left", x, s), *bindings) == wrap32(a << shift)
    assert evaluate(call_intrin("int32", "shift_right", x, s), *bindings) == a >> shift


def test_unsigned_shift_right_is_logical():
    u = Var("u", "uint32")
    shifted = call_intrin("uint32", "shift_right", u, IntImm("uint32", 4))
    assert evaluate(shifted, (u, 2**32 - 16)) == (2**32 - 16) >> 4


@pytest.mark.parametrize("amount", [-1, 32, 40])
def test_shift_out_of_range_raises(amount):
    with pytest.raises(InterpreterError, match="out of range for 32 bits"):
        evaluate(call_intrin("int32", "shift_left", x, y), (x, 1), (y, amount))


def test_call_packed_and_extern_reach_python():
    seen = []

    def record(value, text):
        seen.append((value, text))

    packed = call_intrin("int32", "call_packed", "add_one", x)
    extern = call_intrin("float32", "call_extern", "half", Cast("float32", x))
    assert evaluate(packed, (x, 41), packed_funcs={"add_one": lambda v: v + 1}) == 42
    assert evaluate(extern, (x, 3), extern_funcs={"half": lambda v: v / 2}) == 1.5
    logged = call_intrin("int32", "call_packed", "record", x, "tag")
    assert evaluate(logged, (x, 5), packed_funcs={"record": record}) == 0
    assert seen == [(5, "tag")]


def test_missing_packed_or_extern_function_raises():
    packed = call_intrin("int32", "call_packed", "nowhere", x)
    with pytest.raises(InterpreterError, match=r"'nowhere', which is not in packed_funcs"):
        evaluate(packed, (x, 1), packed_funcs={"elsewhere": abs})
    extern = call_intrin("int32", "call_extern", "nowhere", x)
    with pytest.raises(InterpreterError, match=r"'nowhere', which is not in extern_funcs"):
        evaluate(extern, (x, 1))


def test_packed_result_of_wrong_kind_raises():
    packed = call_intrin("int32", "call_packed", "bad", x)
    with pytest.raises(InterpreterError, match="expected an integer"):
        evaluate(packed, (x, 1), packed_funcs={"bad": lambda v: 0.5})


def test_unbound_variable_is_reported():
    free = Var("free")
    with pytest.raises(InterpreterError, match="variable free is used in main where nothing"):
        evaluate(Add(x, free), (x, 1))
