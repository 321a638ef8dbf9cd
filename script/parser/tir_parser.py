"""The T dialect's parser: its handler table, the frames a prim_func body opens, parse state.

The handlers live beside this file, one concept each (`tir_expr`, `tir_stmt`, `tir_loop`,
`tir_block`, `tir_buffer`, `tir_func`), and register themselves in `TIR`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from loom.ir import DataType, tir

from .core import Frame, HandlerTable, Parser
from .evaluator import Scope
from .source import Source

TIR = HandlerTable("tir")


@dataclass
class FunctionFrame(Frame):
    """The prim_func being parsed: its parameters and what its header lines declare."""

    params: list[tir.Var] = field(default_factory=list)
    buffer_map: dict[tir.Var, tir.Buffer] = field(default_factory=dict)
    attrs: dict[str, Any] | None = None
    alloc_buffers: list[tir.Buffer] = field(default_factory=list)


@dataclass
class BlockFrame(Frame):
    """A ``with T.block(...)`` being parsed: what its header lines declare."""

    name: str = ""
    iter_vars: list[tir.IterVar] = field(default_factory=list)
    iter_values: list[tir.PrimExpr] = field(default_factory=list)
    predicate: tir.PrimExpr | None = None
    reads: tuple[tir.BufferRegion, ...] | None = None
    writes: tuple[tir.BufferRegion, ...] | None = None
    annotations: dict[str, Any] | None = None
    alloc_buffers: list[tir.Buffer] = field(default_factory=list)
    match_buffers: list[tir.MatchBufferRegion] = field(default_factory=list)
    init: tir.Stmt | None = None


class TIRParser(Parser):
    """Parses one ``@T.prim_func``."""

    table = TIR

    def __init__(self, source: Source, scope: Scope):
        super().__init__(source, scope)
        # Loop variables of the enclosing loops, for T.axis.remap.
        self.loop_ranges: dict[tir.Var, tir.Range] = {}
        # Buffers implied by subscripting a T.allocate handle (classic TVMScript).
        self.allocated: dict[tir.Var, tir.Buffer] = {}
        self.allocations: dict[tir.Var, tuple[DataType, tuple[tir.PrimExpr, ...], str]] = {}
        # In a signature, an undefined name in a buffer shape declares an int32 variable.
        self.declare_undefined = False
        self.in_signature = False

    def function_frame(self) -> FunctionFrame:
        """The frame of the function being parsed."""
        frame = self.frames[0]
        assert isinstance(frame, FunctionFrame)
        return frame

    def buffer_of(self, value: Any) -> tir.Buffer | None:
        """The buffer a subscripted value means: a buffer, or a T.allocate handle's buffer."""
        if isinstance(value, tir.Buffer):
            return value
        if isinstance(value, tir.Var) and value in self.allocations:
            if value not in self.allocated:
                dtype, extents, scope = self.allocations[value]
                self.allocated[value] = tir.decl_buffer(
                    extents, dtype, value.name_hint, data=value, scope=scope, span=value.span
                )
            return self.allocated[value]
        return None

    def target_names(self, target: ast.expr) -> list[ast.Name]:
        """The names of an assignment or loop target (a name or a flat tuple of names)."""
        elts = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
        for elt in elts:
            if not isinstance(elt, ast.Name):
                raise self.error("expected a name here", elt)
        return elts  # type: ignore[return-value]
