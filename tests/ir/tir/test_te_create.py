"""create_prim_func lowers te to the block-based prim_func one would write in TVMScript."""

import pytest

from loom.ir import assert_structural_equal
from loom.ir.tir import (
    Block,
    BlockRealize,
    BufferRegion,
    BufferStore,
    For,
    ForKind,
    IterType,
    IterVar,
    PrimFunc,
    Range,
    Var,
    const,
    decl_buffer,
    max_,
    seq,
    te,
)

S, R = IterType.DATA_PAR, IterType.COMM_REDUCE


def point(buffer, *indices):
    return BufferRegion(buffer, tuple(Range(i, const(1, i.dtype)) for i in indices))


def grid(loop_vars, extents, body):
    for var, extent in reversed(list(zip(loop_vars, extents))):
        body = For(var, const(0, var.dtype), extent, ForKind.SERIAL, body)
    return body


def signature(*buffers, scalars=()):
    handles = [Var(b.name, "handle") for b in buffers]
    return [*handles, *scalars], dict(zip(handles, buffers))


ATTRS = {"global_symbol": "main", "tir.noalias": True}


def test_matmul_is_the_handwritten_block_form():
    A = te.placeholder((16, 8), name="A")
    B = te.placeholder((8, 4), name="B")
    k = te.reduce_axis((0, 8), "k")
    C = te.compute((16, 4), lambda i, j: te.sum(A[i, k] * B[k, j], axis=k), name="C")
    func = te.create_prim_func([A, B, C])

    a, b, c = (
        decl_buffer((16, 8), "float32", "A"),
        decl_buffer((8, 4), "float32", "B"),
        decl_buffer((16, 4), "float32", "C"),
    )
    i, j, kk = Var("i"), Var("j"), Var("k")
    vi, vj, vk = Var("v_i"), Var("v_j"), Var("v_k")
    block = Block(
        (IterVar(vi, Range(0, 16), S), IterVar(vj, Range(0, 4), S), IterVar(vk, Range(0, 8), R)),
        (point(a, vi, vk), point(b, vk, vj)),  # a reduction does not read its accumulator
        (point(c, vi, vj),),
        "C",
        BufferStore(c, c[vi, vj] + a[vi, vk] * b[vk, vj], (vi, vj)),
        BufferStore(c, const(0.0), (vi, vj)),
    )
    body = grid(
        [i, j, kk], [const(16), const(4), const(8)], BlockRealize((i, j, kk), const(True), block)
    )
    params, buffer_map = signature(a, b, c)
    assert_structural_equal(func, PrimFunc(params, body, buffer_map, attrs=ATTRS))


def test_names_follow_the_lambda_and_tvm_conventions():
    A = te.placeholder((4, 5), name="A")
    B = te.compute((4, 5), lambda row, col: A[row, col] + 1.0, name="B")
    C = te.compute((4, 5), lambda *idx: B[idx] * 2.0, name="C")
    func = te.create_prim_func([A, C])
    root = func.body.block
    b_loop, c_loop = root.body.seq
    assert [b_loop.loop_var.name_hint, b_loop.body.loop_var.name_hint] == ["row", "col"]
    assert [c_loop.loop_var.name_hint, c_loop.body.loop_var.name_hint] == ["i0", "i1"]
    realize = c_loop.body.body
    assert realize.block.name_hint == "C"
    assert [iv.var.name_hint for iv in realize.block.iter_vars] == ["v_i0", "v_i1"]
    assert realize.iter_values == (c_loop.loop_var, c_loop.body.loop_var)


def test_intermediate_stages_live_in_a_root_block():
    A = te.placeholder((8,), name="A")
    B = te.compute((8,), lambda i: A[i] * 2.0, name="B")
    C = te.compute((8,), lambda i: B[i] + 1.0, name="C")
    func = te.create_prim_func([A, C])
    assert isinstance(func.body, BlockRealize)
    root = func.body.block
    assert root.name_hint == "root"
    assert root.iter_vars == ()
    assert root.reads == ()
    assert root.writes == ()
    assert root.alloc_buffers == (B.buffer,)
    assert [loop.body.block.name_hint for loop in root.body.seq] == ["B", "C"]
    # With B as an argument there is nothing to allocate, and no root block.
    func = te.create_prim_func([A, B, C])
    assert isinstance(func.body, type(seq(func.body)))
    assert [s.body.block.name_hint for s in func.body.seq] == ["B", "C"]


