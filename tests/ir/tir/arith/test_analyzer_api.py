"""The Analyzer facade: bindings, errors, dtypes, opaque and vector expressions, termination."""

import pytest
from strategies import tir_expr_text

from loom.ir import LoomError, TypeCheckError, tir
from loom.ir.tir import (
    Broadcast,
    Cast,
    IntImm,
    Let,
    PrimExpr,
    Ramp,
    Range,
    Select,
    Var,
    floordiv,
    floormod,
)
from loom.ir.tir.arith import Analyzer, ArithError, expr_equal, simplify

x, y, i = Var("x"), Var("y"), Var("i")


def check(expr, expected, ana=None):
    got = (ana or Analyzer()).simplify(expr)
    assert expr_equal(got, expected), f"{tir_expr_text(got)} != {tir_expr_text(expected)}"


def nodes(expr):
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        for name in ("a", "b", "value", "condition", "true_value", "false_value"):
            child = getattr(node, name, None)
            if isinstance(child, PrimExpr):
                stack.append(child)


def test_module_level_simplify():
    check(x + x, x * 2)
    assert expr_equal(simplify(3), IntImm("int32", 3))


def test_rebinding_needs_allow_override():
    ana = Analyzer()
    ana.bind(x, Range(0, 4))
    ana.bind(x, Range(0, 4))  # the same range again is fine
    with pytest.raises(ArithError, match="already bound"):
        ana.bind(x, Range(0, 8))
    ana.bind(x, Range(0, 8), allow_override=True)
    assert ana.can_prove(x < 8)
    assert not ana.can_prove(x < 4)
    assert isinstance(ArithError("m"), LoomError)


def test_bad_bindings_are_rejected():
    ana = Analyzer()
    with pytest.raises(TypeCheckError, match="Var"):
        ana.bind(x + 1, Range(0, 4))
    with pytest.raises(TypeCheckError, match="int64"):
        ana.bind(x, Var("w", "int64") + 1)
    with pytest.raises(ArithError, match="uses it"):
        ana.bind(x, x + 1)
    with pytest.raises(TypeCheckError, match="range"):
        ana.bind(Var("f", "float32"), Range(0, 4))
    with pytest.raises(TypeCheckError, match="PrimExpr"):
        ana.simplify("x")
    with pytest.raises(TypeCheckError, match="bool"), ana.constraint(x + 1):
        pass


def test_range_of_extent_one_binds_the_value():
    ana = Analyzer()
    ana.bind(i, Range(x * 4, 1))
    check(i + 1, x * 4 + 1, ana)


def test_ranges_of_another_dtype_are_converted():
    w = Var("w", "int64")
    ana = Analyzer()
    ana.bind(w, Range(0, 10))
    assert ana.can_prove(w < tir.const(10, "int64"))
    ana.bind(i, Range(Cast("int32", w), 2))
    assert ana.can_prove(i <= 10)


def test_dtypes_never_mix():
    w = Var("w", "int64")
    result = simplify(floordiv(w * 8 + Cast("int64", x) * 4, 4) + Cast("int64", x))
    assert all(node.dtype == w.dtype for node in nodes(result) if not isinstance(node, Var | Cast))


def test_float_constants_fold_only_when_exact():
    f32 = "float32"
    third = simplify(tir.const(1.0, f32) / tir.const(3.0, f32))
    assert isinstance(third, tir.FloatImm)
    assert third.value == float(__import__("numpy").float32(1) / __import__("numpy").float32(3))
    overflow = tir.const(3e38, f32) * tir.const(10.0, f32)
    check(overflow, overflow)  # the result is not a finite float32
    inf = tir.FloatImm(f32, float("inf")) + tir.const(1.0, f32)
    check(inf, inf)
    xf = Var("xf", f32)
    check(xf * 1.0, xf)
    check(xf - 0.0, xf)
    check(xf + 0.0, xf + 0.0)  # -0.0 + 0.0 is +0.0
    check(xf * 0.0, xf * 0.0)  # NaN * 0.0 is NaN


def test_casts_fold_when_exact():
    check(Cast("int8", IntImm("int32", 100)), IntImm("int8", 100))
    check(Cast("int8", IntImm("int32", 300)), Cast("int8", IntImm("int32", 300)))
    check(Cast("float32", IntImm("int32", 3)), tir.FloatImm("float32", 3.0))
    big = Cast("float32", IntImm("int32", 2**24 + 1))
    check(big, big)  # not representable in float32
    check(Cast("int32", tir.FloatImm("float32", -2.7)), IntImm("int32", -2))
    check(Cast("int32", Cast("int64", x)), x)
    check(Cast("bool", IntImm("int32", 5)), IntImm("bool", True))


def test_opaque_expressions_are_atoms():
    buf = tir.decl_buffer((16,), "float32", "A")
    load = buf[x * 2 - x]
    check(load * 1.0, buf[x])
    xor = tir.call_intrin("int32", "bitwise_xor", x + x, y)
    check(xor - xor, IntImm("int32", 0))
    check(xor + 1 - 1, tir.call_intrin("int32", "bitwise_xor", x * 2, y))


def test_calls_with_side_effects_are_never_merged_or_dropped():
    call = tir.call_extern("int32", "f", x + x)
    other = tir.call_extern("int32", "f", x + x)
    check(call - other, tir.call_extern("int32", "f", x * 2) - tir.call_extern("int32", "f", x * 2))
    check(call - call, tir.call_extern("int32", "f", x * 2) - tir.call_extern("int32", "f", x * 2))
    check(call * 0 + y, tir.call_extern("int32", "f", x * 2) * 0 + y)
    check(
        tir.min_(call, other),
        tir.min_(tir.call_extern("int32", "f", x * 2), tir.call_extern("int32", "f", x * 2)),
    )
    check(
        tir.min_(call, call),
        tir.min_(tir.call_extern("int32", "f", x * 2), tir.call_extern("int32", "f", x * 2)),
    )


def test_vectors():
    check(
        Ramp(IntImm("int32", 0), IntImm("int32", 1), 4) + Broadcast(x, 4),
        Ramp(x, IntImm("int32", 1), 4),
    )
    check(
        Ramp(x, IntImm("int32", 1), 4) * Broadcast(IntImm("int32", 2), 4),
        Ramp(x * 2, IntImm("int32", 2), 4),
    )
    check(Broadcast(x, 4) + Broadcast(y, 4), Broadcast(x + y, 4))
    check(Ramp(x, IntImm("int32", 0), 4), Broadcast(x, 4))


def test_let():
    check(Let(y, x + 1, y * 2 - y + 1), Let(y, x + 1, y + 1))
    check(Let(y, x, y + 1), x + 1)
    check(Let(y, x + 1, x), x)
    ana = Analyzer()
    ana.bind(x, Range(0, 4))
    check(Let(y, x * 2, floordiv(y, 8)), IntImm("int32", 0), ana)


def test_long_sums_do_not_recurse_deeply():
    variables = [Var(f"v{n}") for n in range(3000)]
    total = variables[0]
    for var in variables[1:]:
        total = total + var
    result = simplify(total - variables[0])
    assert isinstance(result, tir.Add)


def test_deeply_nested_selects_terminate():
    expr = x
    for n in range(12):
        expr = Select(x < n, expr + 1, floormod(expr, 7))
    result = simplify(expr)
    assert expr_equal(simplify(result), result)
