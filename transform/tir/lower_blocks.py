"""LowerBlocks: the first TIR lowering step, turning blocks into plain loop-level statements.

After it ran, a prim_func has no `Block` or `BlockRealize`, and computes what it computed:

- Iteration variables are replaced by their values; a predicate other than ``True`` becomes an
  ``if`` around the block's statements.
- A reduction's `init` runs where the interpreter runs it, on the first iteration of the
  reduction variables. When those variables are bound to exactly the innermost loops around
  the block (``for k: block(vk=k)``), the init is placed before those loops, unguarded (or
  guarded by the predicate and "the loops run at all" where that is not provably true).
  Otherwise it stays in place, guarded by ``if vk == k_min and ...``.
- `alloc_buffers` become ``Allocate`` + ``DeclBuffer`` at the block's position (fresh memory per
  block instance, as in the interpreter).
- `match_buffers` become ``DeclBuffer`` views over the source buffer's data, with the region's
  strides and element offset; variables the match buffer defines (its first occurrence of a
  shape, stride or elem_offset variable) are replaced by what the region gives, and any other
  layout expression is proved equal to it or checked at run time with an ``assert``.
"""

from __future__ import annotations

from dataclasses import dataclass

from loom.ir import PassError, Visitor, replace
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    Block,
    BlockRealize,
    Buffer,
    DeclBuffer,
    For,
    IfThenElse,
    IntImm,
    IterType,
    LetStmt,
    MatchBufferRegion,
    PrimExpr,
    PrimFunc,
    Stmt,
    Var,
    all_,
    const,
    eq,
    seq,
)
from loom.ir.tir.arith import Analyzer, free_vars, substitute

from ..context import PassContext
from ..pass_infra import PrimFuncPass
from .layout import flat_extent, strides_of
from .substitute import StmtMutator
from .substitute import substitute as substitute_stmt