def test_reduction_loops_follow_the_output_loops_with_their_ranges():
    A = te.placeholder((4, 6, 10), name="A")
    r1, r2 = te.reduce_axis(6, "r1"), te.reduce_axis((2, 10), "r2")
    B = te.compute((4,), lambda i: te.max(A[i, r1, r2], axis=[r1, r2]), name="B")
    func = te.create_prim_func([A, B])
    loops = [func.body, func.body.body, func.body.body.body]
    assert [(loop.loop_var.name_hint, loop.min.value, loop.extent.value) for loop in loops] == [
        ("i", 0, 4),
        ("r1", 0, 6),
        ("r2", 2, 8),
    ]
    realize = loops[-1].body
    block = realize.block
    assert [(iv.iter_type, iv.dom.min.value, iv.dom.extent.value) for iv in block.iter_vars] == [
        (S, 0, 4),
        (R, 0, 6),
        (R, 2, 8),
    ]
    assert realize.iter_values == tuple(loop.loop_var for loop in loops)
    vi = block.iter_vars[0].var
    out = B.buffer
    assert_structural_equal(block.init, BufferStore(out, const(-3.4028234663852886e38), (vi,)))
    source = A.buffer[vi, block.iter_vars[1].var, block.iter_vars[2].var]
    assert_structural_equal(block.body, BufferStore(out, max_(out[vi], source), (vi,)))


@pytest.mark.parametrize(
    ("reducer", "dtype", "identity"),
    [
        (te.sum, "float32", 0.0),
        (te.sum, "int32", 0),
        (te.max, "int8", -128),
        (te.min, "int32", 2**31 - 1),
        (te.min, "float16", 65504.0),
    ],
)
def test_reducer_identities(reducer, dtype, identity):
    A = te.placeholder((5,), dtype, name="A")
    k = te.reduce_axis(5, "k")
    B = te.compute((), lambda: reducer(A[k], axis=k), name="B")
    init = te.create_prim_func([A, B]).body.body.block.init
    assert init.value.dtype == A.dtype
    assert init.value.value == identity


def test_symbolic_shapes_bind_through_the_buffer_map():
    n, m = te.var("n"), te.var("m")
    A = te.placeholder((n, m), name="A")
    B = te.compute((n, m), lambda i, j: A[i, j] * 2.0, name="B")
    func = te.create_prim_func([A, B])
    handles = func.params
    assert [func.buffer_map[h] for h in handles] == [A.buffer, B.buffer]
    assert all(h.dtype.is_handle for h in handles)
    assert func.body.extent is n
    assert func.body.body.extent is m
    block = func.body.body.body.block
    assert [iv.dom.extent for iv in block.iter_vars] == [n, m]


def test_scalar_arguments_become_params():
    n, alpha = te.var("n"), te.var("alpha", "float32")
    A = te.placeholder((n,), name="A")
    B = te.compute((n,), lambda i: A[i] * alpha, name="B")
    func = te.create_prim_func([A, B, alpha], name="scale")
    assert func.params[2] is alpha
    assert alpha not in func.buffer_map
    assert func.attrs["global_symbol"] == "scale"


def test_unbound_variable_is_an_error():
    n, alpha = te.var("n"), te.var("alpha", "float32")
    A = te.placeholder((n,), name="A")
    B = te.compute((n,), lambda i: A[i] * alpha, name="B")
    with pytest.raises(te.TeError, match="alpha is used but not bound"):
        te.create_prim_func([A, B])
    D = te.placeholder((n * 2,), name="D")  # n only inside an expression: nothing binds it
    E = te.compute((n * 2,), lambda i: D[i] + 1.0, name="E")
    with pytest.raises(te.TeError, match="n is used but not bound"):
        te.create_prim_func([D, E])


def test_placeholder_missing_from_the_arguments():
    A = te.placeholder((4,), name="A")
    B = te.compute((4,), lambda i: A[i] + 1.0, name="B")
    with pytest.raises(te.TeError, match="placeholder A is read by B but is not an argument"):
        te.create_prim_func([B])


def test_argument_errors():
    A = te.placeholder((4,), name="A")
    B = te.compute((4,), lambda i: A[i] + 1.0, name="B")
    with pytest.raises(te.TeError, match="lists B twice"):
        te.create_prim_func([A, B, B])
    with pytest.raises(te.TeError, match="at least one computed tensor"):
        te.create_prim_func([A])
    with pytest.raises(te.TeError, match="takes a list"):
        te.create_prim_func(B)


def _programs():
    n = te.var("n")
    A = te.placeholder((n, 8), name="A")
    B = te.placeholder((8, 4), name="B")
    k, r = te.reduce_axis((0, 8), "k"), te.reduce_axis((2, 4), "r")
    C = te.compute((n, 4), lambda i, j: te.sum(A[i, k] * B[k, j], axis=k), name="C")
    D = te.compute((n,), lambda i: te.max(C[i, r], axis=r), name="D")
    E = te.compute((n, 4), lambda i, j: C[i, j] - D[i], name="E")
    yield "chain", te.create_prim_func([A, B, E])
    yield "reduce", te.create_prim_func([A, B, C, D])


@pytest.mark.parametrize(
    ("name", "func"), list(_programs()), ids=lambda p: p if isinstance(p, str) else ""
)
def test_output_round_trips_through_the_script_printer_and_parser(name, func):
    from loom.script import from_source

    text = func.script()
    parsed = from_source(text)
    assert_structural_equal(parsed, func)
    assert parsed.script() == text
