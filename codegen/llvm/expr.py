"""TIR expressions to LLVM values: one `visit_<node>` per expression kind.

Scalar ``and``/``or`` short-circuit (``i < n and A[i] > 0`` never reads ``A[n]``), as in the
interpreter; ``if_then_else`` evaluates one branch; `Select` evaluates both. Arithmetic inside a
buffer index is emitted with ``nsw``: an index that overflows leaves its buffer anyway, and the
promise lets LLVM vectorize address arithmetic that is done in 32 bits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llvmlite import ir

from loom.ir import Functor
from loom.ir.tir import (
    And,
    BinaryOp,
    Broadcast,
    BufferLoad,
    Call,
    Cast,
    FloatImm,
    IntImm,
    Let,
    Not,
    Or,
    PrimExpr,
    Ramp,
    Select,
    StringImm,
    Var,
)

from ..errors import CodegenError
from .arith import Arith
from .memory import load
from .types import I1, I32, constant, splat, value_type

if TYPE_CHECKING:
    from .emitter import FunctionEmitter


def _safe_divisor(expr: PrimExpr) -> bool:
    """Whether `expr` is a constant divisor that needs no guard (not 0, not -1)."""
    if isinstance(expr, Broadcast):
        expr = expr.value
    return isinstance(expr, IntImm) and expr.value not in (0, -1)


class ExprEmitter(Functor):
    """Emits expressions into the current block of a `FunctionEmitter`."""

    def __init__(self, state: FunctionEmitter):
        self.state = state
        self.arith = Arith(state.builder, state.module.module, state.fast_math)
        self._in_index = 0

    def emit(self, expr: PrimExpr) -> ir.Value:
        """The value of `expr`."""
        return self.visit(expr)

    def index(self, expr: PrimExpr) -> ir.Value:
        """The value of a buffer index (signed arithmetic may assume no overflow)."""
        self._in_index += 1
        try:
            return self.visit(expr)
        finally:
            self._in_index -= 1

    def generic_visit(self, node: object) -> ir.Value:
        """Reject what is not an expression codegen knows."""
        raise CodegenError(f"{self.state.name}: cannot compile expression {type(node).__name__}")

    @property
    def b(self) -> ir.IRBuilder:
        """The builder."""
        return self.state.builder

    # Leaves -----------------------------------------------------------------------------------

    def visit_var(self, var: Var) -> ir.Value:
        """The variable's bound value."""
        return self.state.lookup(var)

    def visit_int_imm(self, imm: IntImm) -> ir.Value:
        """An integer or bool constant."""
        return constant(imm.dtype, imm.value)

    def visit_float_imm(self, imm: FloatImm) -> ir.Value:
        """A float constant (bfloat16: rounded)."""
        return constant(imm.dtype, imm.value)

    def visit_string_imm(self, imm: StringImm) -> ir.Value:
        """A pointer to constant text."""
        return self.state.module.string(imm.value)

    # Operators -------------------------------------------------------------------------------

    def visit_binary_op(self, node: BinaryOp) -> ir.Value:
        """Arithmetic and comparisons, per `arith.Arith.binary`."""
        a, b = self.visit(node.a), self.visit(node.b)
        nsw = self._in_index > 0
        return self.arith.binary(type(node), a, b, node.a.dtype, _safe_divisor(node.b), nsw)

    def visit_and(self, node: And) -> ir.Value:
        """Logical and: lanewise for vectors, short-circuit for scalars."""
        return self._logical(node, is_and=True)

    def visit_or(self, node: Or) -> ir.Value:
        """Logical or: lanewise for vectors, short-circuit for scalars."""
        return self._logical(node, is_and=False)

    def _logical(self, node: And | Or, is_and: bool) -> ir.Value:
        b = self.b
        a = self.visit(node.a)
        if node.dtype.is_vector:
            rhs = self.visit(node.b)
            return b.and_(a, rhs) if is_and else b.or_(a, rhs)
        first = b.block
        rhs_block, done = self.state.block("logic.rhs"), self.state.block("logic.end")
        if is_and:
            b.cbranch(a, rhs_block, done)
        else:
            b.cbranch(a, done, rhs_block)
        b.position_at_end(rhs_block)
        rhs = self.visit(node.b)
        rhs_end = b.block
        b.branch(done)
        b.position_at_end(done)
        phi = b.phi(I1)
        phi.add_incoming(ir.Constant(I1, 0 if is_and else 1), first)
        phi.add_incoming(rhs, rhs_end)
        return phi

    def visit_not(self, node: Not) -> ir.Value:
        """Logical negation."""
        return self.b.xor(self.visit(node.a), constant(node.dtype, 1))

    def visit_select(self, node: Select) -> ir.Value:
        """Both sides evaluated, one chosen (lanewise for a vector condition)."""
        cond = self.visit(node.condition)
        then_value, else_value = self.visit(node.true_value), self.visit(node.false_value)
        if node.dtype.is_vector and node.condition.dtype.is_scalar:
            cond = self.splat(cond, node.dtype.lanes)
        return self.b.select(cond, then_value, else_value)

    def visit_cast(self, node: Cast) -> ir.Value:
        """A value conversion."""
        return self.arith.cast(self.visit(node.value), node.value.dtype, node.dtype)

    # Vectors -----------------------------------------------------------------------------------

    def splat(self, value: ir.Value, lanes: int) -> ir.Value:
        """`value` in every one of `lanes` lanes."""
        b = self.b
        vector_type = ir.VectorType(value.type, lanes)
        one = b.insert_element(ir.Constant(vector_type, None), value, ir.Constant(I32, 0))
        mask = ir.Constant(ir.VectorType(I32, lanes), [0] * lanes)
        return b.shuffle_vector(one, ir.Constant(vector_type, None), mask)

    def visit_broadcast(self, node: Broadcast) -> ir.Value:
        """A scalar in every lane."""
        value = self.visit(node.value)
        if isinstance(value, ir.Constant):
            return splat(value, node.lanes)
        return self.splat(value, node.lanes)

    def visit_ramp(self, node: Ramp) -> ir.Value:
        """``base + k * stride`` for each lane k."""
        t = node.dtype
        base = self.splat(self.visit(node.base), node.lanes)
        stride = self.splat(self.visit(node.stride), node.lanes)
        steps = ir.Constant(
            value_type(t), [ir.Constant(value_type(t.element), k) for k in range(node.lanes)]
        )
        flags = ("nsw",) if self._in_index and t.is_int else ()
        return self.b.add(base, self.b.mul(stride, steps, flags=flags), flags=flags)

    # Scoping, memory and calls -----------------------------------------------------------------

    def visit_let(self, node: Let) -> ir.Value:
        """Bind the variable for the body only."""
        value = self.visit(node.value)
        with self.state.bind(node.var, value):
            return self.visit(node.body)

    def visit_buffer_load(self, node: BufferLoad) -> ir.Value:
        """A scalar or vector load."""
        return load(self.state, node.buffer, node.indices, node.dtype)

    def visit_call(self, node: Call) -> ir.Value:
        """An intrinsic (see `intrinsics`), a C function or a packed function (`calls`)."""
        from .intrinsics import emit_intrinsic

        return emit_intrinsic(self, node)
