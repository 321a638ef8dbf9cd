"""The round-trip contract on IR built directly (not parsed): every construct the printer has a
form for parses back structurally equal and prints the same text again."""

import pytest

import loom.script
from loom.ir import Map, assert_structural_equal, dtype, tir
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    Block,
    BlockRealize,
    Broadcast,
    BufferRegion,
    BufferStore,
    Cast,
    DeclBuffer,
    Evaluate,
    FloatImm,
    For,
    ForKind,
    IfThenElse,
    IntImm,
    IterType,
    IterVar,
    LetStmt,
    MatchBufferRegion,
    PrimFunc,
    Ramp,
    Range,
    SeqStmt,
    SizeVar,
    StringImm,
    Var,
    While,
)
from loom.script.printer import script

ZERO, TRUE = IntImm("int32", 0), IntImm("bool", 1)


def i64(v):
    return IntImm("int64", v)


def c(v):
    return IntImm("int32", v)


def func(params, body=None, buffer_map=None, attrs=None, **kw):
    body = body or Evaluate(ZERO)
    return PrimFunc(tuple(params), body, Map(buffer_map or {}), Map(attrs or {}), **kw)


a, b = Var("a", "handle"), Var("b", "handle")
i, j, k, n, x, y = Var("i"), Var("j"), Var("k"), Var("n"), Var("x"), Var("y")
p, q = Var("p", "bool"), Var("q", "bool")
A = tir.decl_buffer((16,), "float32", "A")


def one(index, buffer=A):
    return BufferStore(buffer, tir.const(1.0), (tir.convert(index),))


def with_forms():
    buf = Var("buf", "handle")
    B = tir.decl_buffer((4,), "float32", "B", data=buf)
    C = tir.decl_buffer((2,), "int8", "C")
    seq = (
        LetStmt(k, n + 1, one(k)),
        AssertStmt(n < 5, "bad", one(n)),
        Allocate(buf, "float32", (4,), TRUE, DeclBuffer(B, one(0, B))),
        DeclBuffer(C, Evaluate(ZERO)),
        one(1),
    )
    return func([a, n], SeqStmt(seq), {a: A})


def undeclared_buffers():
    m = Var("m")
    M = tir.decl_buffer((m, 4), "float32", "M")
    view = tir.decl_buffer((m * 4,), "float32", "M_1d", data=M.data)
    buf = Var("buf", "handle")
    B = tir.decl_buffer((8,), "float32", "B", data=buf)
    inner = For(i, ZERO, c(8), ForKind.SERIAL, SeqStmt((Evaluate(ZERO), one(i, B))))
    body = SeqStmt((one(0, view), Allocate(buf, "float32", (8,), TRUE, inner)))
    return func([a], body, {a: M})


def buffer_keywords():
    s, off = Var("s"), Var("off")
    S = tir.decl_buffer(
        (4, 4), "float16", "S", strides=(s, 1), elem_offset=off, scope="shared", align=16,
        offset_factor=2,
    )  # fmt: skip
    wide = tir.decl_buffer((i64(4), i64(8)), "float32", "W", strides=(8, 1), elem_offset=0)
    return func([a, b], buffer_map={a: S, b: wide})


def scalars_and_attrs():
    attrs = {
        "global_symbol": "f",
        "imm": c(1),
        "flag": IntImm("bool", 1),
        "half": FloatImm("float32", 0.5),
        "nested": [1, (2.5, "s"), {"k": None}],
        "extent": y + 1,
    }
    params = [SizeVar("n"), Var("v", "float32x4"), Var("h", "handle"), p]
    return func(params, attrs=attrs, ret_type=dtype("int32"))


def expressions():
    f = Var("f", "float32")
    values = [
        tir.Not(tir.And(p, q)),
        tir.EQ(tir.LT(x, y), p),
        tir.And(p, tir.And(q, p)),
        tir.Or(tir.And(p, q), p),
        x - c(-3),
        c(0) - x,
        tir.Mod(x, y),
        tir.Min(x, tir.Max(x, y)),
        tir.Select(p, x, y),
        Cast("float32", x),
        x & y,
        ~x,
        x << y,
        tir.call_intrin("int32", "reinterpret", f),
        tir.call_packed("g", x, dtype_="float32"),
        tir.call_extern("int32", "h"),
        tir.call_intrin("float32", "max_value"),
        tir.if_then_else(p, x, y),
        tir.call_intrin("bool", "likely", p),
        tir.Let(k, y + 1, k * k),
        Ramp(x, c(2), 4),
        Broadcast(f, 4),
        tir.pow_(f, f),
        tir.exp(f),
    ]
    return func([p, q, x, y, f], SeqStmt(tuple(Evaluate(v) for v in values)))


