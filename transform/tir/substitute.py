"""Statement rewriting shared by the lowering passes: a flattening mutator and substitution.

`StmtMutator` keeps sequences flat: a statement rewritten into a sequence is spliced into the
enclosing one, as the parser reads the printed text. `substitute` rewrites uses in one
statement; `fresh_copy` also gives every binder defined inside the statement a new identity, so
that a statement can be duplicated (loop unrolling) without defining a variable or buffer
twice; it expects loop-level TIR (the passes that duplicate code run after LowerBlocks).
"""

from __future__ import annotations

from collections.abc import Mapping

from loom.ir import Mutator, dtype, replace
from loom.ir.tir import (
    Allocate,
    Block,
    Buffer,
    DeclBuffer,
    Evaluate,
    FloatImm,
    For,
    IntImm,
    IterVar,
    Let,
    LetStmt,
    PrimExpr,
    SeqStmt,
    Stmt,
    Var,
    seq,
)


def no_op() -> Stmt:
    """A statement that does nothing (``T.evaluate(0)``): an emptied loop or branch."""
    return Evaluate(IntImm(dtype("int32"), 0))


def is_no_op(stmt: Stmt) -> bool:
    """Whether `stmt` does nothing (``T.evaluate`` of a constant)."""
    return isinstance(stmt, Evaluate) and isinstance(stmt.value, IntImm | FloatImm)


class StmtMutator(Mutator):
    """A `Mutator` whose rewritten sequences stay flat: no `SeqStmt` directly in a `SeqStmt`."""

    def visit_seq_stmt(self, node: SeqStmt) -> Stmt:
        """Rewrite each statement; splice rewritten sequences in."""
        stmts = tuple(self.visit(s) for s in node.seq)
        if all(a is b for a, b in zip(stmts, node.seq)):
            return node
        return seq(*stmts)


def substitute(
    stmt: Stmt,
    variables: Mapping[Var, PrimExpr],
    buffers: Mapping[Buffer, Buffer] | None = None,
) -> Stmt:
    """Replace the variables and buffers of the mappings in `stmt` (by identity).

    A buffer whose shape, strides, elem_offset or data use a replaced variable is rebuilt
    once, and every use of it refers to the rebuilt buffer.
    """
    if not variables and not buffers:
        return stmt
    return _Substituter(variables, buffers or {}, fresh=False).visit(stmt)


def fresh_copy(stmt: Stmt, variables: Mapping[Var, PrimExpr] | None = None) -> Stmt:
    """A copy of `stmt` with `variables` replaced and every binder inside it renewed."""
    return _Substituter(variables or {}, {}, fresh=True).visit(stmt)


class _Substituter(StmtMutator):
    def __init__(
        self, variables: Mapping[Var, PrimExpr], buffers: Mapping[Buffer, Buffer], fresh: bool
    ) -> None:
        super().__init__()
        self.variables: dict[Var, PrimExpr] = dict(variables)
        self.buffers: dict[Buffer, Buffer] = dict(buffers)
        self.fresh = fresh

    def visit_var(self, var: Var) -> PrimExpr:
        return self.variables.get(var, var)

    def visit_buffer(self, buffer: Buffer) -> Buffer:
        mapped = self.buffers.get(buffer)
        if mapped is not None:
            # A fresh declaration is complete; a caller's replacement still gets substituted.
            return mapped if self.fresh else self.visit(mapped)
        return self.generic_visit(buffer)

    def _renew(self, var: Var) -> Var:
        """A binder: a new variable in a fresh copy, the same one otherwise."""
        if not self.fresh:
            return var
        new = replace(var)
        self.variables[var] = new
        return new

    def visit_for(self, loop: For) -> Stmt:
        low, extent = self.visit(loop.min), self.visit(loop.extent)
        var = self._renew(loop.loop_var)
        binding = loop.thread_binding
        if binding is not None:
            binding_var = var if binding.var is loop.loop_var else self._renew(binding.var)
            dom = self.visit_value(binding.dom)
            if binding_var is not binding.var or dom is not binding.dom:
                binding = IterVar(binding_var, dom, binding.iter_type, binding.thread_tag)
        body = self.visit(loop.body)
        annotations = self.visit_value(loop.annotations)
        return replace(
            loop,
            loop_var=var,
            min=low,
            extent=extent,
            body=body,
            thread_binding=binding,
            annotations=annotations,
        )

    def visit_let_stmt(self, node: LetStmt) -> Stmt:
        value = self.visit(node.value)
        var = self._renew(node.var)
        return replace(node, var=var, value=value, body=self.visit(node.body))

    def visit_let(self, node: Let) -> PrimExpr:
        value = self.visit(node.value)
        var = self._renew(node.var)
        return replace(node, var=var, value=value, body=self.visit(node.body))

    def visit_allocate(self, node: Allocate) -> Stmt:
        extents = self.visit_value(node.extents)
        condition = self.visit(node.condition)
        var = self._renew(node.buffer_var)
        return replace(
            node,
            buffer_var=var,
            extents=extents,
            condition=condition,
            body=self.visit(node.body),
            annotations=self.visit_value(node.annotations),
        )

    def visit_decl_buffer(self, node: DeclBuffer) -> Stmt:
        if self.fresh:
            # A declaration of its own, even if no field changed; uses come after it, so they
            # find the new buffer through `self.buffers`.
            buffer = replace(self.generic_visit(node.buffer))
            self.buffers[node.buffer] = buffer
        else:
            buffer = self.visit(node.buffer)
        return replace(node, buffer=buffer, body=self.visit(node.body))

    def visit_block(self, node: Block) -> Stmt:
        if self.fresh:
            raise AssertionError("fresh_copy runs on loop-level TIR; lower blocks first")
        return self.generic_visit(node)
