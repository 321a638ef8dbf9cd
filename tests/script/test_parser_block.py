"""Parsing T blocks: axes, predicates, regions, annotations, allocations, init, root blocks."""

from loom.ir import DataType, assert_structural_equal, replace, tir
from loom.ir.tir import IterType
from loom.ir.tir.regions import infer_block_regions
from loom.script import from_source


def imm(dtype, value):
    return tir.IntImm(dtype, value)


def rng(lo, extent):
    return tir.Range(lo, extent)


def innermost(stmt):
    """Follow loops down to the first BlockRealize."""
    while not isinstance(stmt, tir.BlockRealize):
        stmt = stmt.body if not isinstance(stmt, tir.SeqStmt) else stmt.seq[0]
    return stmt


MATMUL = """
@T.prim_func
def matmul(A: T.Buffer((16, 8), "float32"), B: T.Buffer((8, 4), "float32"),
           C: T.Buffer((16, 4), "float32")):
    for i, j, k in T.grid(16, 4, 8):
        with T.block("C"):
            vi, vj, vk = T.axis.remap("SSR", [i, j, k])
            T.reads(A[vi, vk], B[vk, vj])
            T.writes(C[vi, vj])
            with T.init():
                C[vi, vj] = T.float32(0)
            C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vk, vj]
"""


def test_remap_declares_block_variables_over_whole_loops():
    func = from_source(MATMUL)
    realize = innermost(func.body)
    block = realize.block
    loops = [func.body, func.body.body, func.body.body.body]
    assert realize.iter_values == tuple(f.loop_var for f in loops)
    assert [iv.var.name_hint for iv in block.iter_vars] == ["vi", "vj", "vk"]
    kinds = [iv.iter_type for iv in block.iter_vars]
    assert kinds == [IterType.DATA_PAR, IterType.DATA_PAR, IterType.COMM_REDUCE]
    for iv, f in zip(block.iter_vars, loops):
        assert_structural_equal((iv.dom.min, iv.dom.extent), (f.min, f.extent))
    assert_structural_equal(realize.predicate, imm("bool", 1))
    assert block.name_hint == "C"


def test_init_reads_writes_and_body():
    func = from_source(MATMUL)
    block = innermost(func.body).block
    A, B, C = (func.buffer_map[p] for p in func.params)
    vi, vj, vk = (iv.var for iv in block.iter_vars)
    one = imm("int32", 1)
    expected_reads = (
        tir.BufferRegion(A, (rng(vi, one), rng(vk, one))),
        tir.BufferRegion(B, (rng(vk, one), rng(vj, one))),
    )
    assert_structural_equal(block.reads, expected_reads)
    assert_structural_equal(block.writes, (tir.BufferRegion(C, (rng(vi, one), rng(vj, one))),))
    assert isinstance(block.init, tir.BufferStore)
    assert block.init.buffer is C
    assert isinstance(block.body.value, tir.Add)


