"""AllocateStorage: decide where each allocation lives, the last step before code generation.

After the pass, every ``Allocate`` carries the annotation ``"storage"``: ``"stack"`` when its
size is a compile-time constant of at most ``tir.stack_limit_bytes`` bytes (default 1024; the
code generator places it in the function's entry frame, so the size must be known), and
``"heap"`` otherwise (allocated and freed around the allocation's body at run time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from loom.ir import replace
from loom.ir.tir import Allocate, IntImm, PrimFunc, Stmt

from ..context import PassContext, register_config
from ..pass_infra import PrimFuncPass
from .substitute import StmtMutator

register_config(
    "tir.stack_limit_bytes",
    int,
    1024,
    "the largest allocation (in bytes) that AllocateStorage puts on the stack",
)


@dataclass(frozen=True)
class AllocateStorage(PrimFuncPass):
    """Annotate every allocation with ``storage``: ``stack`` or ``heap``.

    `stack_limit` overrides the config ``tir.stack_limit_bytes`` when not None.
    """

    stack_limit: int | None = None

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Annotate the allocations of `func`."""
        limit = self.stack_limit
        if limit is None:
            limit = ctx.get_config("tir.stack_limit_bytes")
        body = _Planner(limit).visit(func.body)
        return func if body is func.body else replace(func, body=body)


def allocation_bytes(node: Allocate) -> int | None:
    """The size of an allocation in bytes, when it is a constant."""
    if not all(isinstance(e, IntImm) for e in node.extents):
        return None
    count = math.prod(e.value for e in node.extents)  # type: ignore[attr-defined]
    return count * node.dtype.lanes * node.dtype.bytes


class _Planner(StmtMutator):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def visit_allocate(self, node: Allocate) -> Stmt:
        body = self.visit(node.body)
        size = allocation_bytes(node)
        storage = "stack" if size is not None and size <= self.limit else "heap"
        if body is node.body and node.annotations.get("storage") == storage:
            return node
        return replace(node, body=body, annotations=node.annotations.set("storage", storage))
