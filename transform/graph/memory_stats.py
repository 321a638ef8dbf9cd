"""How many bytes a graph function allocates, with and without static memory planning.

`allocated_bytes` adds up the allocations of a lowered function at given values of its size
variables: each ``R.builtin.alloc_tensor`` tensor and each ``R.memory.alloc_storage`` storage,
every allocation binding counted once (both branches of an `If`, as if each ran).
`memory_planning_report` lowers a module with and without `StaticPlanBlockMemory` and compares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from loom.ir import IRModule, PassError
from loom.ir.graph import Call, ExprVisitor, Function, Op, ShapeExpr, TensorStructInfo
from loom.ir.tir import IntImm, PrimExpr, const
from loom.ir.tir import Var as TirVar
from loom.ir.tir.arith import Analyzer, free_vars, substitute

from ..pass_infra import Sequential
from .lowering import graph_lowering_passes
from .static_plan_block_memory import StaticPlanBlockMemory

SizeValues = Mapping[str | TirVar, int]
"""Values of size variables, by variable or by name."""


@dataclass(frozen=True)
class MemoryReport:
    """Bytes one call of a function allocates without and with static memory planning."""

    function: str
    unplanned: int
    planned: int

    @property
    def saved(self) -> float:
        """The fraction of bytes planning saves (0 when nothing was allocated)."""
        return 1 - self.planned / self.unplanned if self.unplanned else 0.0

    def __str__(self) -> str:
        return (
            f"{self.function}: {self.unplanned} bytes without planning, {self.planned} with "
            f"({100 * self.saved:.1f}% saved)"
        )


def allocated_bytes(mod: IRModule, func_name: str, values: SizeValues | None = None) -> int:
    """The bytes the allocations of `func_name` take at `values` of its size variables.

    Raises:
        PassError: the function is not a graph function, or a size needs a variable that
            `values` does not give.
    """
    if func_name not in mod or not isinstance(func := mod[func_name], Function):
        raise PassError(f"allocated_bytes measures a graph function; {func_name!r} is not one")
    counter = _Allocations()
    counter.visit(func.body)
    env = _environment(counter.sizes, values or {})
    analyzer = Analyzer()
    total = 0
    for size in counter.sizes:
        value = analyzer.simplify(substitute(size, env))
        if not isinstance(value, IntImm):
            missing = sorted({v.name_hint for v in free_vars(value)})
            raise PassError(
                f"allocated_bytes of {func_name}: give a value for {', '.join(missing)} "
                f"(the size {size} depends on it)"
            )
        total += value.value
    return total


def memory_planning_report(
    mod: IRModule, func_name: str, values: SizeValues | None = None
) -> MemoryReport:
    """Lower `mod` (`graph_lowering_passes`) with and without planning; compare `func_name`."""
    passes = graph_lowering_passes()
    unplanned = Sequential(tuple(p for p in passes if not isinstance(p, StaticPlanBlockMemory)))
    lowered = unplanned(mod)
    planned = StaticPlanBlockMemory()(lowered)
    return MemoryReport(
        func_name,
        allocated_bytes(lowered, func_name, values),
        allocated_bytes(planned, func_name, values),
    )


def _environment(sizes: list[PrimExpr], values: SizeValues) -> dict[TirVar, PrimExpr]:
    by_name = {k: v for k, v in values.items() if isinstance(k, str)}
    env: dict[TirVar, PrimExpr] = {}
    for size in sizes:
        for var in free_vars(size):
            value = values.get(var, by_name.get(var.name_hint))
            if value is not None:
                env[var] = const(value, var.dtype)
    return env


class _Allocations(ExprVisitor):
    """The byte sizes of every allocation call in a function body."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[PrimExpr] = []

    def visit_call(self, call: Call) -> None:
        self.generic_visit(call)
        if not isinstance(call.op, Op):
            return
        if call.op.name == "memory.alloc_storage" and isinstance(call.args[0], ShapeExpr):
            self.sizes.append(call.args[0].values[0])
        elif call.op.name == "builtin.alloc_tensor":
            sinfo = call.struct_info
            if not isinstance(sinfo, TensorStructInfo) or sinfo.values is None:
                raise PassError("allocated_bytes needs allocations of known shape", call.span)
            assert sinfo.dtype is not None, "alloc_tensor has a dtype attribute"
            size: PrimExpr = const(sinfo.dtype.bytes * sinfo.dtype.lanes, "int64")
            for v in sinfo.values:
                size = size * v
            self.sizes.append(size)
