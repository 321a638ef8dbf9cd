"""UnrollLoops: replace unrolled loops of constant extent by copies of their body.

After the pass, no ``T.unroll`` loop with a constant extent remains: each became one copy of
its body per iteration, in order, with the loop variable replaced by its value and every
variable and buffer defined inside a copy renewed (each is still defined once). A ``T.unroll``
loop whose extent is not a constant stays as it is (the code generator may hint it). With the
config ``tir.unroll_max_extent`` set to N > 0, serial loops of constant extent at most N are
unrolled too, innermost first, as long as the body copies stay under ``tir.unroll_max_size``
statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from loom.ir import PassError, Visitor, replace
from loom.ir.tir import For, ForKind, IntImm, PrimExpr, PrimFunc, Stmt, seq

from ..context import PassContext, register_config
from ..pass_infra import PrimFuncPass
from .lower_blocks import has_blocks
from .substitute import StmtMutator, fresh_copy, no_op

register_config(
    "tir.unroll_max_extent",
    int,
    0,
    "UnrollLoops also unrolls serial loops of constant extent up to this (0: only T.unroll)",
)
register_config(
    "tir.unroll_max_size",
    int,
    512,
    "the most statements a serial loop may grow to when UnrollLoops unrolls it on its own",
)


@dataclass(frozen=True)
class UnrollLoops(PrimFuncPass):
    """Unroll ``T.unroll`` loops of constant extent (see the module docstring).

    `max_extent` and `max_size` override the config keys when not None.
    """

    required = ("LowerBlocks",)

    max_extent: int | None = None
    max_size: int | None = None

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Unroll the loops of `func`."""
        if has_blocks(func.body):
            name = func.attrs.get("global_symbol", "main")
            raise PassError(f"UnrollLoops needs loop-level TIR: run LowerBlocks on {name} first")
        max_extent = self.max_extent
        if max_extent is None:
            max_extent = ctx.get_config("tir.unroll_max_extent")
        max_size = (
            self.max_size if self.max_size is not None else ctx.get_config("tir.unroll_max_size")
        )
        body = _Unroller(max_extent, max_size).visit(func.body)
        return func if body is func.body else replace(func, body=body)


def unroll(loop: For) -> Stmt:
    """The copies of `loop`'s body, one per iteration (its extent must be a constant)."""
    assert isinstance(loop.extent, IntImm), "only constant extents unroll"
    count = loop.extent.value
    if count <= 0:
        return no_op()
    return seq(*(fresh_copy(loop.body, {loop.loop_var: _nth(loop, k)}) for k in range(count)))


def _nth(loop: For, k: int) -> PrimExpr:
    """The loop variable's value on iteration `k`."""
    if isinstance(loop.min, IntImm):
        return IntImm(loop.loop_var.dtype, loop.min.value + k)
    return loop.min if k == 0 else loop.min + IntImm(loop.loop_var.dtype, k)


class _Unroller(StmtMutator):
    def __init__(self, max_extent: int, max_size: int) -> None:
        super().__init__()
        self.max_extent = max_extent
        self.max_size = max_size

    def visit_for(self, loop: For) -> Stmt:
        body = self.visit(loop.body)
        if body is not loop.body:
            loop = replace(loop, body=body)
        if not isinstance(loop.extent, IntImm):
            return loop
        if loop.kind is ForKind.UNROLLED or self._small(loop):
            return unroll(loop)
        return loop

    def _small(self, loop: For) -> bool:
        if loop.kind is not ForKind.SERIAL or loop.annotations:
            return False
        assert isinstance(loop.extent, IntImm), "checked by the caller"
        extent = loop.extent.value
        if not 0 < extent <= self.max_extent:
            return False
        counter = _StmtCount()
        counter.visit(loop.body)
        return counter.count * extent <= self.max_size


class _StmtCount(Visitor):
    """Counts statements (not expressions): the size of code that unrolling copies."""

    def __init__(self) -> None:
        self.count = 0

    def visit_stmt(self, node: Stmt) -> None:
        self.count += 1
        self.generic_visit(node)

    def visit_prim_expr(self, node: object) -> None:
        """Expressions do not count."""
