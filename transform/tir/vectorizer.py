"""The body rewriter of VectorizeLoops: one loop iteration becomes one vector iteration.

`vectorize_body(body, var, base, lanes)` replaces the loop variable by
``T.Ramp(base, 1, lanes)`` and propagates vector types outward: operations on a vector become
vector operations (scalars broadcast), loads and stores with a vector index become vector
loads and stores, lets of vector values get vector variables. It raises `Scalarize` on
anything it cannot turn into straight-line vector code with the same meaning; the caller
then keeps the loop serial.
"""

from __future__ import annotations

from loom.ir import Mutator, Visitor, replace
from loom.ir.tir import (
    And,
    AssertStmt,
    BinaryOp,
    Broadcast,
    Buffer,
    BufferLoad,
    BufferStore,
    Call,
    Cast,
    DeclBuffer,
    IfThenElse,
    IntImm,
    Let,
    LetStmt,
    Op,
    Or,
    PrimExpr,
    Ramp,
    Select,
    SeqStmt,
    Stmt,
    Var,
    op_info,
)
from loom.ir.tir.arith import Analyzer, free_vars


class Scalarize(Exception):
    """The body cannot be vectorized (the reason is the message); keep the loop serial."""


def vectorize_body(body: Stmt, var: Var, base: PrimExpr, lanes: int) -> Stmt:
    """`body` with `var` replaced by the lanes ``base, base + 1, ...``; raises `Scalarize`."""
    return _Vectorizer(var, Ramp(base, IntImm(base.dtype, 1), lanes)).visit(body)


def reads_memory(expr: PrimExpr) -> bool:
    """Whether evaluating `expr` loads from a buffer."""
    finder = _LoadFinder()
    finder.visit(expr)
    return finder.found


class _LoadFinder(Visitor):
    def __init__(self) -> None:
        self.found = False

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self.found = True


