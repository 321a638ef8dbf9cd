"""Block region inference: the buffer regions a block reads and writes, found from its body.

The script parser fills in ``T.reads``/``T.writes`` with this when a block leaves them out;
passes that rebuild blocks use it too. Conventions (TVM's):

- Accesses through variables bound inside the block (inner loops, lets, inner blocks' iteration
  variables) are relaxed over those variables' ranges; a point access keeps its index as written
  (``A[vi, vk]``), so a generated block reads like hand-written TVMScript.
- All accesses to one buffer merge into one covering region, buffers in order of first access
  (the ``init`` statement is visited before the body).
- Buffers the block allocates are left out; an access to a ``match_buffer`` view counts as an
  access to the view's source region.
- A block with an ``init`` statement is a reduction: buffers it writes are left out of its reads
  (its own accumulator is not an input).
- An opaque access (a buffer's data pointer passed to a call) reads and writes the whole buffer.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..dtype import DataType
from ..functor import Visitor
from .arith import Analyzer, IntervalSet, expr_equal, free_vars
from .buffer import Buffer
from .expr import BufferLoad, Cast, IntImm, Let, Max, Min, PrimExpr, Var
from .stmt import (
    Allocate,
    Block,
    BlockRealize,
    BufferRegion,
    BufferStore,
    DeclBuffer,
    For,
    LetStmt,
    MatchBufferRegion,
    Range,
)

Regions = tuple[tuple[BufferRegion, ...], tuple[BufferRegion, ...]]


def infer_block_regions(block: Block, *, visible_buffers: Iterable[Buffer] = ()) -> Regions:
    """The ``(reads, writes)`` regions of `block`, inferred from its body and init.

    `visible_buffers` name the buffers whose data pointers may be used opaquely (e.g. the
    function's parameters); a data pointer of a buffer the block never loads or stores is only
    recognised through them.
    """
    collector = _Collector(block, visible_buffers)
    if block.init is not None:
        collector.visit(block.init)
    collector.visit(block.body)
    return collector.result(block.init is not None)


class _Collector(Visitor):
    def __init__(self, block: Block, visible: Iterable[Buffer]) -> None:
        self.analyzer = Analyzer()
        for iv in block.iter_vars:
            if iv.dom is not None and iv.var.dtype.is_integer:
                self.analyzer.bind(iv.var, iv.dom)
        self.dom: dict[Var, IntervalSet] = {}
        self.local_data: set[Var] = {b.data for b in block.alloc_buffers}
        self.matched: dict[Var, MatchBufferRegion] = {m.buffer.data: m for m in block.match_buffers}
        self.by_data: dict[Var, Buffer] = {b.data: b for b in visible}
        for match in block.match_buffers:
            self.by_data.setdefault(match.source.buffer.data, match.source.buffer)
        self.reads: dict[Buffer, list[list[IntervalSet]]] = {}
        self.writes: dict[Buffer, list[list[IntervalSet]]] = {}
        self.opaque: dict[Buffer, None] = {}

    # -- statements ------------------------------------------------------------------------

    def visit_buffer_store(self, node: BufferStore) -> None:
        self._access(self.writes, node.buffer, node.indices)
        self.visit(node.value)
        for index in node.indices:
            self.visit(index)

    def visit_for(self, node: For) -> None:
        self.visit(node.min)
        self.visit(node.extent)
        self._bind(node.loop_var, IntervalSet.from_range(Range(node.min, node.extent)))
        try:
            self.visit(node.body)
        finally:
            self.dom.pop(node.loop_var, None)

    def visit_let_stmt(self, node: LetStmt) -> None:
        self.visit(node.value)
        self._bind(node.var, IntervalSet.point(node.value))
        try:
            self.visit(node.body)
        finally:
            self.dom.pop(node.var, None)

    def visit_allocate(self, node: Allocate) -> None:
        self.local_data.add(node.buffer_var)
        for extent in node.extents:
            self.visit(extent)
        self.visit(node.condition)
        self.visit(node.body)

    def visit_decl_buffer(self, node: DeclBuffer) -> None:
        self.visit(node.body)

    def visit_block_realize(self, node: BlockRealize) -> None:
        for value in node.iter_values:
            self.visit(value)
        self.visit(node.predicate)
        self._inner_block(node.block, node.iter_values)

    def visit_block(self, node: Block) -> None:
        self._inner_block(node, ())

    def _inner_block(self, block: Block, values: tuple[PrimExpr, ...]) -> None:
        # The inner block's own regions, with its iteration variables replaced by their values.
        saved = {iv.var: self.dom.get(iv.var) for iv in block.iter_vars}
        for iv, value in zip(block.iter_vars, values, strict=False):
            self.dom[iv.var] = IntervalSet.point(value)
        try:
            for target, regions in ((self.reads, block.reads), (self.writes, block.writes)):
                for region in regions:
                    dims = [self._relax_range(r) for r in region.region]
                    self._record(target, region.buffer, dims)
        finally:
            for var, old in saved.items():
                if old is None:
                    self.dom.pop(var, None)
                else:
                    self.dom[var] = old

    # -- expressions -----------------------------------------------------------------------

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self._access(self.reads, node.buffer, node.indices)
        for index in node.indices:
            self.visit(index)

    def visit_let(self, node: Let) -> None:
        self.visit(node.value)
        self._bind(node.var, IntervalSet.point(node.value))
        try:
            self.visit(node.body)
        finally:
            self.dom.pop(node.var, None)

    def visit_var(self, node: Var) -> None:
        if node.dtype.is_handle:
            buffer = self.by_data.get(node)
            if buffer is not None and node not in self.local_data:
                self._opaque(buffer)

    # -- recording -------------------------------------------------------------------------

    def _bind(self, var: Var, interval: IntervalSet) -> None:
        self.dom[var] = interval

    def _access(
        self, target: dict[Buffer, list[list[IntervalSet]]], buffer: Buffer, indices: tuple
    ) -> None:
        self.by_data.setdefault(buffer.data, buffer)
        dims = [self._relax_index(index) for index in indices]
        self._record(target, buffer, dims)

    def _record(
        self,
        target: dict[Buffer, list[list[IntervalSet]]],
        buffer: Buffer,
        dims: list[IntervalSet],
    ) -> None:
        if buffer.data in self.local_data:
            return
        match = self.matched.get(buffer.data)
        if match is not None:
            buffer = match.source.buffer
            dims = [self._relax_range(r) for r in match.source.region]
        target.setdefault(buffer, []).append(dims)

    def _opaque(self, buffer: Buffer) -> None:
        match = self.matched.get(buffer.data)
        self.opaque[match.source.buffer if match is not None else buffer] = None

    def _relax_index(self, index: PrimExpr) -> IntervalSet:
        if index.dtype.is_scalar and not self._uses_relaxed(index):
            return IntervalSet.point(index)
        return self.analyzer.int_set(index, self.dom)

    def _relax_range(self, rng: Range) -> IntervalSet:
        if isinstance(rng.extent, IntImm) and rng.extent.value == 1:
            return self._relax_index(rng.min)
        last = rng.min + rng.extent - 1
        if not self._uses_relaxed(rng.min) and not self._uses_relaxed(last):
            return IntervalSet(rng.min, self.analyzer.simplify(last))
        lo = self.analyzer.int_set(rng.min, self.dom).min_value
        hi = self.analyzer.int_set(last, self.dom).max_value
        return IntervalSet(lo, hi)

    def _uses_relaxed(self, expr: PrimExpr) -> bool:
        return bool(self.dom) and any(v in self.dom for v in free_vars(expr))

    # -- result ----------------------------------------------------------------------------

    def result(self, is_reduction: bool) -> Regions:
        writes = [self._cover(b, accesses) for b, accesses in self.writes.items()]
        written = {region.buffer for region in writes}
        reads = [
            self._cover(b, accesses)
            for b, accesses in self.reads.items()
            if not (is_reduction and b in written)
        ]
        if self.opaque:
            reads = [r for r in reads if r.buffer not in self.opaque]
            writes = [w for w in writes if w.buffer not in self.opaque]
            full = [BufferRegion.full(b) for b in self.opaque]
            reads += full
            writes += full
        return tuple(reads), tuple(writes)

    def _cover(self, buffer: Buffer, accesses: list[list[IntervalSet]]) -> BufferRegion:
        ranges = []
        for dim, extent in enumerate(buffer.shape):
            sets = [access[dim] for access in accesses]
            ranges.append(self._cover_dim(sets, extent))
        return BufferRegion(buffer, tuple(ranges))

    def _cover_dim(self, sets: list[IntervalSet], extent: PrimExpr) -> Range:
        first = sets[0]
        if all(s.is_single_point() for s in sets) and all(
            _same(s.min_value, first.min_value) for s in sets[1:]
        ):
            assert first.min_value is not None
            return Range(first.min_value, IntImm(first.min_value.dtype, 1))
        # One dtype for the whole range: the accesses' index dtype (indices may be narrower
        # than the buffer's shape), the shape's when no access bounds it.
        ends = [e for s in sets for e in (s.min_value, s.max_value) if e is not None]
        dtype = ends[0].dtype if ends else extent.dtype
        lows = [s.min_value for s in sets]
        highs = [s.max_value for s in sets]
        lo = _fold(Min, lows, dtype) if None not in lows else IntImm(dtype, 0)
        hi = _fold(Max, highs, dtype) if None not in highs else _cast(extent, dtype) - 1
        lo, hi = self.analyzer.simplify(lo), self.analyzer.simplify(hi)
        if _same(lo, hi):
            return Range(lo, IntImm(dtype, 1))
        return Range(lo, self.analyzer.simplify(hi - lo + 1))


def _same(a: PrimExpr | None, b: PrimExpr | None) -> bool:
    return a is not None and b is not None and expr_equal(a, b)


def _fold(cls: type, exprs: list, dtype: DataType) -> PrimExpr:
    result = _cast(exprs[0], dtype)
    for expr in exprs[1:]:
        result = cls(result, _cast(expr, dtype))
    return result


def _cast(expr: PrimExpr, dtype: DataType) -> PrimExpr:
    if expr.dtype == dtype:
        return expr
    if isinstance(expr, IntImm):
        return IntImm(dtype, expr.value)
    return Cast(dtype, expr)
