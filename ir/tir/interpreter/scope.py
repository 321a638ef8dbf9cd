"""Compile-time scope of the TIR reference interpreter: which variables and buffers are live.

Compiling a prim_func gives every variable one *cell* (a one-element list) that the closures
read and the binders write, and every buffer one cell holding its current `View`. The scope
checks while compiling that each use sits inside a binder of what it uses, so the compiled
program never reads an unbound variable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ...diagnostics import InterpreterError
from ..buffer import Buffer
from ..expr import Var

Cell = list
"""A one-element list: ``cell[0]`` is the current value of a variable or buffer view."""

UNBOUND = object()


class HandleSite:
    """Where a handle variable gets its memory; buffers used without a declaration view it."""

    __slots__ = ("buffers", "var")

    def __init__(self, var: Var):
        self.var = var
        self.buffers: list[Buffer] = []


class Scope:
    """Cells for every variable and buffer, and which of them are live at this point."""

    def __init__(self, function: str):
        self.function = function
        self._cells: dict[Var, Cell] = {}
        self._live: dict[Var, int] = {}
        self._views: dict[Buffer, Cell] = {}
        self._declared: dict[Buffer, int] = {}
        self._sites: dict[Var, list[HandleSite]] = {}

    def cell(self, var: Var) -> Cell:
        """The cell of `var`, which must be bound here."""
        if not self._live.get(var):
            raise InterpreterError(
                f"variable {var.name_hint} is used in {self.function} where nothing binds it"
            )
        return self._cells[var]

    def is_live(self, var: Var) -> bool:
        """Whether `var` is bound at this point."""
        return bool(self._live.get(var))

    @contextmanager
    def binding(self, *variables: Var) -> Iterator[list[Cell]]:
        """Make `variables` live while compiling the body of their binder."""
        cells = []
        for var in variables:
            cells.append(self._cells.setdefault(var, [UNBOUND]))
            self._live[var] = self._live.get(var, 0) + 1
        try:
            yield cells
        finally:
            for var in variables:
                self._live[var] -= 1

    @contextmanager
    def handle(self, var: Var) -> Iterator[tuple[Cell, HandleSite]]:
        """Bind a handle variable; buffers used undeclared on its memory collect in the site."""
        site = HandleSite(var)
        self._sites.setdefault(var, []).append(site)
        try:
            with self.binding(var) as (cell,):
                yield cell, site
        finally:
            self._sites[var].pop()

    @contextmanager
    def declaring(self, *buffers: Buffer) -> Iterator[list[Cell]]:
        """Make `buffers` usable while compiling the body of their declaration."""
        cells = []
        for buffer in buffers:
            cells.append(self._views.setdefault(buffer, [None]))
            self._declared[buffer] = self._declared.get(buffer, 0) + 1
        try:
            yield cells
        finally:
            for buffer in buffers:
                self._declared[buffer] -= 1

    def site_cells(self, site: HandleSite) -> list[Cell]:
        """The view cells of the buffers used undeclared on the memory of `site`."""
        return [self._views[buffer] for buffer in site.buffers]

    def view_cell(self, buffer: Buffer) -> Cell:
        """The view cell of a buffer that is declared here or whose data variable is bound."""
        if self._declared.get(buffer):
            return self._views[buffer]
        sites = self._sites.get(buffer.data)
        if sites and self.is_live(buffer.data):
            site = sites[-1]
            if buffer not in site.buffers:
                site.buffers.append(buffer)
            return self._views.setdefault(buffer, [None])
        raise InterpreterError(
            f"buffer {buffer.name} is used in {self.function} but is neither declared nor "
            f"backed by memory in scope (its data variable {buffer.data.name_hint} is unbound)"
        )