class _Vectorizer(Mutator):
    def __init__(self, var: Var, ramp: Ramp) -> None:
        super().__init__()
        self.var = var
        self.ramp = ramp
        self.lanes = ramp.lanes
        self.lets: dict[Var, Var] = {}
        self.analyzer = Analyzer()

    def widen(self, expr: PrimExpr) -> PrimExpr:
        """`expr` with the loop's lanes (a scalar is broadcast)."""
        if expr.dtype.lanes == self.lanes:
            return expr
        if expr.dtype.lanes != 1:
            raise Scalarize(f"mixes {expr.dtype.lanes} and {self.lanes} lanes")
        return Broadcast(expr, self.lanes)

    def generic_visit(self, node: object) -> object:
        if isinstance(node, Stmt):
            raise Scalarize(f"the body holds a {type(node).__name__}")
        return super().generic_visit(node)

    # -- expressions -----------------------------------------------------------------------

    def visit_var(self, var: Var) -> PrimExpr:
        if var is self.var:
            return self.ramp
        return self.lets.get(var, var)

    def visit_ramp(self, node: Ramp) -> PrimExpr:
        raise Scalarize("the body already holds vector code")

    def visit_broadcast(self, node: Broadcast) -> PrimExpr:
        raise Scalarize("the body already holds vector code")

    def visit_binary_op(self, node: BinaryOp) -> PrimExpr:
        a, b = self.visit(node.a), self.visit(node.b)
        if a is node.a and b is node.b:
            return node
        if a.dtype.is_scalar and b.dtype.is_scalar:
            return type(node)(a, b)
        if isinstance(node, And | Or) and reads_memory(node.b):
            raise Scalarize("a vector `and`/`or` would read memory its left side guards")
        return type(node)(self.widen(a), self.widen(b))

    def visit_cast(self, node: Cast) -> PrimExpr:
        value = self.visit(node.value)
        if value is node.value:
            return node
        return Cast(node.dtype.with_lanes(value.dtype.lanes), value)

    def visit_select(self, node: Select) -> PrimExpr:
        cond = self.visit(node.condition)
        then_value, else_value = self.visit(node.true_value), self.visit(node.false_value)
        if all(a is b for a, b in ((cond, node.condition), (then_value, node.true_value),
                                   (else_value, node.false_value))):  # fmt: skip
            return node
        if cond.dtype.is_scalar and then_value.dtype.is_scalar and else_value.dtype.is_scalar:
            return Select(cond, then_value, else_value)
        return Select(cond, self.widen(then_value), self.widen(else_value))

    def visit_call(self, node: Call) -> PrimExpr:
        # Pure intrinsics are lane-wise; calls out (extern, packed) have effects in order.
        if not isinstance(node.op, Op) or not op_info(node.op).pure:
            raise Scalarize("the body calls out")
        args = tuple(self.visit(arg) for arg in node.args)
        if all(a is b for a, b in zip(args, node.args)):
            return node
        if all(a.dtype.is_scalar for a in args):
            return replace(node, args=args)
        if node.op.name == "if_then_else" and args[0].dtype.is_vector:
            # Every lane would evaluate the branch the condition guards (e.g. a padded load).
            raise Scalarize("if_then_else with a condition that differs between lanes")
        if node.op.name == "if_then_else":
            args = (args[0], self.widen(args[1]), self.widen(args[2]))
        else:
            args = tuple(self.widen(a) for a in args)
        return Call(node.dtype.with_lanes(self.lanes), node.op, args, span=node.span)

    def visit_let(self, node: Let) -> PrimExpr:
        value = self.visit(node.value)
        var = self._bind(node.var, value)
        body = self.visit(node.body)
        if value is node.value and body is node.body and var is node.var:
            return node
        return Let(var, value, body, span=node.span)

    def visit_buffer_load(self, node: BufferLoad) -> PrimExpr:
        indices = self._indices(node.indices)
        if all(a is b for a, b in zip(indices, node.indices)):
            return node
        return BufferLoad(node.buffer, indices, span=node.span)

    def _indices(self, indices: tuple[PrimExpr, ...]) -> tuple[PrimExpr, ...]:
        out = []
        for index in indices:
            new = self.visit(index)
            if new is not index and new.dtype.is_vector:
                new = self.analyzer.simplify(new)  # Ramp arithmetic folds back into a Ramp
            out.append(new)
        return tuple(out)

    def _bind(self, var: Var, value: PrimExpr) -> Var:
        if value.dtype.is_scalar:
            return var
        vector = Var(name_hint=var.name_hint, dtype=value.dtype, span=var.span)
        self.lets[var] = vector
        return vector

    # -- statements ------------------------------------------------------------------------

    def visit_buffer_store(self, node: BufferStore) -> Stmt:
        indices = self._indices(node.indices)
        if all(index.dtype.is_scalar for index in indices):
            raise Scalarize(f"a store to one element of {node.buffer.name} in every lane")
        value = self.widen(self.visit(node.value))
        return BufferStore(node.buffer, value, indices, span=node.span)

    def visit_seq_stmt(self, node: SeqStmt) -> Stmt:
        return SeqStmt(tuple(self.visit(s) for s in node.seq), span=node.span)

    def visit_if_then_else(self, node: IfThenElse) -> Stmt:
        cond = self.visit(node.condition)
        if cond.dtype.is_vector:
            raise Scalarize("an if whose condition differs between lanes")
        then_case = self.visit(node.then_case)
        else_case = self.visit(node.else_case) if node.else_case is not None else None
        return IfThenElse(cond, then_case, else_case, span=node.span)

    def visit_let_stmt(self, node: LetStmt) -> Stmt:
        value = self.visit(node.value)
        var = self._bind(node.var, value)
        return LetStmt(var, value, self.visit(node.body), span=node.span)

    def visit_assert_stmt(self, node: AssertStmt) -> Stmt:
        cond = self.visit(node.condition)
        if cond.dtype.is_vector:
            raise Scalarize("an assert whose condition differs between lanes")
        return AssertStmt(cond, node.message, self.visit(node.body), span=node.span)

    def visit_decl_buffer(self, node: DeclBuffer) -> Stmt:
        if self.var in _free_in_buffer(node.buffer):
            raise Scalarize(f"buffer {node.buffer.name} depends on the loop variable")
        return DeclBuffer(node.buffer, self.visit(node.body), span=node.span)


def _free_in_buffer(buffer: Buffer) -> set[Var]:
    exprs = (*buffer.shape, *buffer.strides, buffer.elem_offset)
    return {v for e in exprs for v in free_vars(e)}
