"""Block region inference: reads and writes from a block's body, TVM's conventions."""

from strategies import tir_expr_text

from loom.ir import tir
from loom.ir.tir import (
    Allocate,
    Block,
    BlockRealize,
    BufferRegion,
    BufferStore,
    DeclBuffer,
    Evaluate,
    For,
    ForKind,
    IfThenElse,
    IntImm,
    IterType,
    IterVar,
    LetStmt,
    MatchBufferRegion,
    Range,
    Var,
    decl_buffer,
    seq,
)
from loom.ir.tir.arith import expr_equal
from loom.ir.tir.regions import infer_block_regions

A = decl_buffer((128, 128), "float32", "A")
B = decl_buffer((128, 128), "float32", "B")
C = decl_buffer((128, 128), "float32", "C")
vi, vj, vk = Var("vi"), Var("vj"), Var("vk")
k, n = Var("k"), Var("n")
SPATIAL = (
    IterVar(vi, Range(0, 128), IterType.DATA_PAR),
    IterVar(vj, Range(0, 128), IterType.DATA_PAR),
)
REDUCE = IterVar(vk, Range(0, 128), IterType.COMM_REDUCE)
ZERO = tir.const(0.0)


def c(value):
    return IntImm("int32", value)


def block(body, init=None, iter_vars=SPATIAL, **kwargs):
    return Block(iter_vars, (), (), "blk", body, init, **kwargs)


def text(region: BufferRegion) -> str:
    dims = []
    for rng in region.region:
        if isinstance(rng.extent, IntImm) and rng.extent.value == 1:
            dims.append(tir_expr_text(rng.min))
        else:
            dims.append(f"{tir_expr_text(rng.min)} +{tir_expr_text(rng.extent)}")
    return f"{region.buffer.name}[{', '.join(dims)}]"


def check(regions, *expected):
    got = [text(r) for r in regions]
    assert got == list(expected)


def matmul_update():
    return BufferStore(C, C[vi, vj] + A[vi, vk] * B[vk, vj], (vi, vj))


def test_reduction_with_init_does_not_read_its_output():
    reads, writes = infer_block_regions(
        block(matmul_update(), BufferStore(C, ZERO, (vi, vj)), (*SPATIAL, REDUCE))
    )
    check(reads, "A[vi, vk]", "B[vk, vj]")
    check(writes, "C[vi, vj]")


def test_update_without_init_reads_its_output():
    reads, writes = infer_block_regions(block(matmul_update(), iter_vars=(*SPATIAL, REDUCE)))
    check(reads, "C[vi, vj]", "A[vi, vk]", "B[vk, vj]")
    check(writes, "C[vi, vj]")


def test_point_indices_are_kept_as_written():
    index = vi * 2 + 1 - 1
    reads, _ = infer_block_regions(block(BufferStore(C, A[index, vj], (vi, vj))))
    assert reads[0].region[0].min is index
    assert reads[0].region[1].min is vj
    assert expr_equal(reads[0].region[0].extent, c(1))


def test_inner_loops_are_relaxed():
    body = For(k, c(0), c(16), ForKind.SERIAL, BufferStore(C, A[vi, vj * 16 + k], (vi, vj)))
    reads, writes = infer_block_regions(block(body))
    check(reads, "A[vi, vj * 16 +16]")
    check(writes, "C[vi, vj]")
    symbolic = For(k, c(0), n, ForKind.SERIAL, BufferStore(C, A[vi, k], (vi, k)))
    reads, writes = infer_block_regions(block(symbolic))
    check(reads, "A[vi, 0 +n]")
    check(writes, "C[vi, 0 +n]")


def test_let_variables_are_relaxed_through_their_values():
    v = Var("v")
    body = For(k, c(0), c(4), ForKind.SERIAL, LetStmt(v, k * 2, BufferStore(C, A[vi, v], (vi, vj))))
    reads, _ = infer_block_regions(block(body))
    check(reads, "A[vi, 0 +7]")


def test_accesses_to_one_buffer_merge_in_order_of_first_access():
    body = seq(
        BufferStore(C, B[vi, vj] + A[vi, vj], (vi, vj)),
        BufferStore(C, A[vi, vj + 1] + B[vi, vj], (vi, vj)),
    )
    reads, writes = infer_block_regions(block(body))
    check(reads, "B[vi, vj]", "A[vi, vj +2]")
    check(writes, "C[vi, vj]")


