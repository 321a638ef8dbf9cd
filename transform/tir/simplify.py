"""Simplify: run the arithmetic analyzer over every expression of loop-level TIR.

Facts in force while simplifying: each loop variable lies in its loop's range (and the loop
runs at least once inside its body), sizes of buffer params are non-negative, an ``if``'s
condition holds in its then-branch and fails in its else-branch, an ``assert``'s condition
holds after it. Conditions that read memory or call out are not assumed (the memory may change).

After the pass: every expression is in the analyzer's simplified form; ``if``s and ``assert``s
whose condition is provably true or false are gone (keeping the branch that runs); loops of
extent one become their body with the loop variable replaced by the loop's start, loops that
provably never run are removed; ``let``s of a constant or a variable are substituted; lets whose
variable is unused (and whose value calls nothing) and statements with no effect
(``T.evaluate`` of a constant) are dropped. Integer arithmetic is taken not to overflow, as the
analyzer does (index arithmetic in TVM and C); float arithmetic is never reassociated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from loom.ir import Mutator, Visitor, replace
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    Buffer,
    BufferLoad,
    BufferStore,
    Call,
    DeclBuffer,
    Evaluate,
    FloatImm,
    For,
    ForKind,
    IfThenElse,
    IntImm,
    LetStmt,
    Not,
    PrimExpr,
    PrimFunc,
    Range,
    SeqStmt,
    Stmt,
    Var,
    While,
    eq,
    op_info,
    seq,
)
from loom.ir.tir.arith import Analyzer

from ..context import PassContext
from ..pass_infra import PrimFuncPass
from .substitute import is_no_op, no_op, substitute


@dataclass(frozen=True)
class Simplify(PrimFuncPass):
    """Simplify expressions and remove provably dead code (see the module docstring)."""

    opt_level = 1

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Simplify the body of `func`."""
        simplifier = _Simplifier()
        sizes = {e for b in func.buffer_map.values() for e in b.shape if isinstance(e, Var)}
        with ExitStack() as stack:
            for size in sizes:
                stack.enter_context(simplifier.analyzer.constraint(size >= 0))
            body = simplifier.visit(func.body)
        if body is func.body:
            return func
        return replace(func, body=body)


