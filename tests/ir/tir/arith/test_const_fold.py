"""Constant folding of every operator, exact for integers and safe for floats."""

import pytest

from loom.ir import tir
from loom.ir.tir import EQ, GE, GT, LE, LT, NE, Add, FloatImm, IntImm, Max, Min, Mod, Mul, Sub
from loom.ir.tir.arith import simplify
from loom.ir.tir.arith.const_fold import fold


def i32(value):
    return IntImm("int32", value)


@pytest.mark.parametrize(
    ("cls", "a", "b", "want"),
    [
        (Add, 3, 4, 7), (Sub, 3, 4, -1), (Mul, -3, 4, -12), (Min, 3, -4, -4), (Max, 3, -4, 3),
        (tir.FloorDiv, -9, 4, -3), (tir.FloorMod, -9, 4, 3), (tir.Div, -9, 4, -2), (Mod, -9, 4, -1),
        (EQ, 2, 2, True), (NE, 2, 2, False), (LT, 1, 2, True), (LE, 2, 2, True),
        (GT, 1, 2, False), (GE, 1, 2, False),
    ],
)  # fmt: skip
def test_integer_folding(cls, a, b, want):
    result = fold(cls(i32(a), i32(b)))
    assert isinstance(result, IntImm)
    assert result.value == want


def test_no_fold_on_overflow_or_division_by_zero():
    assert fold(Mul(i32(2**30), i32(4))) is None
    assert fold(tir.FloorDiv(i32(1), i32(0))) is None
    assert fold(Mod(i32(1), i32(0))) is None
    assert fold(Sub(IntImm("uint8", 1), IntImm("uint8", 2))) is None


def test_float_folding():
    assert fold(Add(FloatImm("float32", 0.5), FloatImm("float32", 0.25))).value == 0.75
    assert fold(Min(FloatImm("float32", 0.5), FloatImm("float32", 0.25))).value == 0.25
    nan = FloatImm("float32", float("nan"))
    assert fold(Add(nan, FloatImm("float32", 1.0))) is None
    assert fold(Max(nan, FloatImm("float32", 1.0))) is None
    assert fold(LT(nan, FloatImm("float32", 1.0))).value == 0
    half = fold(tir.Div(FloatImm("float16", 1.0), FloatImm("float16", 3.0)))
    assert half.dtype == FloatImm("float16", 0.0).dtype


def test_logic_and_intrinsics():
    t, f = IntImm("bool", True), IntImm("bool", False)
    assert simplify(tir.And(t, f)).value == 0
    assert simplify(tir.Not(f)).value == 1
    assert simplify(tir.call_intrin("int32", "bitwise_and", i32(12), i32(10))).value == 8
    assert simplify(tir.call_intrin("int32", "shift_left", i32(3), i32(4))).value == 48
    assert simplify(tir.call_intrin("int32", "shift_right", i32(-16), i32(2))).value == -4
    assert simplify(tir.call_intrin("uint8", "bitwise_not", IntImm("uint8", 1))).value == 254
    kept = tir.call_intrin("int32", "shift_left", i32(1), i32(40))
    assert simplify(kept) is kept
