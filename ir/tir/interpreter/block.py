"""Run blocks: bind iteration variables, check domains, allocate, match, init, then the body.

A block instance runs where its predicate holds; its iteration values must then lie in their
domains. `init` runs when every reduction (`COMM_REDUCE`) variable sits at the minimum of its
domain: the first iteration of the reduction. Each instance gets fresh `alloc_buffers`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import TYPE_CHECKING

from ...diagnostics import InterpreterError
from ..expr import IntImm, PrimExpr
from ..stmt import Block, IterType
from .declare import allocation, site_views
from .match import MatchPlan
from .memory import View
from .scope import Cell
from .values import Value, index, truth

if TYPE_CHECKING:
    from .expr import ExprCompiler
    from .stmt import StmtCompiler

Run = Callable[[], None]
Bound = int | Callable[[], Value]


def compile_block(
    compiler: StmtCompiler,
    block: Block,
    iter_values: tuple[PrimExpr, ...],
    predicate: PrimExpr | None,
) -> Run:
    """The closure running one realization of `block` (values and predicate from outside)."""
    exprs, scope = compiler.exprs, compiler.scope
    values = [exprs.compile(v) for v in iter_values]
    condition = exprs.compile(predicate) if predicate is not None else None
    checks: list[tuple[int, Bound, Bound]] = []
    for k, iv in enumerate(block.iter_vars):
        if iv.dom is not None:
            checks.append((k, _bound(exprs, iv.dom.min), _bound(exprs, iv.dom.extent)))
        elif iv.iter_type is IterType.COMM_REDUCE:
            raise InterpreterError(
                f"block {block.name_hint}: reduction variable {iv.var.name_hint} has no domain"
            )
    reductions = [k for k, iv in enumerate(block.iter_vars) if iv.iter_type is IterType.COMM_REDUCE]

    written: list[Cell] = []  # every cell an instance sets; saved and restored around it
    setup: list[Callable[[], object]] = []
    with ExitStack() as stack:
        iter_cells = stack.enter_context(scope.binding(*(iv.var for iv in block.iter_vars)))
        written += iter_cells
        sites = []
        for buffer in block.alloc_buffers:
            data, site = stack.enter_context(scope.handle(buffer.data))
            (view_cell,) = stack.enter_context(scope.declaring(buffer))
            setup.append(_allocate(allocation(buffer, exprs), data, view_cell))
            written += [data, view_cell]
            sites.append(site)
        for match in block.match_buffers:
            plan = MatchPlan(match, exprs)
            bound = stack.enter_context(scope.binding(*plan.binds))
            data, site = stack.enter_context(scope.handle(match.buffer.data))
            (view_cell,) = stack.enter_context(scope.declaring(match.buffer))
            setup.append(_allocate(plan.builder(dict(zip(plan.binds, bound))), data, view_cell))
            written += [*bound, data, view_cell]
            sites.append(site)
        init = compiler.visit(block.init) if block.init is not None else None
        body = compiler.visit(block.body)
        for site in sites:
            lay = site_views(site, exprs)
            setup.append(lay)
            written += scope.site_cells(site)

    name = block.name_hint
    iv_names = [iv.var.name_hint for iv in block.iter_vars]

    def run() -> None:
        current = [v() for v in values]
        if condition is not None and not truth(condition(), f"the predicate of {name}"):
            return
        lows = [0] * len(current)
        for k, low_bound, extent_bound in checks:
            low = low_bound if isinstance(low_bound, int) else index(low_bound())
            extent = extent_bound if isinstance(extent_bound, int) else index(extent_bound())
            value = index(current[k])
            if value < low or value >= low + extent:
                raise InterpreterError(
                    f"block {name}: {iv_names[k]} = {value} is outside its domain "
                    f"[{low}, {low + extent})"
                )
            lows[k] = low
        saved = [cell[0] for cell in written]
        for cell, value in zip(iter_cells, current):
            cell[0] = value
        for step in setup:
            step()
        if init is not None and all(index(current[k]) == lows[k] for k in reductions):
            init()
        body()
        for cell, old in zip(written, saved):
            cell[0] = old

    return run


def _bound(exprs: ExprCompiler, expr: PrimExpr) -> Bound:
    """A domain bound: the int itself when constant (most are), else its closure."""
    return expr.value if isinstance(expr, IntImm) else exprs.compile(expr)


def _allocate(make: Callable[[], View], data: Cell, view_cell: Cell) -> Run:
    def step() -> None:
        view = make()
        data[0] = view.memory
        view_cell[0] = view

    return step
