"""Bind a prim_func's arguments: numpy arrays to buffer params, numbers to scalar params.

Scalar params bind first. Then each buffer param, in order, checks dtype and rank and walks
its shape and strides: a variable met for the first time is bound from the array, a variable
met before is compared, and any other expression is compared once everything is bound. Without
declared strides an array must be C-contiguous; with them, its strides bind or check them
(strides of axes of extent 1 are never compared: they address nothing). The array's first
element is the buffer's element 0, which sits `elem_offset` elements past the data pointer; an
elem_offset variable binds to the array's element offset inside the numpy allocation it views
(0 for a fresh array). A handle param outside the buffer map takes a C-contiguous array as raw
memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ...diagnostics import InterpreterError
from ..buffer import Buffer
from ..expr import PrimExpr, Var
from ..function import PrimFunc
from .declare import site_views
from .expr import ExprCompiler, check_scalar_elements
from .memory import Memory, View, argument_memory, element_strides
from .scope import Cell, HandleSite
from .values import Value, expr_text, from_python, index


@dataclass
class Slot:
    """One number of a buffer param's layout and what to do with it."""

    what: str  # "shape[1]", "strides[0]", "elem_offset"
    expr: PrimExpr
    mode: str  # "bind" (first use of a variable), "check" (a bound variable), "later"
    cell: Cell | None = None  # the variable's cell for "bind" and "check"
    compiled: Callable[[], Value] | None = None  # the expression, for "later"

    def current(self) -> int:
        """The value the slot's expression has now."""
        if self.cell is not None:
            return index(self.cell[0])
        assert self.compiled is not None, "a later slot is compiled with the signature"
        return index(self.compiled())

    def bind(self, actual: int, what: str) -> None:
        """Bind the slot's variable to `actual`."""
        assert self.cell is not None, "only variables bind"
        assert isinstance(self.expr, Var), "only variables bind"
        self.cell[0] = from_python(actual, self.expr.dtype, f"{what}: {self.expr.name_hint}")


@dataclass
class BufferParam:
    """A buffer param: its buffer, the cells its argument sets, and its layout slots."""

    param: Var
    buffer: Buffer
    param_cell: Cell
    data_cell: Cell
    view_cell: Cell
    slots: list[Slot]  # shape and strides
    offset: Slot


class Signature:
    """The compiled parameter list of a prim_func: what to bind and check, in order."""

    def __init__(self, func: PrimFunc, name: str, exprs: ExprCompiler, stack: ExitStack):
        """Make the signature's variables live in `exprs.scope` for as long as `stack` lives."""
        self.func, self.name, self.exprs = func, name, exprs
        self.sites: list[HandleSite] = []
        self.scalars: list[tuple[Var, Cell]] = []
        self.buffers: list[BufferParam] = []
        scope = exprs.scope
        for param in func.params:
            if param in func.buffer_map:
                continue
            if param.dtype.is_handle:
                cell, site = stack.enter_context(scope.handle(param))
                self.sites.append(site)
            else:
                (cell,) = stack.enter_context(scope.binding(param))
            self.scalars.append((param, cell))
        bound = {param for param, _ in self.scalars}
        for param in func.params:
            buffer = func.buffer_map.get(param)
            if buffer is None:
                continue
            check_scalar_elements(buffer.name, buffer.dtype)
            (param_cell,) = stack.enter_context(scope.binding(param))
            data_cell, site = stack.enter_context(scope.handle(buffer.data))
            self.sites.append(site)
            slots = []
            numbers = [(f"shape[{d}]", e) for d, e in enumerate(buffer.shape)]
            numbers += [(f"strides[{d}]", e) for d, e in enumerate(buffer.strides)]
            numbers.append(("elem_offset", buffer.elem_offset))
            for what, expr in numbers:
                if not isinstance(expr, Var):
                    slots.append(Slot(what, expr, "later"))
                elif expr in bound:
                    slots.append(Slot(what, expr, "check"))
                else:
                    bound.add(expr)
                    stack.enter_context(scope.binding(expr))
                    slots.append(Slot(what, expr, "bind"))
            (view_cell,) = stack.enter_context(scope.declaring(buffer))
            *layout, offset = slots
            self.buffers.append(
                BufferParam(param, buffer, param_cell, data_cell, view_cell, layout, offset)
            )
        for entry in self.buffers:
            for slot in (*entry.slots, entry.offset):
                if slot.mode == "later":
                    slot.compiled = exprs.compile(slot.expr)
                else:
                    slot.cell = scope.cell(cast(Var, slot.expr))

    def layer(self) -> Callable[[], None]:
        """The closure viewing undeclared buffers on argument memory (after the body compiled)."""
        lays = [site_views(site, self.exprs) for site in self.sites]

        def lay_all() -> None:
            for lay in lays:
                lay()

        return lay_all

    def bind(self, args: Sequence[Any]) -> None:
        """Check `args` against the params and set the cells of everything they bind."""
        params = self.func.params
        if len(args) != len(params):
            names = ", ".join(self._label(p) for p in params)
            raise InterpreterError(
                f"{self.name} takes {len(params)} arguments ({names}), got {len(args)}"
            )
        by_param = dict(zip(params, args))
        for param, cell in self.scalars:
            arg, what = by_param[param], f"argument {param.name_hint} of {self.name}"
            if param.dtype.is_handle:
                cell[0] = _raw_memory(arg, what)
            else:
                cell[0] = from_python(arg, param.dtype, what)
        later = []
        for entry in self.buffers:
            arg = by_param[entry.param]
            what = f"argument {entry.buffer.name} of {self.name}"
            memory = _buffer_memory(arg, entry.buffer, what)
            strides = element_strides(arg)
            actual = dict(zip((f"shape[{d}]" for d in range(arg.ndim)), arg.shape))
            actual.update(zip((f"strides[{d}]" for d in range(arg.ndim)), strides))
            actual["elem_offset"] = memory.origin
            for slot in (*entry.slots, entry.offset):
                if _unused_stride(slot, arg):
                    continue
                if slot.mode == "bind":
                    slot.bind(actual[slot.what], what)
                elif slot.mode == "check" and slot is not entry.offset:
                    _compare(what, slot, slot.current(), actual[slot.what], arg, entry)
                elif slot is not entry.offset:
                    later.append((what, slot, actual[slot.what], arg, entry))
            entry.param_cell[0] = entry.data_cell[0] = memory
        for what, slot, value, arg, entry in later:
            _compare(what, slot, slot.current(), value, arg, entry)
        for entry in self.buffers:
            arg, offset = by_param[entry.param], entry.offset
            memory = entry.data_cell[0]
            memory.origin = offset.current()
            shape = tuple(int(e) for e in arg.shape)
            view = View(entry.buffer, memory, shape, element_strides(arg), memory.origin)
            entry.view_cell[0] = view

    def _label(self, param: Var) -> str:
        buffer = self.func.buffer_map.get(param)
        return buffer.name if buffer is not None else param.name_hint