def test_axis_constructs_with_extents_and_bounds():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((64,), "float32"), l: T.int64):
            for i, j in T.grid(4, 16):
                with T.block("b"):
                    v0 = T.axis.spatial(64, i * 16 + j)
                    v1 = T.axis.reduce((2, 10), j)
                    v2 = T.axis.scan(4, i)
                    v3 = T.axis.opaque(l, T.int64(0))
                    T.where(i * 16 + j < 60)
                    T.reads()
                    T.writes(A[v0])
                    A[v0] = T.float32(0)
        """
    )
    realize = innermost(func.body)
    v0, v1, v2, v3 = realize.block.iter_vars
    assert [iv.iter_type for iv in (v0, v1, v2, v3)] == [
        IterType.DATA_PAR,
        IterType.COMM_REDUCE,
        IterType.ORDERED,
        IterType.OPAQUE,
    ]
    assert_structural_equal((v0.dom.min, v0.dom.extent), (imm("int32", 0), imm("int32", 64)))
    assert_structural_equal((v1.dom.min, v1.dom.extent), (imm("int32", 2), imm("int32", 8)))
    assert v3.var.dtype == DataType.parse("int64")
    assert v3.dom.extent is func.params[1]
    assert_structural_equal(v3.dom.min, imm("int64", 0))
    assert isinstance(realize.iter_values[0], tir.Add)
    assert isinstance(realize.predicate, tir.LT)


def test_region_forms():
    func = from_source(
        """
        @T.prim_func
        def fn(a: T.handle, B: T.Buffer((128,), "float32")):
            n = T.int32()
            A = T.match_buffer(a, (4, n), "float32")
            for i in range(4):
                with T.block("r"):
                    vi = T.axis.spatial(4, i)
                    T.reads([A[vi, 0:n], B[0:128]], A[vi, :])
                    T.writes(B)
                    B[vi] = A[vi, 0]
        """
    )
    A = func.buffer_map[func.params[0]]
    B = func.buffer_map[func.params[1]]
    n = A.shape[1]
    block = innermost(func.body).block
    vi = block.iter_vars[0].var
    one, zero = imm("int32", 1), imm("int32", 0)
    expected = (
        tir.BufferRegion(A, (rng(vi, one), rng(zero, n))),
        tir.BufferRegion(B, (rng(zero, imm("int32", 128)),)),
        tir.BufferRegion(A, (rng(vi, one), rng(zero, n))),
    )
    assert_structural_equal(block.reads, expected)
    assert_structural_equal(block.writes, (tir.BufferRegion(B, (rng(zero, imm("int32", 128)),)),))


def test_empty_regions_attrs_allocations_and_match_buffers():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4, 16), "float32")):
            for i in range(4):
                with T.block():
                    vi = T.axis.spatial(4, i)
                    T.reads()
                    T.writes()
                    T.block_attr({"meta": 1, "flag": True})
                    local = T.alloc_buffer((4,), "float32", scope="local")
                    row = T.match_buffer(A[vi, 4:8], offset_factor=1)
                    local[0] = row[0, 0]
        """
    )
    block = innermost(func.body).block
    assert block.name_hint == ""
    assert block.reads == ()
    assert block.writes == ()
    assert dict(block.annotations) == {"meta": 1, "flag": True}
    (local,) = block.alloc_buffers
    assert local.name == "local"
    assert local.scope == "local"
    (match,) = block.match_buffers
    assert match.buffer.name == "row"
    assert_structural_equal(match.buffer.shape, (imm("int32", 1), imm("int32", 4)))
    assert match.source.buffer is func.buffer_map[func.params[0]]
    assert_structural_equal(match.source.region[1], rng(imm("int32", 4), imm("int32", 4)))


def test_function_level_alloc_buffer_makes_a_root_block():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "float32")):
            B = T.alloc_buffer((4,), "float32")
            for i in range(4):
                B[i] = A[i]
            for i in range(4):
                A[i] = B[i]
        """
    )
    root = func.body
    assert isinstance(root, tir.BlockRealize)
    assert root.iter_values == ()
    assert root.block.name_hint == "root"
    assert [b.name for b in root.block.alloc_buffers] == ["B"]
    assert root.block.reads == ()
    assert root.block.writes == ()
    assert isinstance(root.block.body, tir.SeqStmt)


def test_explicit_root_block_parses_like_any_block():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "float32")):
            with T.block("root"):
                T.reads()
                T.writes()
                B = T.alloc_buffer((4,), "float32")
                for i in range(4):
                    B[i] = A[i]
        """
    )
    implicit = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "float32")):
            B = T.alloc_buffer((4,), "float32")
            for i in range(4):
                B[i] = A[i]
        """
    )
    assert_structural_equal(func, implicit)


def test_blocks_without_regions_get_inferred_ones():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "float32")):
            for i in range(8):
                with T.block("B"):
                    vi = T.axis.spatial(8, i)
                    T.writes(B[vi])
                    B[vi] = A[vi] + T.float32(1)
            for i in range(8):
                with T.block("A"):
                    vi = T.axis.spatial(8, i)
                    A[vi] = B[vi]
        """
    )
    first, second = (s.body.block for s in func.body.seq)
    reads, _ = infer_block_regions(replace(first, reads=()))
    assert_structural_equal(first.reads, reads)
    assert first.writes[0].buffer is func.buffer_map[func.params[1]]  # kept as written
    reads, writes = infer_block_regions(replace(second, reads=(), writes=()))
    assert_structural_equal((second.reads, second.writes), (reads, writes))


def test_inferred_regions_of_a_matmul_match_the_written_ones():
    inferred = MATMUL.replace("            T.reads(A[vi, vk], B[vk, vj])\n", "").replace(
        "            T.writes(C[vi, vj])\n", ""
    )
    assert "T.reads" not in inferred
    assert_structural_equal(from_source(inferred), from_source(MATMUL))
