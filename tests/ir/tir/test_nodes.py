import pytest

from loom.ir import LoomError, TypeCheckError, dtype, tir


def test_arithmetic_builds_nodes_with_conversion():
    n = tir.Var("n", "int64")
    e = n * 4 + 1
    assert isinstance(e, tir.Add)
    assert isinstance(e.a, tir.Mul)
    assert e.dtype == dtype("int64")
    assert e.b.dtype == dtype("int64")
    assert isinstance(n // 2, tir.FloorDiv)
    assert isinstance(n % 2, tir.FloorMod)
    assert isinstance(n / 2, tir.Div)
    assert isinstance(-n, tir.Sub)
    assert isinstance(2 - n, tir.Sub)
    assert e.b.value == 1


def test_promotion():
    i32, i64 = tir.Var("a", "int32"), tir.Var("b", "int64")
    e = i32 + i64
    assert e.dtype == dtype("int64")
    assert isinstance(e.a, tir.Cast)
    f = tir.Var("f", "float32") * i32
    assert f.dtype == dtype("float32")
    assert (tir.Var("x", "float16") + 1.5).dtype == dtype("float16")
    v = tir.Ramp(tir.const(0), tir.const(1), 4) + 1
    assert v.dtype == dtype("int32x4")
    assert isinstance(v.b, tir.Broadcast)


def test_comparisons_and_logic():
    x = tir.Var("x")
    c = (x < 3) & (x >= 0)
    assert isinstance(c, tir.And)
    assert c.dtype == dtype("bool")
    assert isinstance(~(x < 3), tir.Not)
    assert isinstance(tir.eq(x, 1), tir.EQ)
    assert isinstance(tir.ne(x, 1), tir.NE)
    assert (x == x) is True  # identity, nodes are dict keys
    assert isinstance(x & 3, tir.Call)
    assert (x & 3).op.name == "bitwise_and"
    assert (x << 1).op.name == "shift_left"


def test_truth_value_is_an_error():
    x = tir.Var("x")
    with pytest.raises(LoomError, match="truth value"):
        bool(x < 3)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tir.Add(tir.Var("a"), tir.Var("b", "int64")), "differ in dtype"),
        (lambda: tir.IntImm("int8", 300), "does not fit"),
        (lambda: tir.IntImm("float32", 1), "integer or bool"),
        (lambda: tir.FloatImm("int32", 1.0), "float dtype"),
        (lambda: tir.And(tir.Var("a"), tir.Var("b")), "bool operands"),
        (lambda: tir.Select(tir.Var("a"), tir.const(1), tir.const(2)), "condition must be bool"),
        (lambda: tir.Ramp(tir.const(0), tir.const(1), 1), "at least 2 lanes"),
        (lambda: tir.Cast("float32x4", tir.const(1)), "cannot change lanes"),
        (lambda: tir.exp(tir.Var("i")), "float arguments"),
        (lambda: tir.call_intrin("float32", "pow", tir.const(1.0)), "takes 2 argument"),
        (lambda: tir.Op.get("nope"), "unknown intrinsic"),
    ],
)
def test_expression_type_errors(build, message):
    with pytest.raises(TypeCheckError, match=message):
        build()


def test_buffer_access_checks():
    A = tir.decl_buffer((4, 4), "float32", "A")
    i = tir.Var("i")
    assert A[i, 0].dtype == dtype("float32")
    with pytest.raises(TypeCheckError, match="2 dimensions but is indexed with 1"):
        _ = A[i]
    with pytest.raises(TypeCheckError, match="not an integer"):
        _ = A[i, tir.const(1.0)]
    with pytest.raises(TypeCheckError, match="cannot store a value of dtype int32 into A"):
        tir.BufferStore(A, i, (i, i))
    vec = A[i, tir.Ramp(tir.const(0), tir.const(1), 4)]
    assert vec.dtype == dtype("float32x4")


def test_statement_checks():
    i = tir.Var("i", "int64")
    body = tir.Evaluate(tir.const(0))
    with pytest.raises(TypeCheckError, match="min and extent must be int64"):
        tir.For(i, tir.const(0), tir.const(4), tir.ForKind.SERIAL, body)
    with pytest.raises(TypeCheckError, match="at least two"):
        tir.SeqStmt((body,))
    assert tir.seq(body) is body
    assert len(tir.seq(tir.seq(body, body), body).seq) == 3
    with pytest.raises(TypeCheckError, match="must be bool"):
        tir.IfThenElse(tir.const(1), body)
    with pytest.raises(TypeCheckError, match="cannot bind"):
        tir.LetStmt(tir.Var("x"), tir.const(1.0), body)


def test_intrinsics_registry():
    names = set(tir.registered_ops())
    for name in ("exp", "erf", "if_then_else", "call_extern", "max_value", "shift_right"):
        assert name in names
    call = tir.call_extern("float32", "my_fn", tir.const(1.0))
    assert call.args[0].value == "my_fn"
    assert call.dtype == dtype("float32")
    assert tir.if_then_else(tir.Var("x") < 1, 1.0, 2.0).dtype == dtype("float32")


def test_range_literal_takes_the_other_bound_dtype():
    n = tir.Var("n", "int64")
    assert tir.Range(0, n).min.dtype == dtype("int64")
    assert tir.Range(n, 4).extent.dtype == dtype("int64")
    with pytest.raises(TypeCheckError, match="range bounds differ"):
        tir.Range(tir.const(0), n)
