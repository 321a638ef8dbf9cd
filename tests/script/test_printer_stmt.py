import pytest

from loom.ir import LoomError, Map, tir
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    DeclBuffer,
    Evaluate,
    For,
    ForKind,
    IfThenElse,
    IntImm,
    IterType,
    IterVar,
    LetStmt,
    Range,
    SeqStmt,
    Var,
    While,
)
from loom.script.printer import stmt_text

A = tir.decl_buffer((16,), "float32", "A")
i, j, k, n = Var("i"), Var("j"), Var("k"), Var("n")
ZERO, ONE = IntImm("int32", 0), IntImm("int32", 1)
TRUE = IntImm("bool", 1)


def store(index, value=None):
    value = value if value is not None else tir.const(1.0)
    return tir.BufferStore(A, value, (tir.convert(index),))


def loop(var, extent, body, kind=ForKind.SERIAL, min_=ZERO, **kw):
    return For(var, min_, tir.convert(extent), kind, body, **kw)


def noop():
    return Evaluate(ZERO)


def test_simple_statements():
    assert stmt_text(store(i)) == "A[i] = T.float32(1.0)"
    assert (
        stmt_text(Evaluate(tir.call_extern("int32", "f", i)))
        == 'T.evaluate(T.call_extern("int32", "f", i))'
    )
    assert (
        stmt_text(SeqStmt((store(i), store(j)))) == "A[i] = T.float32(1.0)\nA[j] = T.float32(1.0)"
    )


def test_if_elif_else():
    chain = IfThenElse(i < 1, store(0), IfThenElse(i < 2, store(1), store(2)))
    assert stmt_text(chain) == (
        "if i < 1:\n"
        "    A[0] = T.float32(1.0)\n"
        "elif i < 2:\n"
        "    A[1] = T.float32(1.0)\n"
        "else:\n"
        "    A[2] = T.float32(1.0)"
    )
    assert stmt_text(IfThenElse(i < 1, store(0))) == "if i < 1:\n    A[0] = T.float32(1.0)"


def test_else_holding_more_than_an_if_is_not_elif():
    inner = SeqStmt((IfThenElse(i < 2, store(1)), store(2)))
    text = stmt_text(IfThenElse(i < 1, store(0), inner))
    assert "elif" not in text
    assert text.endswith(
        "else:\n    if i < 2:\n        A[1] = T.float32(1.0)\n    A[2] = T.float32(1.0)"
    )


def test_while():
    assert stmt_text(While(i < n, store(i))) == "while i < n:\n    A[i] = T.float32(1.0)"


def test_flat_binding_statements():
    let = LetStmt(k, i + 1, store(k))
    assert stmt_text(let) == "k: T.int32 = i + 1\nA[k] = T.float32(1.0)"
    assert stmt_text(AssertStmt(i < n, "i in range", store(i))) == (
        'assert i < n, "i in range"\nA[i] = T.float32(1.0)'
    )
    buf = Var("buf", "handle")
    B = tir.decl_buffer((n,), "float32", "B", data=buf)
    alloc = Allocate(
        buf, "float32", (n,), TRUE, DeclBuffer(B, tir.BufferStore(B, tir.const(0.0), (i,)))
    )
    assert stmt_text(alloc) == (
        'buf = T.allocate([n], "float32", "global")\n'
        'B = T.decl_buffer((n,), "float32", data=buf)\n'
        "B[i] = T.float32(0.0)"
    )


def test_allocate_condition_scope_and_annotations():
    buf = Var("buf", "handle")
    alloc = Allocate(buf, "float16", (4, n), i < n, noop(), "shared", Map({"pragma": 1}))
    assert stmt_text(alloc).splitlines()[0] == (
        'buf = T.allocate([4, n], "float16", "shared", i < n, annotations={"pragma": 1})'
    )


def test_binding_statements_followed_by_more_print_as_with_scopes():
    buf = Var("buf", "handle")
    B = tir.decl_buffer((4,), "float32", "B", data=buf)
    seq = SeqStmt(
        (
            LetStmt(k, i + 1, store(k)),
            AssertStmt(i < n, "bad", store(i)),
            Allocate(buf, "float32", (4,), TRUE, DeclBuffer(B, noop())),
            DeclBuffer(tir.decl_buffer((2,), "int8", "C"), noop()),
            store(j),
        )
    )
    assert stmt_text(seq) == (
        "with T.LetStmt(i + 1) as k:\n"
        "    A[k] = T.float32(1.0)\n"
        'with T.Assert(i < n, "bad"):\n'
        "    A[i] = T.float32(1.0)\n"
        'with T.allocate([4], "float32", "global") as buf:\n'
        '    B = T.decl_buffer((4,), "float32", data=buf)\n'
        "    T.evaluate(0)\n"
        'with T.decl_buffer((2,), "int8", data=C) as C_1:\n'
        "    T.evaluate(0)\n"
        "A[j] = T.float32(1.0)"
    )