@dataclass(frozen=True)
class LowerBlocks(PrimFuncPass):
    """Replace blocks by the loop-level statements they stand for (see the module docstring)."""

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Lower every block of `func`."""
        if not has_blocks(func.body):
            return func
        defined = set(func.params)
        for buffer in func.buffer_map.values():
            defined.add(buffer.data)
            defined.update(v for v in (*buffer.shape, *buffer.strides, buffer.elem_offset)
                           if isinstance(v, Var))  # fmt: skip
        name = str(func.attrs.get("global_symbol", "main"))
        return replace(func, body=_Lowerer(name, defined).visit(func.body))


def has_blocks(stmt: Stmt) -> bool:
    """Whether `stmt` contains a block."""
    finder = _BlockFinder()
    finder.visit(stmt)
    return finder.found


class _BlockFinder(Visitor):
    def __init__(self) -> None:
        self.found = False

    def visit(self, node: object) -> None:
        if not self.found:
            super().visit(node)

    def visit_block(self, node: Block) -> None:
        self.found = True

    def visit_prim_expr(self, node: PrimExpr) -> None:
        """Expressions hold no blocks."""


class _Lowerer(StmtMutator):
    def __init__(self, function: str, defined: set[Var]) -> None:
        super().__init__()
        self.function = function
        self.defined = defined  # variables in scope, for match buffers' first occurrences
        self.analyzer = Analyzer()

    # -- scopes ----------------------------------------------------------------------------

    def visit_let_stmt(self, node: LetStmt) -> Stmt:
        self.defined.add(node.var)
        return self.generic_visit(node)

    def visit_allocate(self, node: Allocate) -> Stmt:
        self.defined.add(node.buffer_var)
        return self.generic_visit(node)

    def visit_for(self, loop: For) -> Stmt:
        chain = [loop]
        while isinstance(chain[-1].body, For):
            chain.append(chain[-1].body)
        for item in chain:
            self.defined.add(item.loop_var)
            if item.thread_binding is not None:
                self.defined.add(item.thread_binding.var)
        inner = chain[-1].body
        if isinstance(inner, BlockRealize) and inner.block.init is not None:
            hoisted = self._hoist_init(chain, inner)
            if hoisted is not None:
                return hoisted
        return self.generic_visit(loop)

    # -- blocks ----------------------------------------------------------------------------

    def visit_block_realize(self, node: BlockRealize) -> Stmt:
        return self._lower(node.block, node.iter_values, node.predicate, with_init=True)

    def visit_block(self, node: Block) -> Stmt:
        if node.iter_vars:
            raise PassError(
                f"function {self.function}: block {node.name_hint} has iteration variables "
                "but no BlockRealize binds them",
                node.span,
            )
        return self._lower(node, (), const(True), with_init=True)

    def _lower(
        self,
        block: Block,
        values: tuple[PrimExpr, ...],
        predicate: PrimExpr,
        with_init: bool,
    ) -> Stmt:
        """The statements of one block instance (its init left out unless `with_init`)."""
        self.defined.update(iv.var for iv in block.iter_vars)
        self.defined.update(buffer.data for buffer in block.alloc_buffers)
        variables: dict[Var, PrimExpr] = {
            iv.var: value for iv, value in zip(block.iter_vars, values, strict=True)
        }
        buffers: dict[Buffer, Buffer] = {}
        checks: list[tuple[PrimExpr, str]] = []
        views = [self._match(block, m, variables, buffers, checks) for m in block.match_buffers]
        stmt = self.visit(block.body)
        if with_init and block.init is not None:
            stmt = seq(IfThenElse(_first_iteration(block), self.visit(block.init)), stmt)
        for view in reversed(views):
            stmt = DeclBuffer(view, stmt)
        for condition, message in reversed(checks):
            stmt = AssertStmt(condition, message, stmt)
        for buffer in reversed(block.alloc_buffers):
            stmt = _allocate(buffer, stmt, self.analyzer)
        stmt = substitute_stmt(stmt, variables, buffers)
        if not _is_true(predicate):
            stmt = IfThenElse(predicate, stmt)
        return stmt

    def _match(
        self,
        block: Block,
        match: MatchBufferRegion,
        variables: dict[Var, PrimExpr],
        buffers: dict[Buffer, Buffer],
        checks: list[tuple[PrimExpr, str]],
    ) -> Buffer:
        """The view replacing a match buffer; binds its variables, records run-time checks."""
        view, source = match.buffer, match.source
        region, rank = source.region, view.ndim
        lead = len(region) - rank
        where = f"block {block.name_hint}: match_buffer {view.name}"
        if lead < 0:
            raise PassError(
                f"{where} has {rank} dimensions but its region of {source.buffer.name} has "
                f"only {len(region)}",
                block.span,
            )
        if view.dtype != source.buffer.dtype:
            raise PassError(f"{where} of {view.dtype} cannot view {source.buffer.dtype}")
        source_strides = strides_of(source.buffer)
        offset = source.buffer.elem_offset
        for rng, stride in zip(region, source_strides):
            offset = offset + rng.min * stride
        offset = self.analyzer.simplify(offset)
        strides = source_strides[lead:]

        def settle(expr: PrimExpr, value: PrimExpr, what: str, unless: PrimExpr | None) -> None:
            if isinstance(expr, Var) and expr not in self.defined and expr not in variables:
                variables[expr] = value
                return
            condition = eq(substitute(expr, variables), value)
            if unless is not None:
                condition = unless | condition
            self._check(condition, f"{where}: {what} does not match the region", checks)

        for d, rng in enumerate(region[:lead]):
            self._check(eq(rng.extent, 1), f"{where}: region dimension {d} is not 1 wide", checks)
        extents = [rng.extent for rng in region[lead:]]
        for d, (expr, extent) in enumerate(zip(view.shape, extents)):
            settle(expr, extent, f"shape[{d}]", None)
        if view.strides:
            for d, (expr, stride) in enumerate(zip(view.strides, strides)):
                settle(expr, stride, f"strides[{d}]", extents[d] <= 1)
        else:
            compact = strides_of(replace(view, strides=(), shape=tuple(extents)))
            for d, (stride, want) in enumerate(zip(strides, compact)):
                condition = (extents[d] <= 1) | eq(stride, want)
                self._check(condition, f"{where}: the region is not compact in dimension {d}",
                            checks)  # fmt: skip
        if not isinstance(view.elem_offset, IntImm):
            settle(view.elem_offset, offset, "elem_offset", None)
        variables[view.data] = source.buffer.data
        new = Buffer(
            view.name,
            view.shape,
            view.dtype,
            view.data,  # replaced by the source's data with the other variables
            strides,
            offset,
            view.scope,
            view.align,
            view.offset_factor,
            span=view.span,
        )
        buffers[view] = new
        return new

    def _check(self, condition: PrimExpr, message: str, checks: list) -> None:
        simple = self.analyzer.simplify(condition)
        if isinstance(simple, IntImm):
            if not simple.value:
                raise PassError(f"function {self.function}: {message}")
            return
        checks.append((condition, message))

    # -- reduction init hoisting -----------------------------------------------------------

    def _hoist_init(self, chain: list[For], realize: BlockRealize) -> Stmt | None:
        """Lower a nest ending in the block's reduction loops, the init placed before them.

        None when the innermost loops of the nest are not exactly those loops.
        """
        block = realize.block
        reduce_vars = [iv for iv in block.iter_vars if iv.iter_type is IterType.COMM_REDUCE]
        loops_of: dict[Var, For] = {}
        for iv, value in zip(block.iter_vars, realize.iter_values, strict=True):
            if iv.iter_type is not IterType.COMM_REDUCE:
                continue
            loop = next((item for item in chain if item.loop_var is value), None)
            if loop is None or loop.loop_var in loops_of or iv.dom is None:
                return None
            if not self.analyzer.can_prove_equal(loop.min, iv.dom.min):
                return None
            loops_of[loop.loop_var] = loop
        split = len(chain) - len(loops_of)
        if not reduce_vars or any(item.loop_var not in loops_of for item in chain[split:]):
            return None
        reduce_loops = chain[split:]
        others = [v for iv, v in zip(block.iter_vars, realize.iter_values, strict=True)
                  if iv.iter_type is not IterType.COMM_REDUCE]  # fmt: skip
        if any(var in loops_of for value in others for var in free_vars(value)):
            return None
        assert block.init is not None, "only reductions hoist"
        if _uses_any_buffer(block.init, block.alloc_buffers, block.match_buffers):
            return None
        starts: dict[Var, PrimExpr] = {loop.loop_var: loop.min for loop in reduce_loops}
        init = self.visit(block.init)
        pairs = zip(block.iter_vars, realize.iter_values, strict=True)
        first = {iv.var: substitute(value, starts) for iv, value in pairs}
        init = substitute_stmt(init, first)
        guard = [substitute(realize.predicate, starts)]
        guard += [loop.extent > 0 for loop in reduce_loops]
        needed = [c for c in guard if not _is_true(self.analyzer.simplify(c))]
        if needed:
            init = IfThenElse(all_(*needed), init)
        body = self._lower(block, realize.iter_values, realize.predicate, with_init=False)
        for loop in reversed(reduce_loops):
            body = replace(loop, body=body)
        stmt = seq(init, body)
        for loop in reversed(chain[:split]):
            stmt = replace(loop, body=stmt)
        return stmt


def _is_true(expr: PrimExpr) -> bool:
    return isinstance(expr, IntImm) and bool(expr.value)


def _first_iteration(block: Block) -> PrimExpr:
    """``True`` exactly on the first iteration of the block's reduction variables."""
    conditions = [
        eq(iv.var, iv.dom.min)
        for iv in block.iter_vars
        if iv.iter_type is IterType.COMM_REDUCE and iv.dom is not None
    ]
    if any(iv.iter_type is IterType.COMM_REDUCE and iv.dom is None for iv in block.iter_vars):
        raise PassError(f"block {block.name_hint}: a reduction variable has no domain", block.span)
    return all_(*conditions) if conditions else const(True)


def _allocate(buffer: Buffer, body: Stmt, analyzer: Analyzer) -> Stmt:
    """Fresh memory for an alloc_buffer around `body`, declared as the buffer."""
    offset = buffer.elem_offset
    compact = not buffer.strides and isinstance(offset, IntImm) and offset.value == 0
    extents = buffer.shape if compact else (flat_extent(buffer, analyzer),)
    return Allocate(
        buffer.data,
        buffer.dtype,
        extents,
        const(True),
        DeclBuffer(buffer, body),
        buffer.scope,
    )


def _uses_any_buffer(stmt: Stmt, allocated: tuple, matched: tuple) -> bool:
    """Whether `stmt` touches a block's own buffers (or their data)."""
    local = {*allocated, *(m.buffer for m in matched)}
    if not local:
        return False
    finder = _UseFinder(local)
    finder.visit(stmt)
    return finder.found


class _UseFinder(Visitor):
    def __init__(self, buffers: set[Buffer]) -> None:
        self.buffers = buffers
        self.data = {b.data for b in buffers}
        self.found = False

    def visit_buffer(self, buffer: Buffer) -> None:
        self.found = self.found or buffer in self.buffers

    def visit_var(self, var: Var) -> None:
        self.found = self.found or var in self.data
