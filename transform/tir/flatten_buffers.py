"""FlattenBuffers: every buffer access becomes one index into flat memory (after LowerBlocks).

The contract the code generators rely on, which holds after this pass:

- Every `BufferLoad` and `BufferStore` has exactly one index, into a *flat* buffer: rank 1, no
  strides, elem_offset 0. The index counts elements (of the buffer's dtype) from the buffer's
  `data` pointer: for ``A[i0, ..., ik]`` it is ``elem_offset + sum(i_d * stride_d)`` of the
  original buffer (row-major compact strides when it declared none). A vector access keeps a
  vector index (``T.Ramp(base, stride, lanes)`` for contiguous or strided lanes, any other
  integer vector for a gather/scatter).
- The `buffer_map` is unchanged: its buffers keep their shapes, strides and offsets, which the
  packed-API wrapper checks against the arguments. Accesses do not use them; they go through
  flat aliases over the same data variable, declared with ``DeclBuffer`` at the top of the
  body (``A_1 = T.decl_buffer((n * m,), "float32", data=A.data)``). A param buffer that is
  already flat is used directly.
- Every other buffer that is accessed is flat and declared by a ``DeclBuffer`` in scope: an
  N-d ``DeclBuffer`` is replaced by the flat alias of its buffer, and a buffer that was used
  without a declaration (a view over an ``Allocate`` or a handle ``LetStmt``) gets one right
  inside the statement that binds its data variable.
- Every ``Allocate`` has exactly one extent: the number of elements it holds.

A flat alias keeps the name, dtype, scope and alignment of its buffer; its one extent covers
every element the buffer can reach (``elem_offset + prod(shape)``, or the last element plus one
with strides), so bounds stay checkable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from loom.ir import PassError, Visitor, dtype, replace
from loom.ir.tir import (
    Allocate,
    Buffer,
    BufferLoad,
    BufferStore,
    DeclBuffer,
    IntImm,
    LetStmt,
    PrimExpr,
    PrimFunc,
    Stmt,
    Var,
)
from loom.ir.tir.arith import Analyzer

from ..context import PassContext
from ..pass_infra import PrimFuncPass
from .layout import flat_extent, flat_index, is_flat
from .lower_blocks import has_blocks
from .substitute import StmtMutator


@dataclass(frozen=True)
class FlattenBuffers(PrimFuncPass):
    """Rewrite every buffer access as a 1-d access (see the module docstring)."""

    required = ("LowerBlocks",)

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Flatten the accesses of `func`."""
        if has_blocks(func.body):
            name = func.attrs.get("global_symbol", "main")
            raise PassError(f"FlattenBuffers needs loop-level TIR: run LowerBlocks on {name} first")
        uses = _Uses()
        uses.declared.update(func.buffer_map.values())
        uses.visit(func.body)
        flattener = _Flattener(uses)
        body = flattener.visit(func.body)
        top: list[Buffer] = [b for b in func.buffer_map.values() if b in uses.accessed]
        params = {b.data for b in func.buffer_map.values()} | set(func.params)
        for data in params:
            top.extend(flattener.pending.pop(data, ()))
        body = flattener.declare(top, body)
        if flattener.pending:
            names = ", ".join(b.name for bs in flattener.pending.values() for b in bs)
            raise PassError(f"FlattenBuffers: buffers {names} use memory that nothing binds")
        if body is func.body:
            return func
        return replace(func, body=body)


class _Uses(Visitor):
    """The buffers the body accesses, and which are declared (params and DeclBuffers)."""

    def __init__(self) -> None:
        self.accessed: dict[Buffer, None] = {}
        self.declared: set[Buffer] = set()

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self.accessed.setdefault(node.buffer)
        for index in node.indices:
            self.visit(index)

    def visit_buffer_store(self, node: BufferStore) -> None:
        self.accessed.setdefault(node.buffer)
        self.visit(node.value)
        for index in node.indices:
            self.visit(index)

    def visit_decl_buffer(self, node: DeclBuffer) -> None:
        self.declared.add(node.buffer)
        self.visit(node.body)


class _Flattener(StmtMutator):
    def __init__(self, uses: _Uses) -> None:
        super().__init__()
        self.analyzer = Analyzer()
        self.aliases: dict[Buffer, Buffer] = {}
        # Buffers used undeclared, by data variable: declared where that variable is bound.
        self.pending: dict[Var, list[Buffer]] = {}
        for buffer in uses.accessed:
            if buffer not in uses.declared:
                self.pending.setdefault(buffer.data, []).append(buffer)

    def alias(self, buffer: Buffer) -> Buffer:
        """The flat buffer that accesses to `buffer` go through."""
        if is_flat(buffer):
            return buffer
        flat = self.aliases.get(buffer)
        if flat is None:
            extent = flat_extent(buffer, self.analyzer)
            flat = Buffer(
                buffer.name,
                (extent,),
                buffer.dtype,
                buffer.data,
                (),
                IntImm(extent.dtype, 0),
                buffer.scope,
                buffer.align,
                1,
                span=buffer.span,
            )
            self.aliases[buffer] = flat
        return flat

    def declare(self, buffers: list[Buffer], body: Stmt) -> Stmt:
        """Declare the flat aliases of `buffers` around `body` (flat ones need none)."""
        for buffer in reversed(buffers):
            if not is_flat(buffer):
                body = DeclBuffer(self.alias(buffer), body)
        return body

    # -- accesses --------------------------------------------------------------------------

    def _index(self, buffer: Buffer, indices: tuple[PrimExpr, ...]) -> tuple[PrimExpr, ...]:
        if is_flat(buffer):
            return indices
        index = flat_index(buffer, indices)
        if index.dtype.is_vector:
            index = self.analyzer.simplify(index)  # Ramp * c + b folds back into one Ramp
        return (index,)

    def visit_buffer_load(self, node: BufferLoad) -> PrimExpr:
        indices = tuple(self.visit(i) for i in node.indices)
        if is_flat(node.buffer) and all(a is b for a, b in zip(indices, node.indices)):
            return node
        return BufferLoad(self.alias(node.buffer), self._index(node.buffer, indices),
                          span=node.span)  # fmt: skip

    def visit_buffer_store(self, node: BufferStore) -> Stmt:
        value = self.visit(node.value)
        indices = tuple(self.visit(i) for i in node.indices)
        return BufferStore(
            self.alias(node.buffer), value, self._index(node.buffer, indices), span=node.span
        )

    # -- declarations ----------------------------------------------------------------------

    def visit_decl_buffer(self, node: DeclBuffer) -> Stmt:
        body = self.visit(node.body)
        buffer = self.alias(node.buffer)
        if buffer is node.buffer and body is node.body:
            return node
        return DeclBuffer(buffer, body, span=node.span)

    def visit_allocate(self, node: Allocate) -> Stmt:
        body = self.declare(self.pending.pop(node.buffer_var, []), self.visit(node.body))
        extents = node.extents
        if len(extents) != 1:
            one: PrimExpr = IntImm(extents[0].dtype if extents else dtype("int32"), 1)
            extents = (self.analyzer.simplify(reduce(lambda a, b: a * b, extents, one)),)
        return replace(node, extents=extents, body=body)

    def visit_let_stmt(self, node: LetStmt) -> Stmt:
        value = self.visit(node.value)
        body = self.visit(node.body)
        if node.var.dtype.is_handle:
            body = self.declare(self.pending.pop(node.var, []), body)
        if value is node.value and body is node.body:
            return node
        return replace(node, value=value, body=body)