def test_last_binding_statement_of_a_sequence_is_flat():
    seq = SeqStmt((store(j), LetStmt(k, i + 1, store(k))))
    assert stmt_text(seq) == "A[j] = T.float32(1.0)\nk: T.int32 = i + 1\nA[k] = T.float32(1.0)"


def test_nested_sequence_is_flattened_before_choosing_forms():
    seq = SeqStmt((SeqStmt((store(i), LetStmt(k, i, store(k)))), store(j)))
    assert stmt_text(seq).splitlines()[1] == "with T.LetStmt(i) as k:"


def test_loops():
    assert stmt_text(loop(i, n, store(i))) == "for i in range(n):\n    A[i] = T.float32(1.0)"
    shifted = loop(i, n, store(i), min_=tir.const(2))
    assert stmt_text(shifted).splitlines()[0] == "for i in range(2, 2 + n):"
    const = loop(i, 8, store(i), min_=tir.const(2))
    assert stmt_text(const).splitlines()[0] == "for i in range(2, 10):"
    m = Var("m")
    sub = loop(i, tir.Sub(n, m), store(i), min_=m)
    assert stmt_text(sub).splitlines()[0] == "for i in range(m, n):"


@pytest.mark.parametrize(
    ("kind", "head"),
    [
        (ForKind.PARALLEL, "for i in T.parallel(n):"),
        (ForKind.VECTORIZED, "for i in T.vectorized(n):"),
        (ForKind.UNROLLED, "for i in T.unroll(n):"),
    ],
)
def test_loop_kinds(kind, head):
    assert stmt_text(loop(i, n, store(i), kind)).splitlines()[0] == head


def test_loop_annotations_and_thread_binding():
    ann = Map({"pragma_unroll": 4, "name": "x"})
    serial = loop(i, n, store(i), annotations=ann)
    assert stmt_text(serial).splitlines()[0] == (
        'for i in T.serial(n, annotations={"pragma_unroll": 4, "name": "x"}):'
    )
    tb = IterVar(i, Range(ZERO, tir.const(32)), IterType.THREAD_INDEX, "threadIdx.x")
    bound = loop(i, 32, store(i), ForKind.THREAD_BINDING, thread_binding=tb)
    assert (
        stmt_text(bound).splitlines()[0] == 'for i in T.thread_binding(32, thread="threadIdx.x"):'
    )
    shifted = loop(i, 8, store(i), ForKind.PARALLEL, min_=n, annotations=Map({"k": n}))
    assert (
        stmt_text(shifted).splitlines()[0] == 'for i in T.parallel(n, n + 8, annotations={"k": n}):'
    )


def test_grid_merging():
    nest = loop(i, n, loop(j, 4, loop(k, n, store(i + j + k))))
    assert stmt_text(nest).splitlines()[0] == "for i, j, k in T.grid(n, 4, n):"


def test_grid_stops_at_loops_that_cannot_merge():
    dependent = loop(i, n, loop(j, i, store(j)))
    assert stmt_text(dependent).splitlines()[:2] == ["for i in range(n):", "    for j in range(i):"]
    parallel_inside = loop(i, n, loop(j, 4, loop(k, 4, store(k)), ForKind.PARALLEL))
    assert stmt_text(parallel_inside).splitlines()[:2] == [
        "for i in range(n):",
        "    for j in T.parallel(4):",
    ]
    imperfect = loop(i, n, SeqStmt((loop(j, 4, store(j)), store(i))))
    assert stmt_text(imperfect).splitlines()[:2] == ["for i in range(n):", "    for j in range(4):"]
    tail_dependent = loop(i, n, loop(j, 4, loop(k, j, store(k))))
    assert stmt_text(tail_dependent).splitlines()[:2] == [
        "for i, j in T.grid(n, 4):",
        "    for k in range(j):",
    ]


def test_sibling_loops_with_one_hint_get_distinct_names():
    i2 = Var("i")
    text = stmt_text(SeqStmt((loop(i, 4, store(i)), loop(i2, 4, store(i2)))))
    assert text == (
        "for i in range(4):\n    A[i] = T.float32(1.0)\n"
        "for i_1 in range(4):\n    A[i_1] = T.float32(1.0)"
    )


def test_bare_block_raises():
    block = tir.Block((), (), (), "b", noop())
    with pytest.raises(LoomError, match="outside its BlockRealize"):
        stmt_text(block)
