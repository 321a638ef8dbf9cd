"""Compile TIR statements into Python closures that run them on interpreter memory.

Every loop kind runs serially in order (parallel, vectorized, unrolled and thread-bound loops
included): the interpreter is the reference for what a program computes, not how fast.
Blocks are compiled in `block.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...diagnostics import InterpreterError
from ...functor import Functor
from ..expr import Var
from ..stmt import (
    Allocate,
    AssertStmt,
    Block,
    BlockRealize,
    BufferStore,
    DeclBuffer,
    Evaluate,
    For,
    IfThenElse,
    LetStmt,
    SeqStmt,
    Stmt,
    While,
)
from .block import compile_block
from .declare import element_count, restore, site_views, view_builder
from .expr import ExprCompiler, check_scalar_elements
from .intrinsics import Externals
from .memory import Memory, View, allocate
from .scope import Scope
from .values import index, truth

Run = Callable[[], None]


class StmtCompiler(Functor):
    """Turns a `Stmt` into a zero-argument closure over the cells of a `Scope`."""

    def __init__(self, scope: Scope, externals: Externals):
        self.scope = scope
        self.exprs = ExprCompiler(scope, externals)

    def compile(self, stmt: Stmt) -> Run:
        """The closure running `stmt`."""
        return self.visit(stmt)

    def generic_visit(self, node: object) -> Run:
        """Reject anything that is not a statement."""
        raise InterpreterError(f"the interpreter cannot run {type(node).__name__}")

    def visit_for(self, loop: For) -> Run:
        """Run the body once per value of the loop variable, in order."""
        low, extent = self.exprs.compile(loop.min), self.exprs.compile(loop.extent)
        variables = [loop.loop_var]
        if loop.thread_binding is not None and loop.thread_binding.var is not loop.loop_var:
            variables.append(loop.thread_binding.var)
        with self.scope.binding(*variables) as cells:
            body = self.visit(loop.body)
        steps = _loop_range(loop, low, extent)
        make = loop.loop_var.dtype.numpy.type
        if len(cells) == 1:
            (cell,) = cells

            def run_one() -> None:
                saved = cell[0]
                for i in steps():
                    cell[0] = make(i)
                    body()
                cell[0] = saved

            return run_one

        def run() -> None:
            saved = [cell[0] for cell in cells]
            for i in steps():
                value = make(i)
                for cell in cells:
                    cell[0] = value
                body()
            for cell, old in zip(cells, saved):
                cell[0] = old

        return run

    def visit_while(self, loop: While) -> Run:
        """Run the body while the condition holds."""
        condition, body = self.exprs.compile(loop.condition), self.visit(loop.body)

        def run() -> None:
            while truth(condition(), "a while condition"):
                body()

        return run

    def visit_buffer_store(self, store: BufferStore) -> Run:
        """Write one element (or lanes, for vector indices), bounds-checked."""
        buffer = store.buffer
        check_scalar_elements(buffer.name, buffer.dtype)
        cell = self.scope.view_cell(buffer)
        value = self.exprs.compile(store.value)
        indices = tuple(self.exprs.compile(i) for i in store.indices)
        lanes = store.value.dtype.is_vector

        def run() -> None:
            view: View = cell[0]
            position: int | np.ndarray = (
                view.locate_lanes([i() for i in indices])
                if lanes
                else view.locate([index(i()) for i in indices])
            )
            try:
                view.array[position] = value()
            except ValueError as err:  # a read-only numpy argument
                raise InterpreterError(f"cannot store into buffer {buffer.name}: {err}") from None

        return run

    def visit_seq_stmt(self, node: SeqStmt) -> Run:
        """Run the statements in order."""
        stmts = tuple(self.visit(s) for s in node.seq)

        def run() -> None:
            for stmt in stmts:
                stmt()

        return run

    def visit_if_then_else(self, node: IfThenElse) -> Run:
        """Run the branch the condition picks."""
        condition = self.exprs.compile(node.condition)
        then_case = self.visit(node.then_case)
        else_case = self.visit(node.else_case) if node.else_case is not None else None

        def run() -> None:
            if truth(condition(), "an if condition"):
                then_case()
            elif else_case is not None:
                else_case()

        return run

    def visit_let_stmt(self, node: LetStmt) -> Run:
        """Bind the variable for the body only (a handle binds memory)."""
        value = self.exprs.compile(node.value)
        if node.var.dtype.is_handle:
            return self._with_memory(node.var, value, node.body)
        with self.scope.binding(node.var) as (cell,):
            body = self.visit(node.body)

        def run() -> None:
            saved, cell[0] = cell[0], value()
            body()
            cell[0] = saved

        return run

    def visit_allocate(self, node: Allocate) -> Run:
        """Give the buffer variable fresh zeroed memory for the body."""
        extents = [self.exprs.compile(e) for e in node.extents]
        condition = self.exprs.compile(node.condition)
        element, lanes, name = node.dtype.element, node.dtype.lanes, node.buffer_var.name_hint

        def fresh() -> Memory:
            count = element_count([index(e()) for e in extents], lanes)
            # A false condition allocates nothing, so any access is out of bounds.
            return allocate(element, count if truth(condition(), "the condition") else 0, name)

        return self._with_memory(node.buffer_var, fresh, node.body)

    def _with_memory(self, var: Var, memory: Callable[[], object], body_stmt: Stmt) -> Run:
        """Bind a handle variable to memory around `body_stmt`, viewing undeclared buffers."""
        with self.scope.handle(var) as (cell, site):
            body = self.visit(body_stmt)
            lay = site_views(site, self.exprs)
            cells = self.scope.site_cells(site)

        def run() -> None:
            saved, cell[0] = cell[0], memory()
            replaced = lay()
            body()
            restore(cells, replaced)
            cell[0] = saved

        return run

    def visit_decl_buffer(self, node: DeclBuffer) -> Run:
        """View the memory of the buffer's data variable as the buffer."""
        data = self.scope.cell(node.buffer.data)
        build = view_builder(node.buffer, self.exprs)
        with self.scope.declaring(node.buffer) as (cell,):
            body = self.visit(node.body)

        def run() -> None:
            saved, cell[0] = cell[0], build(data[0])
            body()
            cell[0] = saved

        return run

    def visit_evaluate(self, node: Evaluate) -> Run:
        """Evaluate for the effect (calls out to Python)."""
        value = self.exprs.compile(node.value)

        def run() -> None:
            value()

        return run

    def visit_assert_stmt(self, node: AssertStmt) -> Run:
        """Raise `InterpreterError` with the message unless the condition holds."""
        condition, body, message = (
            self.exprs.compile(node.condition),
            self.visit(node.body),
            node.message,
        )

        def run() -> None:
            if not truth(condition(), "an assert condition"):
                raise InterpreterError(message)
            body()

        return run

    def visit_block_realize(self, node: BlockRealize) -> Run:
        """Run one block instance; see `block.compile_block`."""
        return compile_block(self, node.block, node.iter_values, node.predicate)

    def visit_block(self, node: Block) -> Run:
        """Run a block without iteration variables (no realize around it)."""
        if node.iter_vars:
            raise InterpreterError(
                f"block {node.name_hint} has iteration variables but no BlockRealize binds them"
            )
        return compile_block(self, node, (), None)


def _loop_range(
    loop: For, low: Callable[[], object], extent: Callable[[], object]
) -> Callable[[], range]:
    """A closure giving the loop's iterations, refusing ones its variable cannot hold."""
    largest, t, name = loop.loop_var.dtype.max_value(), loop.loop_var.dtype, loop.loop_var.name_hint

    def steps() -> range:
        start = index(low())
        stop = start + index(extent())
        if stop > start and stop - 1 > largest:
            raise InterpreterError(f"loop {name} runs to {stop - 1}, past the largest {t}")
        return range(start, stop)

    return steps
