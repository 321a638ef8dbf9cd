"""Constant-bound analysis: the `ConstIntBound` of an integer expression, bottom-up.

Variables take their bound from the analyzer (`bind`, constraints), else from their dtype
(`SizeVar` from 0). Integer arithmetic is taken to be exact (no wrap-around), as index
arithmetic is in TVM and C; results are not clamped to the dtype range, so the bounds also hold
for the mathematical values.
"""

from __future__ import annotations

from collections.abc import Callable

from ...functor import Functor
from ..expr import (
    Add,
    Broadcast,
    Call,
    Cast,
    CmpOp,
    Div,
    FloatImm,
    FloorDiv,
    FloorMod,
    IntImm,
    Let,
    Max,
    Min,
    Mod,
    Mul,
    Not,
    PrimExpr,
    Ramp,
    Select,
    SizeVar,
    Sub,
    Var,
)
from . import bound as B
from .bound import ConstIntBound

VarBound = Callable[[Var], ConstIntBound | None]


class BoundAnalyzer(Functor):
    """Computes bounds, memoised per expression object for the analyzer's current facts."""

    def __init__(self, var_bound: VarBound) -> None:
        self._var_bound = var_bound
        self._memo: dict[int, tuple[PrimExpr, ConstIntBound]] = {}
        self._let_bounds: dict[Var, ConstIntBound] = {}

    def bound(self, expr: PrimExpr) -> ConstIntBound:
        """The bound of `expr` (everything for non-integer expressions)."""
        hit = self._memo.get(id(expr))
        if hit is not None:
            return hit[1]
        if not (expr.dtype.is_integer or expr.dtype.is_bool):
            result = ConstIntBound.everything()
        else:
            result = self.visit(expr)
            if expr.dtype.is_uint:  # wraps around: a bound past the dtype's range says nothing
                full = ConstIntBound.of_dtype(expr.dtype.element)
                if result.min_value < full.min_value or result.max_value > full.max_value:
                    result = full
        self._memo[id(expr)] = (expr, result)
        return result

    def generic_visit(self, node: PrimExpr) -> ConstIntBound:
        """Opaque expressions (loads, unknown calls, ...) are bounded by their dtype only."""
        return ConstIntBound.of_dtype(node.dtype.element)

    def visit_int_imm(self, node: IntImm) -> ConstIntBound:
        """A constant is its own bound."""
        return ConstIntBound.single(node.value)

    def visit_var(self, node: Var) -> ConstIntBound:
        """The bound the analyzer knows, within the dtype's range (`SizeVar` from 0)."""
        found = self._let_bounds.get(node)
        if found is None:
            found = self._var_bound(node)
        base = ConstIntBound.of_dtype(node.dtype.element)
        if isinstance(node, SizeVar):
            base = base.intersect(ConstIntBound(0, ConstIntBound.POS_INF))
        return base if found is None else base.intersect(found)

    def visit_add(self, node: Add) -> ConstIntBound:
        """Sum of the bounds."""
        return B.add(self.bound(node.a), self.bound(node.b))

    def visit_sub(self, node: Sub) -> ConstIntBound:
        """Difference of the bounds (``x - x`` is 0)."""
        if node.a is node.b:
            return ConstIntBound.single(0)
        return B.sub(self.bound(node.a), self.bound(node.b))

    def visit_mul(self, node: Mul) -> ConstIntBound:
        """The extreme corners (a square is non-negative)."""
        if node.a is node.b:
            square = B.mul(self.bound(node.a), self.bound(node.a))
            return square.intersect(ConstIntBound(0, ConstIntBound.POS_INF))
        return B.mul(self.bound(node.a), self.bound(node.b))

    def visit_floor_div(self, node: FloorDiv) -> ConstIntBound:
        """Floor division over the divisor's positive and negative parts."""
        return B.floordiv(self.bound(node.a), self.bound(node.b))

    def visit_floor_mod(self, node: FloorMod) -> ConstIntBound:
        """Within ``[0, c)`` for positive divisors, ``(c, 0]`` for negative ones."""
        return B.floormod(self.bound(node.a), self.bound(node.b))

    def visit_div(self, node: Div) -> ConstIntBound:
        """C division: like floor division on each sign of the dividend."""
        return B.truncdiv(self.bound(node.a), self.bound(node.b))

    def visit_mod(self, node: Mod) -> ConstIntBound:
        """C remainder: the dividend's sign, smaller than the divisor."""
        return B.truncmod(self.bound(node.a), self.bound(node.b))

    def visit_min(self, node: Min) -> ConstIntBound:
        """Smaller of the two on each side."""
        return B.min_(self.bound(node.a), self.bound(node.b))

    def visit_max(self, node: Max) -> ConstIntBound:
        """Larger of the two on each side."""
        return B.max_(self.bound(node.a), self.bound(node.b))

    def visit_select(self, node: Select) -> ConstIntBound:
        """Either branch."""
        return self.bound(node.true_value).union(self.bound(node.false_value))

    def visit_cmp_op(self, node: CmpOp) -> ConstIntBound:
        """A boolean."""
        return ConstIntBound(0, 1)

    def visit_not(self, node: Not) -> ConstIntBound:
        """A boolean."""
        return ConstIntBound(0, 1)

    def visit_cast(self, node: Cast) -> ConstIntBound:
        """The operand's bound when the target holds it, else the target's range."""
        target = ConstIntBound.of_dtype(node.dtype.element)
        value = node.value
        if node.dtype.is_bool:
            return target
        if isinstance(value, FloatImm) or not (value.dtype.is_integer or value.dtype.is_bool):
            return target
        inner = self.bound(value)
        fits = target.min_value <= inner.min_value and inner.max_value <= target.max_value
        return inner if fits else target

    def visit_let(self, node: Let) -> ConstIntBound:
        """The body's bound with the variable bounded by its value."""
        if not (node.value.dtype.is_integer or node.value.dtype.is_bool):
            return self.bound(node.body)
        saved = self._let_bounds.get(node.var)
        self._let_bounds[node.var] = self.bound(node.value)
        try:
            return self.visit(node.body)
        finally:
            if saved is None:
                self._let_bounds.pop(node.var, None)
            else:
                self._let_bounds[node.var] = saved

    def visit_ramp(self, node: Ramp) -> ConstIntBound:
        """Between the first and the last lane."""
        base, stride = self.bound(node.base), self.bound(node.stride)
        last = B.add(base, B.scale(stride, node.lanes - 1))
        return base.union(last)

    def visit_broadcast(self, node: Broadcast) -> ConstIntBound:
        """The scalar's bound."""
        return self.bound(node.value)

    def visit_call(self, node: Call) -> ConstIntBound:
        """Intrinsics with known ranges; other calls only by their dtype."""
        name = getattr(node.op, "name", None)
        dtype_bound = ConstIntBound.of_dtype(node.dtype.element)
        if name == "if_then_else":
            return self.bound(node.args[1]).union(self.bound(node.args[2]))
        if name == "bitwise_and" and node.dtype.is_integer:
            for arg in node.args:
                b = self.bound(arg)
                if b.min_value >= 0:
                    return ConstIntBound(0, b.max_value)
        if name == "shift_right" and node.dtype.is_integer:
            value, amount = self.bound(node.args[0]), self.bound(node.args[1])
            if value.min_value >= 0 and amount.min_value >= 0:
                return ConstIntBound(0, value.max_value)
        return dtype_bound
