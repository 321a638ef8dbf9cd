import pytest

from loom.ir import LoomError, Map, tir
from loom.ir.tir import (
    Block,
    BlockRealize,
    BufferRegion,
    BufferStore,
    Evaluate,
    For,
    ForKind,
    IntImm,
    IterType,
    IterVar,
    MatchBufferRegion,
    Range,
    Var,
)
from loom.script.printer import stmt_text

ZERO, TRUE = IntImm("int32", 0), IntImm("bool", 1)
A = tir.decl_buffer((128, 64), "float32", "A")
i, j, n = Var("i"), Var("j"), Var("n")
vi, vj = Var("vi"), Var("vj")


def c(v):
    return IntImm("int32", v)


def point(*indices):
    return tuple(Range(x, c(1)) for x in indices)


def realize(iter_vars, values, *, predicate=TRUE, reads=(), writes=(), body=None, **kw):
    body = body or Evaluate(ZERO)
    block = Block(tuple(iter_vars), tuple(reads), tuple(writes), kw.pop("name", "b"), body, **kw)
    return BlockRealize(tuple(values), predicate, block)


def in_loops(stmt, *extents):
    loops = [i, j][: len(extents)]
    for var, extent in reversed(list(zip(loops, extents, strict=True))):
        stmt = For(var, ZERO, tir.convert(extent), ForKind.SERIAL, stmt)
    return stmt


def lines(stmt):
    return stmt_text(stmt).splitlines()


def spatial(var, extent, lo=None):
    extent = tir.convert(extent)
    return IterVar(var, Range(lo if lo is not None else c(0), extent), IterType.DATA_PAR)


def test_remap_of_enclosing_loops():
    ivs = (spatial(vi, 128), IterVar(vj, Range(c(0), c(64)), IterType.COMM_REDUCE))
    text = lines(in_loops(realize(ivs, (i, j)), 128, 64))
    assert text[1:3] == ['    with T.block("b"):', '        vi, vj = T.axis.remap("SR", [i, j])']


def test_remap_keeps_the_value_order():
    ivs = (spatial(vi, 64), spatial(vj, 128))
    assert lines(in_loops(realize(ivs, (j, i)), 128, 64))[2] == (
        '        vi, vj = T.axis.remap("SS", [j, i])'
    )


def test_single_remap():
    assert lines(in_loops(realize((spatial(vi, n),), (i,)), n))[2] == (
        '        vi = T.axis.remap("S", [i])'
    )


@pytest.mark.parametrize(
    ("iter_var", "value", "line"),
    [
        (spatial(vi, 128), i * 2, "vi = T.axis.spatial(128, i * 2)"),  # not a loop var
        (spatial(vi, 64), i, "vi = T.axis.spatial(64, i)"),  # domain is not the loop's
        (spatial(vi, 8, c(2)), i, "vi = T.axis.spatial((2, 10), i)"),  # shifted domain
        (spatial(vi, n, n), i, "vi = T.axis.spatial((n, n + n), i)"),
        (IterVar(vi, Range(c(0), c(128)), IterType.ORDERED), i, "vi = T.axis.scan(128, i)"),
        (IterVar(vi, Range(c(0), c(128)), IterType.OPAQUE), i, "vi = T.axis.opaque(128, i)"),
    ],
)
def test_per_axis_lines(iter_var, value, line):
    assert lines(in_loops(realize((iter_var,), (value,)), 128))[2] == "        " + line


def test_repeated_loop_var_is_not_remapped():
    ivs = (spatial(vi, 128), spatial(vj, 128))
    text = lines(in_loops(realize(ivs, (i, i)), 128))
    assert text[2:4] == [
        "        vi = T.axis.spatial(128, i)",
        "        vj = T.axis.spatial(128, i)",
    ]


def test_header_lines_in_order():
    local = tir.decl_buffer((4,), "float32", "X_local", scope="local")
    sub = tir.decl_buffer((4,), "float32", "Sub")
    match = MatchBufferRegion(sub, BufferRegion(A, (Range(vi, c(1)), Range(c(0), c(4)))))
    block = realize(
        (spatial(vi, 128),),
        (i,),
        predicate=i < 100,
        reads=(BufferRegion(A, (Range(vi, c(1)), Range(c(0), n))),),
        writes=(BufferRegion(A, (Range(vi * 4, c(4)), Range(c(2), c(6)))),),
        name="blk",
        annotations=Map({"key": 1, "expr": i + 1}),
        alloc_buffers=(local,),
        match_buffers=(match,),
        init=BufferStore(local, tir.const(0.0), (c(0),)),
        body=BufferStore(A, local[0], (vi, c(0))),
    )
    assert stmt_text(in_loops(block, 128)) == "\n".join(
        [
            "for i in range(128):",
            '    with T.block("blk"):',
            '        vi = T.axis.remap("S", [i])',
            "        T.where(i < 100)",
            "        T.reads(A[vi, 0:n])",
            "        T.writes(A[vi * 4:vi * 4 + 4, 2:8])",
            '        T.block_attr({"key": 1, "expr": i + 1})',
            '        X_local = T.alloc_buffer((4,), "float32", scope="local")',
            '        Sub = T.match_buffer(A[vi, 0:4], (4,), "float32")',
            "        with T.init():",
            "            X_local[0] = T.float32(0.0)",
            "        A[vi, 0] = X_local[0]",
        ]
    )


def test_anonymous_block_and_empty_regions():
    assert lines(realize((), (), name="")) == [
        'with T.block(""):',
        "    T.reads()",
        "    T.writes()",
        "    T.evaluate(0)",
    ]


def test_iter_vars_the_format_cannot_express_raise():
    thread = IterVar(vi, Range(c(0), c(4)), IterType.THREAD_INDEX)
    with pytest.raises(LoomError, match="THREAD_INDEX"):
        stmt_text(realize((thread,), (c(0),)))
    with pytest.raises(LoomError, match="no domain"):
        stmt_text(realize((IterVar(vi, None, IterType.DATA_PAR),), (c(0),)))