class _Simplifier(Mutator):
    def __init__(self) -> None:
        super().__init__()
        self.analyzer = Analyzer()

    def simplify(self, expr: PrimExpr) -> PrimExpr:
        return self.analyzer.simplify(expr)

    @contextmanager
    def assuming(self, condition: PrimExpr) -> Iterator[None]:
        """Assume `condition` inside the block, when it is a fact about values, not memory."""
        if condition.dtype.is_scalar and _is_stable(condition):
            with self.analyzer.constraint(condition):
                yield
        else:
            yield

    # -- expressions: every statement field is simplified as a whole -----------------------

    def visit_prim_expr(self, expr: PrimExpr) -> PrimExpr:
        return self.simplify(expr)

    def visit_buffer(self, buffer: Buffer) -> Buffer:
        return buffer  # a definition: its layout is what the declaration says

    # -- statements ------------------------------------------------------------------------

    def visit_for(self, loop: For) -> Stmt:
        low, extent = self.simplify(loop.min), self.simplify(loop.extent)
        if self.analyzer.can_prove(extent <= 0):
            return no_op()
        if loop.kind is not ForKind.THREAD_BINDING and self.analyzer.can_prove(eq(extent, 1)):
            return self.visit(substitute(loop.body, {loop.loop_var: low}))
        self.analyzer.bind(loop.loop_var, Range(low, extent))
        with self.assuming(extent > 0) if not isinstance(extent, IntImm) else _nothing():
            body = self.visit(loop.body)
        if is_no_op(body):
            return no_op()
        if low is loop.min and extent is loop.extent and body is loop.body:
            return loop
        return replace(loop, min=low, extent=extent, body=body)

    def visit_if_then_else(self, node: IfThenElse) -> Stmt:
        condition = self.simplify(node.condition)
        if isinstance(condition, IntImm):
            if condition.value:
                return self.visit(node.then_case)
            return self.visit(node.else_case) if node.else_case is not None else no_op()
        with self.assuming(condition):
            then_case = self.visit(node.then_case)
        else_case = None
        if node.else_case is not None:
            with self.assuming(Not(condition)):
                else_case = self.visit(node.else_case)
            if is_no_op(else_case):
                else_case = None
        if is_no_op(then_case):
            if else_case is None:
                return no_op()
            return IfThenElse(self.simplify(Not(condition)), else_case, span=node.span)
        return IfThenElse(condition, then_case, else_case, span=node.span)

    def visit_assert_stmt(self, node: AssertStmt) -> Stmt:
        condition = self.simplify(node.condition)
        if isinstance(condition, IntImm) and condition.value:
            return self.visit(node.body)
        with self.assuming(condition):
            body = self.visit(node.body)
        return replace(node, condition=condition, body=body)

    def visit_let_stmt(self, node: LetStmt) -> Stmt:
        value = self.simplify(node.value)
        if isinstance(value, IntImm | FloatImm | Var) and not node.var.dtype.is_handle:
            return self.visit(substitute(node.body, {node.var: value}))
        body = self.visit(node.body)
        if not _uses(body, node.var) and _calls_nothing(value):
            return body
        return replace(node, value=value, body=body)

    def visit_while(self, node: While) -> Stmt:
        condition = self.simplify(node.condition)
        if isinstance(condition, IntImm) and not condition.value:
            return no_op()
        return replace(node, condition=condition, body=self.visit(node.body))

    def visit_evaluate(self, node: Evaluate) -> Stmt:
        value = self.simplify(node.value)
        if isinstance(value, IntImm | FloatImm):
            return no_op()
        return node if value is node.value else Evaluate(value, span=node.span)

    def visit_seq_stmt(self, node: SeqStmt) -> Stmt:
        stmts = [self.visit(s) for s in node.seq]
        kept = [s for s in stmts if not is_no_op(s)]
        if not kept:
            return no_op()
        if len(kept) == len(node.seq) and all(a is b for a, b in zip(kept, node.seq)):
            return node
        return seq(*kept)

    def visit_buffer_store(self, node: BufferStore) -> Stmt:
        value = self.simplify(node.value)
        indices = tuple(self.simplify(i) for i in node.indices)
        if value is node.value and all(a is b for a, b in zip(indices, node.indices)):
            return node
        return BufferStore(node.buffer, value, indices, span=node.span)

    def visit_allocate(self, node: Allocate) -> Stmt:
        extents = tuple(self.simplify(e) for e in node.extents)
        body = self.visit(node.body)
        if all(a is b for a, b in zip(extents, node.extents)) and body is node.body:
            return node
        return replace(node, extents=extents, body=body)

    def visit_decl_buffer(self, node: DeclBuffer) -> Stmt:
        body = self.visit(node.body)
        return node if body is node.body else replace(node, body=body)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _is_stable(expr: PrimExpr) -> bool:
    """Whether `expr` reads no memory and calls nothing impure (its value cannot change)."""
    finder = _Finder(loads=True)
    finder.visit(expr)
    return not finder.found


def _calls_nothing(expr: PrimExpr) -> bool:
    finder = _Finder(loads=False)
    finder.visit(expr)
    return not finder.found


def _uses(stmt: Stmt, var: Var) -> bool:
    finder = _VarFinder(var)
    finder.visit(stmt)
    return finder.found


class _Finder(Visitor):
    """Finds impure calls (and, with `loads`, buffer loads)."""

    def __init__(self, loads: bool) -> None:
        self.loads = loads
        self.found = False

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self.found = self.found or self.loads
        self.generic_visit(node)

    def visit_call(self, node: Call) -> None:
        op = node.op
        if not hasattr(op, "name") or not op_info(op.name).pure:
            self.found = True
        for arg in node.args:
            self.visit(arg)


class _VarFinder(Visitor):
    def __init__(self, var: Var) -> None:
        self.var = var
        self.found = False

    def visit_var(self, var: Var) -> None:
        self.found = self.found or var is self.var