def constants():
    values = [
        FloatImm("float32", float("inf")),
        FloatImm("float32", float("-inf")),
        FloatImm("float32", float("nan")),
        FloatImm("float16", -0.0),
        FloatImm("bfloat16", 1.5),
        FloatImm("float64", 0.1),
        IntImm("uint64", 2**64 - 1),
        i64(-(2**63)),
        c(-(2**31)),
        IntImm("int8", -3),
        IntImm("bool", 0),
        StringImm('q"\n😀\ud800\x7f'),
    ]
    return func([], SeqStmt(tuple(Evaluate(v) for v in values)))


def loops():
    m = Var("m")
    stmts = (
        For(i, c(2), n, ForKind.SERIAL, one(i)),
        For(j, n, tir.Sub(m, n), ForKind.PARALLEL, one(j)),
        For(k, ZERO, c(4), ForKind.SERIAL, one(k), annotations=Map({"unroll": 1, "e": n})),
        For(x, ZERO, c(4), ForKind.VECTORIZED, one(x)),
        For(y, ZERO, c(4), ForKind.UNROLLED, one(y)),
    )
    v64 = Var("v", "int64")
    wide = tir.decl_buffer((i64(16),), "float32", "W")
    last = For(v64, i64(2), i64(8), ForKind.SERIAL, BufferStore(wide, tir.const(0.0), (v64,)))
    return func([a, b, n], SeqStmt((*stmts, last)), {a: A, b: wide})


def blocks():
    vi, vj, vk = Var("vi"), Var("vj"), Var("vk")
    M = tir.decl_buffer((128, 64), "float32", "M")
    local = tir.decl_buffer((4,), "float32", "T", scope="local")  # hint clashes with T
    sub = tir.decl_buffer((4,), "float32", "Sub")
    window = Range(ZERO, c(4))
    ivs = (
        IterVar(vi, Range(c(0), c(128)), IterType.DATA_PAR),
        IterVar(vj, Range(c(2), c(8)), IterType.ORDERED),
    )
    block = Block(
        ivs,
        (BufferRegion(M, (Range(vi, c(1)), Range(ZERO, n))),),
        (BufferRegion(M, (Range(vi * 4, c(4)), Range(c(2), c(6)))),),
        "blk",
        BufferStore(M, local[0], (vi, ZERO)),
        init=BufferStore(local, tir.const(0.0), (ZERO,)),
        alloc_buffers=(local,),
        match_buffers=(MatchBufferRegion(sub, BufferRegion(M, (Range(vi, c(1)), window))),),
        annotations=Map({"key": 1, "expr": i + 1}),
    )  # fmt: skip
    nest = For(i, ZERO, c(128), ForKind.SERIAL, For(j, ZERO, c(8), ForKind.SERIAL,
               BlockRealize((i, j + 2), i < 100, block)))  # fmt: skip
    reduce = Block(
        (IterVar(vk, Range(ZERO, c(128)), IterType.COMM_REDUCE),),
        (), (), "", Evaluate(ZERO),
    )  # fmt: skip
    remapped = For(k, ZERO, c(128), ForKind.SERIAL, BlockRealize((k,), TRUE, reduce))
    root = Block((), (), (), "root", SeqStmt((nest, remapped)))
    return func([a, n], BlockRealize((), TRUE, root), {a: M})


def control():
    buf = Var("buf", "handle")
    B = tir.decl_buffer((8,), "float32", "B", data=buf)
    branch = IfThenElse(i < 1, Evaluate(ZERO), IfThenElse(i < 2, one(i, B), one(0, B)))
    loop = While(tir.And(i < j, tir.Or(tir.eq(i, 0), tir.ne(j, 3))), Evaluate(ZERO))
    let = LetStmt(q, tir.Not(p), IfThenElse(q, SeqStmt((LetStmt(k, i, Evaluate(k)), loop))))
    return func([i, j, p], Allocate(buf, "float32", (8,), TRUE, SeqStmt((branch, let))))


def handles():
    h = Var("A", "handle")
    H = tir.decl_buffer((4,), "float32", "A", data=h)  # the data var is the param itself
    used = Var("u", "handle")
    U = tir.decl_buffer((4,), "float32", "U")
    body = Evaluate(tir.call_packed("f", used, U.data))
    return func([h, used], body, {h: H, used: U})


PROGRAMS = {
    f.__name__: f
    for f in (
        with_forms,
        undeclared_buffers,
        buffer_keywords,
        scalars_and_attrs,
        expressions,
        constants,
        loops,
        blocks,
        control,
        handles,
    )
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_round_trip(name):
    from_source = getattr(loom.script, "from_source", None)
    if from_source is None:
        pytest.skip("loom.script.from_source (the parser) is not available yet")
    original = PROGRAMS[name]()
    text = script(original)
    compile(text, name, "exec")
    parsed = from_source(text)
    assert_structural_equal(parsed, original)
    assert script(parsed) == text
