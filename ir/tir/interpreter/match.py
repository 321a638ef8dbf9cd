"""Match buffers of a block: a view of a region of another buffer, binding the view's variables.

``B = T.match_buffer(A[vi, 0:4], (4,))`` makes B a window on A's memory. The region's trailing
dimensions line up with B's (leading region dimensions must have extent 1). A variable in B's
shape, strides or elem_offset that is not yet bound is bound here (its first occurrence);
anything else must equal what the region gives. A constant elem_offset is not compared: the
region decides where B starts. Without strides, the region must be compact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from ...diagnostics import InterpreterError
from ..expr import PrimExpr, Var
from ..stmt import MatchBufferRegion
from .expr import ExprCompiler, check_scalar_elements
from .memory import View, compact_strides
from .values import Value, expr_text, from_python, index


@dataclass(frozen=True)
class Slot:
    """One number of B's layout: bind a fresh variable, or compare with what is bound."""

    kind: str  # "bind" (first use of a variable), "same" (bound earlier here), "check"
    expr: PrimExpr
    compiled: Callable[[], Value] | None = None  # for "check"


class MatchPlan:
    """The compiled form of one `MatchBufferRegion`: the variables it binds and its builder."""

    def __init__(self, match: MatchBufferRegion, compiler: ExprCompiler):
        buffer, source = match.buffer, match.source
        check_scalar_elements(buffer.name, buffer.dtype)
        if buffer.dtype != source.buffer.dtype:
            raise InterpreterError(
                f"match_buffer {buffer.name} of {buffer.dtype} cannot view "
                f"{source.buffer.name} of {source.buffer.dtype}"
            )
        if len(source.region) < buffer.ndim:
            raise InterpreterError(
                f"match_buffer {buffer.name} has {buffer.ndim} dimensions but its region of "
                f"{source.buffer.name} has only {len(source.region)}"
            )
        self.match = match
        self.compiler = compiler
        self.source = compiler.scope.view_cell(source.buffer)
        self.mins = [compiler.compile(r.min) for r in source.region]
        self.extents = [compiler.compile(r.extent) for r in source.region]
        self.binds: list[Var] = []
        self.shape = [self._slot(e) for e in buffer.shape]
        self.strides = [self._slot(e) for e in buffer.strides]
        self.offset = self._slot(buffer.elem_offset)

    def _slot(self, expr: PrimExpr) -> Slot:
        scope = self.compiler.scope
        if isinstance(expr, Var) and not scope.is_live(expr) and expr not in self.binds:
            self.binds.append(expr)
            return Slot("bind", expr)
        if isinstance(expr, Var) and expr in self.binds:
            return Slot("same", expr)
        return Slot("check", expr, self.compiler.compile(expr))

    def builder(self, cells: dict[Var, list]) -> Callable[[], View]:
        """A closure making the view; `cells` are the (now live) cells of `self.binds`."""
        match, source_cell = self.match, self.source
        name, source_name = match.buffer.name, match.source.buffer.name
        mins, extents = self.mins, self.extents
        rank, lead = match.buffer.ndim, len(mins) - match.buffer.ndim
        shape_slots, stride_slots, offset_slot = self.shape, self.strides, self.offset

        def settle(slot: Slot, actual: int, what: str) -> None:
            if slot.compiled is not None:
                value = slot.compiled()
            else:
                cell = cells[cast(Var, slot.expr)]
                if slot.kind == "bind":
                    cell[0] = from_python(actual, slot.expr.dtype, f"{name}.{what}")
                    return
                value = cell[0]
            if index(value) != actual:
                raise InterpreterError(
                    f"match_buffer {name}: {what} is {expr_text(slot.expr)} = {value}, but the "
                    f"region of {source_name} gives {actual}"
                )

        def build() -> View:
            source: View = source_cell[0]
            lows = [index(m()) for m in mins]
            sizes = [index(e()) for e in extents]
            for low, size, extent in zip(lows, sizes, source.shape):
                if low < 0 or size < 0 or low + size > extent:
                    raise InterpreterError(
                        f"match_buffer {name}: region {_region(lows, sizes)} is out of bounds "
                        f"of {source_name} with shape {list(source.shape)}"
                    )
            if any(size != 1 for size in sizes[:lead]):
                raise InterpreterError(
                    f"match_buffer {name}: region {_region(lows, sizes)} of {source_name} "
                    f"has more than {rank} dimensions of extent other than 1"
                )
            shape, strides = tuple(sizes[lead:]), tuple(source.strides[lead:])
            for d, slot in enumerate(shape_slots):
                settle(slot, shape[d], f"shape[{d}]")
            if stride_slots:
                for d, slot in enumerate(stride_slots):
                    if shape[d] > 1 or slot.kind != "check":
                        settle(slot, strides[d], f"strides[{d}]")
            elif any(n > 1 and s != c for n, s, c in zip(shape, strides, compact_strides(shape))):
                raise InterpreterError(
                    f"match_buffer {name}: region {_region(lows, sizes)} of {source_name} is "
                    f"not compact (strides {list(strides)}); declare strides on {name}"
                )
            position = source.base + sum(low * s for low, s in zip(lows, source.strides))
            scale = source.memory.array.itemsize / source.array.itemsize
            offset = position + int(source.memory.origin * scale)
            if offset_slot.kind != "check":
                settle(offset_slot, offset, "elem_offset")
            return View(match.buffer, source.memory, shape, strides, offset)

        return build


def _region(lows: list[int], sizes: list[int]) -> str:
    return "[" + ", ".join(f"{low}:{low + size}" for low, size in zip(lows, sizes)) + "]"