def test_both_branches_of_an_if_count():
    body = IfThenElse(
        vi < 64, BufferStore(C, A[vi, vj], (vi, vj)), BufferStore(C, B[vi, vj], (vi, vj))
    )
    reads, _ = infer_block_regions(block(body))
    check(reads, "A[vi, vj]", "B[vi, vj]")


def test_allocated_buffers_are_left_out():
    local = decl_buffer((4,), "float32", "local")
    body = seq(BufferStore(local, A[vi, vj], (c(0),)), BufferStore(C, local[0], (vi, vj)))
    reads, writes = infer_block_regions(block(body, alloc_buffers=(local,)))
    check(reads, "A[vi, vj]")
    check(writes, "C[vi, vj]")
    scratch = decl_buffer((4,), "float32", "scratch")
    uses = seq(BufferStore(scratch, A[vi, vj], (c(0),)), BufferStore(C, scratch[0], (vi, vj)))
    inner = Allocate(
        scratch.data, scratch.dtype, (c(4),), tir.const(True), DeclBuffer(scratch, uses)
    )
    reads, writes = infer_block_regions(block(inner))
    check(reads, "A[vi, vj]")
    check(writes, "C[vi, vj]")


def test_match_buffers_count_their_source_region():
    view = decl_buffer((4,), "float32", "view")
    match = MatchBufferRegion(view, BufferRegion(A, (Range(vi, 1), Range(vj * 4, 4))))
    body = BufferStore(C, view[1] + view[2], (vi, vj))
    reads, writes = infer_block_regions(block(body, match_buffers=(match,)))
    check(reads, "A[vi, vj * 4 +4]")
    check(writes, "C[vi, vj]")


def test_inner_blocks_use_their_regions_with_bindings_substituted():
    wi = Var("wi")
    inner = Block(
        (IterVar(wi, Range(0, 128), IterType.DATA_PAR),),
        (BufferRegion(A, (Range(vi, 1), Range(wi, 1))),),
        (BufferRegion(C, (Range(vi, 1), Range(wi, 1))),),
        "inner",
        BufferStore(C, A[vi, wi], (vi, wi)),
    )
    body = For(k, c(0), c(8), ForKind.SERIAL, BlockRealize((vj * 8 + k,), tir.const(True), inner))
    reads, writes = infer_block_regions(block(body))
    check(reads, "A[vi, vj * 8 +8]")
    check(writes, "C[vi, vj * 8 +8]")


def test_opaque_access_reads_and_writes_the_whole_buffer():
    call = tir.call_extern("int32", "fill", A.data, vi)
    body = seq(BufferStore(C, A[vi, vj], (vi, vj)), Evaluate(call))
    reads, writes = infer_block_regions(block(body))
    check(reads, "A[0 +128, 0 +128]")
    check(writes, "C[vi, vj]", "A[0 +128, 0 +128]")
    passed = Evaluate(tir.call_extern("int32", "fill", B.data))
    reads, writes = infer_block_regions(block(passed), visible_buffers=(B,))
    check(reads, "B[0 +128, 0 +128]")
    check(writes, "B[0 +128, 0 +128]")


def test_vector_indices_are_relaxed():
    ramp = tir.Ramp(vj * 4, c(1), 4)
    vec = decl_buffer((128, 128), "float32", "V")
    body = BufferStore(vec, tir.Broadcast(ZERO, 4), (vi, ramp))
    _, writes = infer_block_regions(block(body))
    check(writes, "V[vi, vj * 4 +4]")


def test_a_block_without_accesses_has_no_regions():
    assert infer_block_regions(block(Evaluate(c(0)))) == ((), ())


def test_indices_of_mixed_dtypes_merge_into_one_dtype():
    wide = decl_buffer((tir.const(128, "int64"),), "float32", "W")
    second = tir.Cast("int64", vi) + tir.const(1, "int64")
    reads, _ = infer_block_regions(block(BufferStore(C, wide[vi] + wide[second], (vi, vj))))
    rng = reads[0].region[0]
    assert rng.min.dtype == rng.extent.dtype == vi.dtype
