"""Compile TIR expressions into Python closures that compute interpreter values.

Compiling once per `interpret` call, instead of dispatching on node types per element, keeps the
per-element cost to a few closure calls. Every closure returns a value of its node's dtype.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...diagnostics import InterpreterError
from ...dtype import DataType
from ...functor import Functor
from ..expr import (
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
from ..op import Op
from .arith import binary_fn
from .intrinsics import Externals, intrinsic
from .memory import View
from .scope import Scope
from .values import Value, caster, from_python, index

Closure = Callable[[], Value]


class ExprCompiler(Functor):
    """Turns a `PrimExpr` into a zero-argument closure over the variable cells of a `Scope`."""

    def __init__(self, scope: Scope, externals: Externals):
        self.scope = scope
        self.externals = externals

    def compile(self, expr: PrimExpr) -> Closure:
        """The closure computing `expr`."""
        return self.visit(expr)

    def generic_visit(self, node: object) -> Closure:
        """Reject anything that is not an expression."""
        raise InterpreterError(f"the interpreter cannot evaluate {type(node).__name__}")

    # Leaves -----------------------------------------------------------------------------------

    def visit_var(self, var: Var) -> Closure:
        """Read the variable's cell."""
        cell = self.scope.cell(var)
        return lambda: cell[0]

    def visit_int_imm(self, imm: IntImm) -> Closure:
        """A constant of the immediate's dtype."""
        value = from_python(imm.value if not imm.dtype.is_bool else bool(imm.value), imm.dtype, "")
        return lambda: value

    def visit_float_imm(self, imm: FloatImm) -> Closure:
        """A constant rounded to the immediate's dtype."""
        value = from_python(imm.value, imm.dtype, "")
        return lambda: value

    def visit_string_imm(self, imm: StringImm) -> Closure:
        """The text itself (intrinsic names, messages)."""
        text = imm.value
        return lambda: text

    # Operators -------------------------------------------------------------------------------

    def visit_binary_op(self, node: BinaryOp) -> Closure:
        """Arithmetic and comparisons, per `arith.binary_fn`."""
        fn = binary_fn(type(node), node.a.dtype)
        a, b = self.visit(node.a), self.visit(node.b)
        return lambda: fn(a(), b())

    def visit_and(self, node: And) -> Closure:
        """Logical and; lanewise for vectors."""
        a, b = self.visit(node.a), self.visit(node.b)
        if node.dtype.is_vector:
            return lambda: np.logical_and(a(), b())
        # Scalar `and` short-circuits, so `i < n and A[i] > 0` never reads A[n].
        return lambda: a() and b()

    def visit_or(self, node: Or) -> Closure:
        """Logical or; lanewise for vectors."""
        a, b = self.visit(node.a), self.visit(node.b)
        if node.dtype.is_vector:
            return lambda: np.logical_or(a(), b())
        return lambda: a() or b()

    def visit_not(self, node: Not) -> Closure:
        """Logical negation."""
        a = self.visit(node.a)
        return lambda: np.logical_not(a())

    def visit_select(self, node: Select) -> Closure:
        """Evaluate both branches, then choose (lanewise for vector conditions)."""
        cond = self.visit(node.condition)
        then_value, else_value = self.visit(node.true_value), self.visit(node.false_value)
        if node.condition.dtype.is_vector:
            return lambda: np.where(cond(), then_value(), else_value())

        def select() -> Value:
            c, t, f = cond(), then_value(), else_value()  # both sides, as Select promises
            return t if c else f

        return select

    def visit_cast(self, node: Cast) -> Closure:
        """Convert per `values.caster`."""
        convert = caster(node.value.dtype, node.dtype)
        value = self.visit(node.value)
        return lambda: convert(value())

    def visit_ramp(self, node: Ramp) -> Closure:
        """The lanes ``base + k * stride``, wrapping like the dtype."""
        base, stride = self.visit(node.base), self.visit(node.stride)
        steps = np.arange(node.lanes).astype(node.base.dtype.numpy)
        return lambda: base() + steps * stride()

    def visit_broadcast(self, node: Broadcast) -> Closure:
        """The scalar in every lane."""
        value, lanes = self.visit(node.value), node.lanes
        numpy_type = node.dtype.element.numpy
        return lambda: np.full(lanes, value(), dtype=numpy_type)

    def visit_let(self, node: Let) -> Closure:
        """Bind the variable for the body only."""
        value = self.visit(node.value)
        with self.scope.binding(node.var) as (cell,):
            body = self.visit(node.body)

        def let() -> Value:
            saved, cell[0] = cell[0], value()
            result = body()
            cell[0] = saved
            return result

        return let

    def visit_call(self, node: Call) -> Closure:
        """An intrinsic, per `intrinsics`."""
        if not isinstance(node.op, Op):
            raise InterpreterError(
                f"the interpreter runs one prim_func; it cannot call {node.op.name_hint}"
            )
        build = intrinsic(node.op.name)
        args = tuple(self.visit(arg) for arg in node.args)
        return build(node, args, self.externals)

    def visit_buffer_load(self, node: BufferLoad) -> Closure:
        """Read one element (or lanes, for vector indices), bounds-checked."""
        check_scalar_elements(node.buffer.name, node.buffer.dtype)
        cell = self.scope.view_cell(node.buffer)
        indices = tuple(self.visit(i) for i in node.indices)
        if node.dtype.is_vector:

            def load_lanes() -> Value:
                view: View = cell[0]
                return view.array[view.locate_lanes([i() for i in indices])]

            return load_lanes
        if len(indices) == 1:
            (i0,) = indices

            def load_1d() -> Value:
                view: View = cell[0]
                return view.array[view.locate((index(i0()),))]

            return load_1d

        if len(indices) == 2:
            i0, i1 = indices

            def load_2d() -> Value:
                view: View = cell[0]
                return view.array[view.locate((index(i0()), index(i1())))]

            return load_2d

        def load() -> Value:
            view: View = cell[0]
            return view.array[view.locate([index(i()) for i in indices])]

        return load


def check_scalar_elements(name: str, t: DataType) -> None:
    """Refuse buffers whose elements are vectors (the interpreter addresses scalar elements)."""
    if t.is_vector:
        raise InterpreterError(f"buffer {name} has vector elements ({t}); use a scalar dtype")
