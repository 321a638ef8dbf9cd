"""DefaultCPUSchedule: a simple CPU schedule for prim_funcs no one scheduled (legalized ops).

Runs on block-level TIR, before LowerBlocks. Each *leaf nest* (perfectly nested serial loops
from 0 around one block without nested loops, blocks or buffers of its own) is rewritten, when
that is legal, so that:

- its innermost loop runs ``T.vectorized`` when that loop is *independent* (below) and has a
  constant extent: whole when the extent is at most the vector lanes of the stored dtype,
  otherwise split into a serial loop over vectors of the largest power of two (at least 4,
  at most the lanes) dividing the extent (no split, no vectors, when none does). When the
  innermost loop is not independent (a reduction), an independent loop of constant extent
  along which the block stores contiguously (its variable indexes the last dimension of
  everything written) is vectorized the same way, its vector loop moved innermost: moving an
  independent loop keeps the order of every dependent computation;
- its outermost independent loops run ``T.parallel``, fused into one loop (until the
  iterations known at compile time reach `parallel_extent`), unless the nest's compile-time
  work is below `min_parallel_work`.

A loop is *independent* when its variable is the value of one data-parallel block variable
``v`` (and of nothing else) and, for every buffer the block writes, one dimension is indexed by
exactly ``v`` in all the block's accesses to that buffer: different iterations then touch
different elements of everything written, so they may run in any order or at once. Blocks
calling impure functions are left alone, and so is a prim_func with any loop that is not
serial already (someone scheduled it). VectorizeLoops still checks each vectorized loop and
runs it serially where vector code would not compute the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from loom.ir import Visitor, replace
from loom.ir.tir import (
    Block,
    BlockRealize,
    BufferLoad,
    BufferStore,
    Call,
    For,
    ForKind,
    IntImm,
    IterType,
    Op,
    PrimExpr,
    PrimFunc,
    Stmt,
    Var,
    const,
    floordiv,
    floormod,
    op_info,
)
from loom.ir.tir.arith import Analyzer, free_vars, substitute

from ..context import PassContext
from ..pass_infra import PrimFuncPass
from .lower_blocks import has_blocks
from .substitute import StmtMutator


@dataclass(frozen=True)
class DefaultCPUSchedule(PrimFuncPass):
    """Parallelize and vectorize the leaf nests of unscheduled prim_funcs (module docstring).

    `vector_bits` sets the vector lanes (``vector_bits // dtype bits``); `parallel_extent` and
    `min_parallel_work` are counted in loop iterations.
    """

    vector_bits: int = 256
    parallel_extent: int = 64
    min_parallel_work: int = 4096

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Schedule the leaf nests of `func`, unless it is scheduled already."""
        if not has_blocks(func.body) or _has_scheduled_loop(func.body):
            return func
        body = _Scheduler(self).visit(func.body)
        return func if body is func.body else replace(func, body=body)


class _Scheduler(StmtMutator):
    def __init__(self, options: DefaultCPUSchedule) -> None:
        super().__init__()
        self.options = options

    def visit_for(self, loop: For) -> Stmt:
        loops = [loop]
        while isinstance(loops[-1].body, For):
            loops.append(loops[-1].body)
        inner = loops[-1].body
        if isinstance(inner, BlockRealize) and _is_leaf(inner.block):
            nest = _Nest(loops, inner)
            if nest.plain:
                return nest.schedule(self.options)
        return self.generic_visit(loop)


def _is_leaf(block: Block) -> bool:
    """A block of plain statements: no loops or blocks inside, no buffers of its own."""
    if block.alloc_buffers or block.match_buffers:
        return False
    finder = _Finder((For, BlockRealize))
    finder.visit(block.body)
    if block.init is not None:
        finder.visit(block.init)
    return not finder.found


class _Nest:
    """One leaf nest: its loops, outermost first, and the block they run."""

    def __init__(self, loops: list[For], realize: BlockRealize) -> None:
        self.loops = loops
        self.realize = realize
        self.plain = all(
            loop.kind is ForKind.SERIAL
            and not loop.annotations
            and isinstance(loop.min, IntImm)
            and loop.min.value == 0
            for loop in loops
        )

    def schedule(self, options: DefaultCPUSchedule) -> Stmt:
        independent = _independent_loops(self.loops, self.realize)
        if not independent:
            return self.loops[0]
        # (variable, extent, kind) of the new nest, outermost first, and the old loop values.
        nest: list[tuple[Var, PrimExpr, ForKind]] = [
            (loop.loop_var, loop.extent, ForKind.SERIAL) for loop in self.loops
        ]
        values: dict[Var, PrimExpr] = {}
        candidates = [loop.loop_var for loop in self.loops if loop.loop_var in independent]
        position = self._vector_loop(independent)
        if position is not None:
            var, extent = self.loops[position].loop_var, self.loops[position].extent
            assert isinstance(extent, IntImm), "only constant extents are vectorized"
            lanes = max(1, options.vector_bits // _stored_bits(self.realize.block))
            width = _vector_split(extent.value, lanes)
            if width is not None:
                outer_var = _vectorize(nest, values, position, width)
                candidates = [v for v in candidates if v is not var]
                if outer_var is not None:
                    candidates.append(outer_var)
        band = _band(nest, candidates)
        if band and _work(nest) >= options.min_parallel_work:
            _parallelize(nest, values, band, options.parallel_extent)
        if not values and all(kind is ForKind.SERIAL for _, _, kind in nest):
            return self.loops[0]
        return self._rebuild(nest, values)

    def _vector_loop(self, independent: dict[Var, Var]) -> int | None:
        """The loop to vectorize: the innermost one if independent, else one stored along.

        An independent loop whose block variable indexes the last dimension of every access to
        what the block writes (a reduction's output row, say) moves innermost (its vector part,
        when it splits): its iterations may run in any order, and its stores are contiguous.
        """
        last = self.loops[-1]
        if last.loop_var in independent:
            return len(self.loops) - 1 if isinstance(last.extent, IntImm) else None
        accesses = _block_accesses(self.realize.block)
        for position in range(len(self.loops) - 2, -1, -1):
            loop = self.loops[position]
            iter_var = independent.get(loop.loop_var)
            if iter_var is None or not isinstance(loop.extent, IntImm):
                continue
            if all(all(ix[-1] is iter_var for ix, _ in found) for found in accesses.written()):
                return position
        return None

    def _rebuild(self, nest: list[tuple[Var, PrimExpr, ForKind]], values: dict[Var, PrimExpr]):
        analyzer = Analyzer()
        for var, extent, _ in nest:
            analyzer.bind(var, (const(0, var.dtype), extent))
        realize = self.realize
        if values:
            iter_values = tuple(
                analyzer.simplify(substitute(v, values)) for v in realize.iter_values
            )
            predicate = substitute(realize.predicate, values)
            realize = replace(realize, iter_values=iter_values, predicate=predicate)
        body: Stmt = realize
        for var, extent, kind in reversed(nest):
            body = For(var, const(0, var.dtype), extent, kind, body)
        return body


def _independent_loops(loops: list[For], realize: BlockRealize) -> dict[Var, Var]:
    """The loops whose iterations touch disjoint elements of what the block writes.

    Each maps to the block variable it is the value of.
    """
    block = realize.block
    if has_side_effects_in(block):
        return {}
    accesses = _block_accesses(block)
    out: dict[Var, Var] = {}
    for loop in loops:
        var = loop.loop_var
        uses = [k for k, value in enumerate(realize.iter_values) if var in free_vars(value)]
        if len(uses) != 1 or realize.iter_values[uses[0]] is not var:
            continue
        iter_var = block.iter_vars[uses[0]]
        if iter_var.iter_type is not IterType.DATA_PAR:
            continue
        if all(_pinned(found, iter_var.var) for found in accesses.written()):
            out[var] = iter_var.var
    return out


def _block_accesses(block: Block) -> _Accesses:
    accesses = _Accesses()
    accesses.visit(block.body)
    if block.init is not None:
        accesses.visit(block.init)
    return accesses


def _pinned(accesses: list[tuple[tuple[PrimExpr, ...], bool]], var: Var) -> bool:
    """Whether one dimension is indexed by exactly `var` in all `accesses` of a buffer."""
    ndim = len(accesses[0][0])
    return any(all(indices[d] is var for indices, _ in accesses) for d in range(ndim))


def has_side_effects_in(block: Block) -> bool:
    """Whether the block's statements call an impure function."""
    finder = _ImpureFinder()
    finder.visit(block.body)
    if block.init is not None:
        finder.visit(block.init)
    return finder.found


def _stored_bits(block: Block) -> int:
    finder = _Finder((BufferStore,))
    finder.visit(block.body)
    store = finder.first
    assert isinstance(store, BufferStore), "an independent loop's block writes something"
    return store.buffer.dtype.bits


def _vector_split(extent: int, lanes: int) -> int | None:
    """The vector width for an innermost loop of `extent` (None: leave it scalar)."""
    if extent < 2 or lanes < 2:
        return None
    if extent <= lanes:
        return extent
    width = 1 << int(math.log2(lanes))
    while width >= 4:
        if extent % width == 0:
            return width
        width //= 2
    return None


def _vectorize(
    nest: list[tuple[Var, PrimExpr, ForKind]],
    values: dict[Var, PrimExpr],
    position: int,
    width: int,
) -> Var | None:
    """Run loop `position` innermost as vectors of `width` lanes; the split-off outer loop.

    A loop of `width` iterations moves innermost whole; a longer one leaves a serial loop over
    the vectors in its place (returned).
    """
    var, extent, _ = nest[position]
    assert isinstance(extent, IntImm), "only constant extents are vectorized"
    if extent.value == width:
        del nest[position]
        nest.append((var, extent, ForKind.VECTORIZED))
        return None
    outer = Var(f"{var.name_hint}_outer", var.dtype)
    lanes = Var(f"{var.name_hint}_inner", var.dtype)
    values[var] = outer * const(width, var.dtype) + lanes
    nest[position] = (outer, const(extent.value // width, var.dtype), ForKind.SERIAL)
    nest.append((lanes, const(width, var.dtype), ForKind.VECTORIZED))
    return outer


def _band(nest: list[tuple[Var, PrimExpr, ForKind]], candidates: list[Var]) -> int:
    """How many outermost loops of `nest` are independent (the band that may run in parallel)."""
    allowed = set(candidates)
    count = 0
    for var, _, kind in nest:
        if var not in allowed or kind is not ForKind.SERIAL:
            break
        count += 1
    return count


def _work(nest: list[tuple[Var, PrimExpr, ForKind]]) -> float:
    """Iterations of the nest known at compile time (a symbolic extent counts as unbounded)."""
    work = 1.0
    for _, extent, _ in nest:
        work *= extent.value if isinstance(extent, IntImm) else math.inf
    return work


def _parallelize(
    nest: list[tuple[Var, PrimExpr, ForKind]],
    values: dict[Var, PrimExpr],
    band: int,
    target: int,
) -> None:
    """Fuse the outermost loops of the band until `target` iterations are known; run it parallel."""
    count, known = 0, 1
    while count < band and known < target:
        extent = nest[count][1]
        known *= extent.value if isinstance(extent, IntImm) else 1
        count += 1
    fused = nest[:count]
    if count == 1:
        var, extent, _ = fused[0]
        if isinstance(extent, IntImm) and extent.value < 2:
            return
        nest[0] = (var, extent, ForKind.PARALLEL)
        return
    dtype = fused[0][0].dtype
    var = Var("_".join(v.name_hint for v, _, _ in fused) + "_fused", dtype)
    extent = fused[0][1]
    for _, e, _ in fused[1:]:
        extent = extent * e
    rest: PrimExpr = var
    for old, e, _ in reversed(fused[1:]):
        values[old] = floormod(rest, e)
        rest = floordiv(rest, e)
    values[fused[0][0]] = rest
    for old, value in list(values.items()):  # a split loop may be among the fused ones
        values[old] = substitute(value, values)
    nest[:count] = [(var, Analyzer().simplify(extent), ForKind.PARALLEL)]


class _Finder(Visitor):
    def __init__(self, kinds: tuple[type, ...]) -> None:
        self.kinds = kinds
        self.first: object = None

    @property
    def found(self) -> bool:
        return self.first is not None

    def visit(self, node: object) -> None:
        if self.first is not None:
            return
        if isinstance(node, self.kinds):
            self.first = node
            return
        super().visit(node)


class _ImpureFinder(Visitor):
    def __init__(self) -> None:
        self.found = False

    def visit_call(self, call: Call) -> None:
        pure = isinstance(call.op, Op) and op_info(call.op).pure
        self.found = self.found or not pure
        self.generic_visit(call)


class _Accesses(Visitor):
    """Loads and stores of a block, by buffer data variable."""

    def __init__(self) -> None:
        self.by_data: dict[Var, list[tuple[tuple[PrimExpr, ...], bool]]] = {}

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self.by_data.setdefault(node.buffer.data, []).append((node.indices, False))
        self.generic_visit(node)

    def visit_buffer_store(self, node: BufferStore) -> None:
        self.by_data.setdefault(node.buffer.data, []).append((node.indices, True))
        self.generic_visit(node)

    def written(self) -> list[list[tuple[tuple[PrimExpr, ...], bool]]]:
        """The accesses of each buffer the block writes."""
        return [found for found in self.by_data.values() if any(store for _, store in found)]


def _has_scheduled_loop(stmt: Stmt) -> bool:
    finder = _KindFinder()
    finder.visit(stmt)
    return finder.found


class _KindFinder(Visitor):
    def __init__(self) -> None:
        self.found = False

    def visit_for(self, loop: For) -> None:
        self.found = self.found or loop.kind is not ForKind.SERIAL or bool(loop.annotations)
        self.generic_visit(loop)
