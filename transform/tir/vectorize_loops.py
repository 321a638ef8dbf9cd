"""VectorizeLoops: turn ``T.vectorized`` loops into straight-line vector code (after LowerBlocks).

After the pass, no loop has kind `ForKind.VECTORIZED`. Each became either vector code — the
loop variable replaced by ``T.Ramp(min, 1, lanes)``, loads and stores with vector indices,
lane-wise arithmetic, casts, selects and intrinsic calls of vector dtype, scalars broadcast —
or, where that would not mean the same thing, a serial loop (the scalar fallback). A loop stays
scalar when its extent is not a constant, or its body holds a loop, a ``while``, an allocation,
a call out (``call_extern``/``call_packed``), an ``if``/``assert``/``if_then_else`` whose
condition differs between lanes, a store to the same element in every lane, or vector code of
its own; or when its iterations are not independent: every memory it writes must be accessed
only at the written index, which must hit a different element in each lane (a ramp of non-zero
stride into a compact buffer), and must not depend on loaded values or on lets of the body.
Distinct data variables are taken not to overlap, as the code generators assume too.

The number of lanes is the loop's extent, or the config ``tir.vector_width`` (the `width`
option) when smaller: the loop is then split into a serial loop over full vectors and one
shorter vector (or scalar) tail.
"""

from __future__ import annotations

from dataclasses import dataclass

from loom.ir import PassError, Visitor, replace
from loom.ir.tir import (
    Buffer,
    BufferLoad,
    BufferStore,
    For,
    ForKind,
    IntImm,
    Let,
    LetStmt,
    PrimExpr,
    PrimFunc,
    Ramp,
    Stmt,
    Var,
    ne,
    seq,
)
from loom.ir.tir.arith import Analyzer, expr_equal, free_vars

from ..context import PassContext, register_config
from ..pass_infra import PrimFuncPass
from .lower_blocks import has_blocks
from .substitute import StmtMutator, fresh_copy, no_op, substitute
from .vectorizer import Scalarize, reads_memory, vectorize_body

register_config(
    "tir.vector_width",
    int,
    None,
    "the most lanes VectorizeLoops makes; longer vectorized loops are split (None: no limit)",
)


