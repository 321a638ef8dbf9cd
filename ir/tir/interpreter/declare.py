"""Compile buffer declarations: closures that lay a buffer's `View` over memory at run time.

A declared buffer (`DeclBuffer`, a block's `alloc_buffers`, a function's `buffer_map`) and a
buffer used on an allocation without a declaration both come here; match buffers, which bind
variables from a region, live in `match.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ...diagnostics import InterpreterError
from ..buffer import Buffer
from .expr import ExprCompiler, check_scalar_elements
from .memory import Memory, View, allocate, compact_strides, footprint
from .scope import Cell, HandleSite
from .values import index

Layout = Callable[[], tuple[tuple[int, ...], tuple[int, ...], int]]


def layout(buffer: Buffer, compiler: ExprCompiler) -> Layout:
    """A closure giving the buffer's concrete shape, strides (elements) and elem_offset."""
    check_scalar_elements(buffer.name, buffer.dtype)
    shape = [compiler.compile(e) for e in buffer.shape]
    strides = [compiler.compile(e) for e in buffer.strides]
    offset = compiler.compile(buffer.elem_offset)

    def concrete() -> tuple[tuple[int, ...], tuple[int, ...], int]:
        extents = tuple(index(e()) for e in shape)
        if any(e < 0 for e in extents):
            raise InterpreterError(f"buffer {buffer.name} has a negative extent: {list(extents)}")
        steps = tuple(index(s()) for s in strides) if strides else compact_strides(extents)
        return extents, steps, index(offset())

    return concrete


def view_builder(buffer: Buffer, compiler: ExprCompiler) -> Callable[[Memory], View]:
    """A closure viewing given memory as `buffer`."""
    concrete = layout(buffer, compiler)

    def build(memory: Memory) -> View:
        if not isinstance(memory, Memory):
            raise InterpreterError(
                f"buffer {buffer.name}: its data variable {buffer.data.name_hint} holds "
                f"{type(memory).__name__}, not memory"
            )
        shape, strides, offset = concrete()
        return View(buffer, memory, shape, strides, offset)

    return build


def allocation(buffer: Buffer, compiler: ExprCompiler) -> Callable[[], View]:
    """A closure allocating fresh, zeroed memory for `buffer` and viewing it."""
    concrete = layout(buffer, compiler)

    def fresh() -> View:
        shape, strides, offset = concrete()
        if offset < 0:
            raise InterpreterError(f"buffer {buffer.name} has a negative elem_offset {offset}")
        memory = allocate(buffer.dtype, footprint(shape, strides, offset), buffer.name)
        return View(buffer, memory, shape, strides, offset)

    return fresh


def site_views(site: HandleSite, compiler: ExprCompiler) -> Callable[[], list[object]]:
    """A closure laying views for every buffer used undeclared on the memory of `site`.

    Their shapes are computed where the memory appears, so they may only use variables bound
    there. The closure returns the views it replaced; `restore` puts them back.
    """
    builders = [view_builder(buffer, compiler) for buffer in site.buffers]
    cells = compiler.scope.site_cells(site)
    data = compiler.scope.cell(site.var)
    pairs = list(zip(cells, builders))

    def lay() -> list[object]:
        memory, saved = data[0], []
        for cell, build in pairs:
            saved.append(cell[0])
            cell[0] = build(memory)
        return saved

    return lay


def restore(cells: list[Cell], saved: list[object]) -> None:
    """Put back the values a binder replaced."""
    for cell, value in zip(cells, saved):
        cell[0] = value


def element_count(extents: list[int], lanes: int) -> int:
    """Elements of an `Allocate` of `extents` (vector dtypes hold `lanes` per element)."""
    if any(e < 0 for e in extents):
        raise InterpreterError(f"cannot allocate a negative extent: {extents}")
    return math.prod(extents) * lanes