def _unused_stride(slot: Slot, arg: np.ndarray) -> bool:
    if not slot.what.startswith("strides") or slot.mode == "bind":
        return False
    return arg.shape[int(slot.what[len("strides[") : -1])] <= 1


def _compare(
    what: str, slot: Slot, expected: int, actual: int, arg: np.ndarray, entry: BufferParam
) -> None:
    if expected == actual:
        return
    expr = expr_text(slot.expr)
    shown = expr if expr == str(expected) else f"{expr} = {expected}"
    buffer = entry.buffer
    layout = f"array shape {tuple(arg.shape)}, buffer shape {_shape_text(buffer.shape)}"
    if not slot.what.startswith("shape"):
        layout += f", array strides {element_strides(arg)} (elements)"
    raise InterpreterError(f"{what}: {slot.what} is {actual}, expected {shown} ({layout})")


def _buffer_memory(arg: Any, buffer: Buffer, what: str) -> Memory:
    if not isinstance(arg, np.ndarray):
        raise InterpreterError(
            f"{what}: expected a numpy array of {buffer.dtype}, got {type(arg).__name__}"
        )
    if arg.dtype != buffer.dtype.numpy:
        raise InterpreterError(f"{what}: expected dtype {buffer.dtype}, got {arg.dtype}")
    if arg.ndim != buffer.ndim:
        raise InterpreterError(
            f"{what}: expected {buffer.ndim} dimensions {_shape_text(buffer.shape)}, got "
            f"{arg.ndim} dimensions {tuple(arg.shape)}"
        )
    if not buffer.strides and not arg.flags.c_contiguous:
        raise InterpreterError(
            f"{what}: the array must be C-contiguous, since buffer {buffer.name} declares "
            "no strides"
        )
    return argument_memory(arg, what)


def _raw_memory(arg: Any, what: str) -> Memory:
    if not isinstance(arg, np.ndarray):
        raise InterpreterError(f"{what}: expected a numpy array, got {type(arg).__name__}")
    if not arg.flags.c_contiguous:
        raise InterpreterError(f"{what}: the array must be C-contiguous")
    return argument_memory(arg.reshape(-1), what)


def _shape_text(shape: Sequence[PrimExpr]) -> str:
    return "(" + ", ".join(expr_text(e) for e in shape) + ("," if len(shape) == 1 else "") + ")"
