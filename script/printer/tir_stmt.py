"""TIR statements to docs: one ``visit_<node>`` per `Stmt` class (blocks in tir_block.py).

A visit returns a list of statement docs, because the binding statements (`LetStmt`,
`AssertStmt`, `Allocate`, `DeclBuffer`) print flat: their line, then their body at the same
indentation. That is only right at the end of a statement list; elsewhere they print as a
``with`` scope (`_WITH_FORMS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loom.ir import Functor, LoomError
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    Block,
    BlockRealize,
    BufferStore,
    DeclBuffer,
    Evaluate,
    For,
    ForKind,
    IfThenElse,
    LetStmt,
    SeqStmt,
    Stmt,
    Var,
    While,
)

from . import tir_block, tir_buffer
from .doc import (
    AssertDoc,
    AssignDoc,
    CallDoc,
    ExprDoc,
    ExprStmtDoc,
    ForDoc,
    IfDoc,
    IndexDoc,
    ListDoc,
    StmtDoc,
    WhileDoc,
    WithDoc,
    call,
)
from .refs import is_const, is_true, uses_any
from .tir_expr import ExprPrinter
from .values import string, var_type

_KIND_CALL = {
    ForKind.SERIAL: "T.serial",
    ForKind.PARALLEL: "T.parallel",
    ForKind.VECTORIZED: "T.vectorized",
    ForKind.UNROLLED: "T.unroll",
    ForKind.THREAD_BINDING: "T.thread_binding",
}


class StmtPrinter(Functor):
    """Prints statements with an `ExprPrinter`; tracks the enclosing loops for blocks."""

    def __init__(self, exprs: ExprPrinter) -> None:
        self.exprs = exprs
        self.ctx = exprs.ctx
        self.loops: dict[Var, For] = {}

    def generic_visit(self, node: Any) -> list[StmtDoc]:
        """Nodes without a script form are an error, not a guess."""
        raise LoomError(f"cannot print {type(node).__name__} as a TIR statement")

    def docs(self, stmt: Stmt, *, last: bool = True) -> list[StmtDoc]:
        """Docs of `stmt`; `last` says whether it ends its statement list."""
        with_form = None if last else _WITH_FORMS.get(type(stmt))
        return self.visit(stmt) if with_form is None else [with_form(self, stmt)]

    def body(self, stmt: Stmt) -> tuple[StmtDoc, ...]:
        """Docs of a statement that forms a whole indented body."""
        return tuple(self.docs(stmt))

    # Simple statements

    def visit_buffer_store(self, op: BufferStore) -> list[StmtDoc]:
        """``A[i, j] = value``."""
        target = IndexDoc(self.exprs.buffer(op.buffer), tuple(self.exprs(i) for i in op.indices))
        return [AssignDoc((target,), self.exprs(op.value))]

    def visit_evaluate(self, op: Evaluate) -> list[StmtDoc]:
        """``T.evaluate(value)``."""
        return [ExprStmtDoc(call("T.evaluate", self.exprs(op.value)))]

    def visit_seq_stmt(self, op: SeqStmt) -> list[StmtDoc]:
        """Each statement in turn (nested sequences flattened)."""
        flat = _flatten(op)
        out: list[StmtDoc] = []
        for i, stmt in enumerate(flat):
            out.extend(self.docs(stmt, last=i == len(flat) - 1))
        return out

    # Control flow

    def visit_if_then_else(self, op: IfThenElse) -> list[StmtDoc]:
        """``if c:`` / ``else:``; an else branch that is an `IfThenElse` prints as ``elif``."""
        cond = self.exprs(op.condition)
        then = self.body(op.then_case)
        orelse = () if op.else_case is None else self.body(op.else_case)
        return [IfDoc(cond, then, orelse)]

    def visit_while(self, op: While) -> list[StmtDoc]:
        """``while c:``."""
        return [WhileDoc(self.exprs(op.condition), self.body(op.body))]

    def visit_for(self, op: For) -> list[StmtDoc]:
        """``for i in range(n):``, a ``T.grid`` of nested loops, or a loop-kind call."""
        chain = _grid_chain(op)
        if len(chain) > 1:
            loop_iter: ExprDoc = call("T.grid", *(self.exprs(loop.extent) for loop in chain))
        else:
            loop_iter = self._loop_iter(op)
        outer = dict(self.loops)
        with self.ctx.scope() as decls:
            targets = tuple(self.ctx.define(lp.loop_var, lp.loop_var.name_hint) for lp in chain)
            self.loops.update((loop.loop_var, loop) for loop in chain)
            body = self.docs(chain[-1].body)
        self.loops = outer
        return [ForDoc(targets, loop_iter, (*decls, *body))]

    def _loop_iter(self, op: For) -> CallDoc:
        if is_const(op.min, 0):
            bounds: tuple[ExprDoc, ...] = (self.exprs(op.extent),)
        else:
            bounds = tir_buffer.range_doc(self.exprs, op.min, op.extent)
        if op.kind is ForKind.SERIAL and not op.annotations:
            return call("range", *bounds)
        kwargs: dict[str, ExprDoc] = {}
        if op.thread_binding is not None:
            kwargs["thread"] = string(op.thread_binding.thread_tag)
        if op.annotations:
            kwargs["annotations"] = self.exprs.attrs(op.annotations, "loop annotations")
        return call(_KIND_CALL[op.kind], *bounds, **kwargs)

    def visit_block_realize(self, op: BlockRealize) -> list[StmtDoc]:
        """``with T.block("name"):``; see tir_block.py."""
        return [tir_block.block_doc(self, op)]

    def visit_block(self, op: Block) -> list[StmtDoc]:
        """A block prints only with its iteration values, i.e. inside its `BlockRealize`."""
        raise LoomError(f"cannot print block {op.name_hint!r} outside its BlockRealize")

    # Binding statements: flat form (the with-form is below)

    def visit_let_stmt(self, op: LetStmt) -> list[StmtDoc]:
        """``x: T.int32 = value``, then the body."""
        value = self.exprs(op.value)
        with self.ctx.scope() as decls:
            target = self.ctx.define(op.var, op.var.name_hint)
            body = self.docs(op.body)
        return [AssignDoc((target,), value, var_type(op.var)), *decls, *body]

    def visit_assert_stmt(self, op: AssertStmt) -> list[StmtDoc]:
        """``assert cond, "message"``, then the body."""
        line = AssertDoc(self.exprs(op.condition), string(op.message))
        return [line, *self.docs(op.body)]

    def visit_allocate(self, op: Allocate) -> list[StmtDoc]:
        """``buf = T.allocate([n], "float32", "global")``, then the body."""
        rhs = self.allocate_call(op)
        with self.ctx.scope() as decls:
            target = self.ctx.define(op.buffer_var, op.buffer_var.name_hint)
            body = self.docs(op.body)
        return [AssignDoc((target,), rhs), *decls, *body]

    def allocate_call(self, op: Allocate) -> CallDoc:
        """The ``T.allocate(...)`` call of an `Allocate`."""
        extents = ListDoc(tuple(self.exprs(e) for e in op.extents))
        args = [extents, string(str(op.dtype)), string(op.scope)]
        if not is_true(op.condition):
            args.append(self.exprs(op.condition))
        kwargs = {}
        if op.annotations:
            kwargs["annotations"] = self.exprs.attrs(op.annotations, "allocate annotations")
        return call("T.allocate", *args, **kwargs)

    def visit_decl_buffer(self, op: DeclBuffer) -> list[StmtDoc]:
        """``A = T.decl_buffer((n,), "float32", data=buf)``, then the body."""
        with self.ctx.scope() as decls:
            line = tir_buffer.define(self.exprs, "T.decl_buffer", op.buffer)
            body = self.docs(op.body)
        return [line, *decls, *body]


def _flatten(op: SeqStmt) -> list[Stmt]:
    out: list[Stmt] = []
    for stmt in op.seq:
        out.extend(_flatten(stmt) if isinstance(stmt, SeqStmt) else (stmt,))
    return out


def _is_plain_serial(op: For) -> bool:
    return op.kind is ForKind.SERIAL and is_const(op.min, 0) and not op.annotations


def _grid_chain(op: For) -> list[For]:
    """The perfectly nested plain serial loops from `op` down that print as one ``T.grid``."""
    chain = [op]
    if not _is_plain_serial(op):
        return chain
    outer = {op.loop_var}
    inner = op.body
    while isinstance(inner, For) and _is_plain_serial(inner):
        if uses_any(inner.extent, outer):
            break
        chain.append(inner)
        outer.add(inner.loop_var)
        inner = inner.body
    return chain


# With-forms of the binding statements, for when more statements follow in the same list.


def _let_with(sp: StmtPrinter, op: LetStmt) -> StmtDoc:
    value = sp.exprs(op.value)
    with sp.ctx.scope() as decls:
        target = sp.ctx.define(op.var, op.var.name_hint)
        body = sp.docs(op.body)
    return WithDoc(target, call("T.LetStmt", value), (*decls, *body))


def _assert_with(sp: StmtPrinter, op: AssertStmt) -> StmtDoc:
    rhs = call("T.Assert", sp.exprs(op.condition), string(op.message))
    return WithDoc(None, rhs, sp.body(op.body))


def _allocate_with(sp: StmtPrinter, op: Allocate) -> StmtDoc:
    rhs = sp.allocate_call(op)
    with sp.ctx.scope() as decls:
        target = sp.ctx.define(op.buffer_var, op.buffer_var.name_hint)
        body = sp.docs(op.body)
    return WithDoc(target, rhs, (*decls, *body))


def _decl_buffer_with(sp: StmtPrinter, op: DeclBuffer) -> StmtDoc:
    with sp.ctx.scope() as decls:
        line = tir_buffer.define(sp.exprs, "T.decl_buffer", op.buffer)
        body = sp.docs(op.body)
    assert line.rhs is not None
    return WithDoc(line.targets[0], line.rhs, (*decls, *body))


_WITH_FORMS: dict[type, Callable[[StmtPrinter, Any], StmtDoc]] = {
    LetStmt: _let_with,
    AssertStmt: _assert_with,
    Allocate: _allocate_with,
    DeclBuffer: _decl_buffer_with,
}