@dataclass(frozen=True)
class VectorizeLoops(PrimFuncPass):
    """Vectorize ``T.vectorized`` loops, or make them serial (see the module docstring)."""

    required = ("LowerBlocks",)

    width: int | None = None

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Vectorize the loops of `func`."""
        if has_blocks(func.body):
            name = func.attrs.get("global_symbol", "main")
            raise PassError(f"VectorizeLoops needs loop-level TIR: run LowerBlocks on {name} first")
        width = self.width if self.width is not None else ctx.get_config("tir.vector_width")
        if width is not None and width < 1:
            raise PassError(f"the vector width must be positive, not {width}")
        body = _LoopVectorizer(width).visit(func.body)
        return func if body is func.body else replace(func, body=body)


class _LoopVectorizer(StmtMutator):
    def __init__(self, width: int | None) -> None:
        super().__init__()
        self.width = width

    def visit_for(self, loop: For) -> Stmt:
        body = self.visit(loop.body)  # inner loops first: a vectorized inner loop stays inside
        if body is not loop.body:
            loop = replace(loop, body=body)
        if loop.kind is not ForKind.VECTORIZED:
            return loop
        if not isinstance(loop.extent, IntImm):
            return _serial(loop)
        extent = loop.extent.value
        if extent <= 0:
            return no_op()
        if extent == 1:
            return substitute(loop.body, {loop.loop_var: loop.min})
        lanes = extent if self.width is None else min(extent, self.width)
        if lanes == 1:
            return _serial(loop)
        if lanes == extent:
            vector = try_vectorize(loop.body, loop.loop_var, loop.min, lanes)
            return vector if vector is not None else _serial(loop)
        return self._split(loop, extent, lanes)

    def _split(self, loop: For, extent: int, lanes: int) -> Stmt:
        """Full vectors of `lanes` in a serial loop, then the tail."""
        var, dtype = loop.loop_var, loop.loop_var.dtype
        count, rest = divmod(extent, lanes)
        outer = Var(name_hint=f"{var.name_hint}_outer", dtype=dtype)
        base = outer * IntImm(dtype, lanes)
        if not (isinstance(loop.min, IntImm) and loop.min.value == 0):
            base = loop.min + base
        main = try_vectorize(loop.body, var, base, lanes)
        if main is None:
            return _serial(loop)
        parts: list[Stmt] = [
            For(outer, IntImm(dtype, 0), IntImm(dtype, count), ForKind.SERIAL, main)
        ]
        if rest:
            start = _offset(loop.min, count * lanes)
            tail_var = replace(var)
            tail_body = fresh_copy(loop.body, {var: tail_var})
            if rest == 1:
                tail: Stmt = substitute(tail_body, {tail_var: start})
            else:
                vector = try_vectorize(tail_body, tail_var, start, rest)
                serial = For(tail_var, start, IntImm(dtype, rest), ForKind.SERIAL, tail_body)
                tail = vector if vector is not None else serial
            parts.append(tail)
        return seq(*parts)


def _offset(start: PrimExpr, k: int) -> PrimExpr:
    if isinstance(start, IntImm):
        return IntImm(start.dtype, start.value + k)
    return start + IntImm(start.dtype, k)


def _serial(loop: For) -> For:
    return replace(loop, kind=ForKind.SERIAL)


def try_vectorize(body: Stmt, var: Var, base: PrimExpr, lanes: int) -> Stmt | None:
    """`body` as vector code for the lanes ``base + k``, or None if that would change it."""
    try:
        vector = vectorize_body(body, var, base, lanes)
    except Scalarize:
        return None
    return vector if lanes_independent(vector) else None


# ---------------------------------------------------------------------------------------------
# Independence of the lanes


def lanes_independent(vector: Stmt) -> bool:
    """Whether running the lanes of `vector` together equals running them one after another.

    True when every memory the code writes is only accessed (through one buffer) at the index
    it is written at, that index gives each lane its own element, and it depends on nothing
    the body computes (no loads, no variables bound in the body).
    """
    accesses = _Accesses()
    accesses.visit(vector)
    analyzer = Analyzer()
    for found in accesses.by_data.values():
        stores = [indices for buffer, indices, is_store in found if is_store]
        if not stores:
            continue
        buffer, indices = found[0][0], stores[0]
        for other, other_indices, _ in found:
            if other is not buffer or not _same(indices, other_indices):
                return False
        if any(reads_memory(i) or set(free_vars(i)) & accesses.local for i in indices):
            return False
        if not _distinct_lanes(buffer, indices, analyzer):
            return False
    return True


def _same(a: tuple[PrimExpr, ...], b: tuple[PrimExpr, ...]) -> bool:
    return len(a) == len(b) and all(expr_equal(x, y) for x, y in zip(a, b))


def _distinct_lanes(buffer: Buffer, indices: tuple[PrimExpr, ...], analyzer: Analyzer) -> bool:
    """Whether the lanes of a store address different elements."""
    if buffer.strides and buffer.ndim > 1:
        return False  # explicit strides may map different indices to one element
    return any(
        isinstance(index, Ramp) and analyzer.can_prove(ne(index.stride, 0)) for index in indices
    )


class _Accesses(Visitor):
    """Every load and store, by data variable, and the variables the body binds."""

    def __init__(self) -> None:
        self.by_data: dict[Var, list[tuple[Buffer, tuple[PrimExpr, ...], bool]]] = {}
        self.local: set[Var] = set()

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self.by_data.setdefault(node.buffer.data, []).append((node.buffer, node.indices, False))
        self.generic_visit(node)

    def visit_buffer_store(self, node: BufferStore) -> None:
        self.by_data.setdefault(node.buffer.data, []).append((node.buffer, node.indices, True))
        self.generic_visit(node)

    def visit_let_stmt(self, node: LetStmt) -> None:
        self.local.add(node.var)
        self.generic_visit(node)

    def visit_let(self, node: Let) -> None:
        self.local.add(node.var)
        self.generic_visit(node)

    def visit_buffer(self, node: Buffer) -> None:
        """A buffer's layout is not an access."""
