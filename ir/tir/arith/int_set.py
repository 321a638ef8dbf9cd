"""Symbolic interval analysis: the range ``[min, max]`` of an expression over variable domains.

`IntervalSet` bounds are expressions (``None`` for an unbounded side), so the range of
``i*4 + k`` over ``k in [0, 4)`` is ``[i*4, i*4 + 3]``. Interval arithmetic is sound but not
exact when a variable occurs twice; callers simplify first (the analyzer does), which combines
like terms so linear index expressions come out exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ...functor import Functor
from ..expr import (
    Add,
    Broadcast,
    Call,
    Cast,
    Div,
    FloorDiv,
    FloorMod,
    IntImm,
    Let,
    Max,
    Min,
    Mod,
    Mul,
    PrimExpr,
    Ramp,
    Select,
    Sub,
    Var,
)
from ..stmt import Range
from .bound import ConstIntBound
from .traverse import expr_children, expr_equal

# How deep a chain of domains referring to other relaxed variables may go.
MAX_RELAX_DEPTH = 5


@dataclass(frozen=True, eq=False)
class IntervalSet:
    """The inclusive interval ``[min_value, max_value]``; None means unbounded on that side."""

    min_value: PrimExpr | None
    max_value: PrimExpr | None

    @staticmethod
    def point(expr: PrimExpr) -> IntervalSet:
        """Exactly `expr`."""
        return IntervalSet(expr, expr)

    @staticmethod
    def everything() -> IntervalSet:
        """No bound on either side."""
        return IntervalSet(None, None)

    @staticmethod
    def from_range(rng: Range) -> IntervalSet:
        """``[min, min + extent - 1]`` of a half-open `Range` (unsimplified)."""
        if isinstance(rng.extent, IntImm) and rng.extent.value == 1:
            return IntervalSet.point(rng.min)
        return IntervalSet(rng.min, rng.min + rng.extent - 1)

    def is_single_point(self) -> bool:
        """Both sides are the same expression."""
        return (
            self.min_value is not None
            and self.max_value is not None
            and expr_equal(self.min_value, self.max_value)
        )

    def has_lower_bound(self) -> bool:
        """The minimum is known."""
        return self.min_value is not None

    def has_upper_bound(self) -> bool:
        """The maximum is known."""
        return self.max_value is not None

    def is_everything(self) -> bool:
        """Neither side is known."""
        return self.min_value is None and self.max_value is None

    def is_constant(self) -> bool:
        """Both sides are integer immediates."""
        return isinstance(self.min_value, IntImm) and isinstance(self.max_value, IntImm)

    def cover_range(self, fallback: Range) -> Range:
        """A `Range` covering the set; an unbounded side takes `fallback`'s side.

        The extent is ``max - min + 1`` unsimplified; the analyzer's `cover_range` simplifies it.
        """
        if self.is_single_point():
            assert self.min_value is not None
            return Range(self.min_value, IntImm(self.min_value.dtype, 1))
        lo = self.min_value if self.min_value is not None else fallback.min
        hi = self.max_value if self.max_value is not None else fallback.min + fallback.extent - 1
        return Range(lo, hi - lo + 1)

    def __repr__(self) -> str:
        def text(e: PrimExpr | None, inf: str) -> str:
            if e is None:
                return inf
            try:
                return str(e)
            except Exception:  # the printer may be unavailable
                return repr(e)

        return f"IntervalSet[{text(self.min_value, '-inf')}, {text(self.max_value, '+inf')}]"


class Engine(Protocol):
    """What interval evaluation needs from the analyzer."""

    def visit(self, expr: PrimExpr) -> PrimExpr:
        """Simplify."""
        ...

    def bound(self, expr: PrimExpr) -> ConstIntBound:
        """The constant bound of an expression."""
        ...


def _min(a: PrimExpr | None, b: PrimExpr | None, keep_none: bool) -> PrimExpr | None:
    """Min of two sides; None is -inf (`keep_none`) or +inf (not `keep_none`)."""
    if a is None or b is None:
        return None if keep_none else (b if a is None else a)
    return a if expr_equal(a, b) else Min(a, b)


def _max(a: PrimExpr | None, b: PrimExpr | None, keep_none: bool) -> PrimExpr | None:
    if a is None or b is None:
        return None if keep_none else (b if a is None else a)
    return a if expr_equal(a, b) else Max(a, b)


def union(a: IntervalSet, b: IntervalSet) -> IntervalSet:
    """The smallest interval holding both (unsimplified)."""
    return IntervalSet(_min(a.min_value, b.min_value, True), _max(a.max_value, b.max_value, True))


class IntSetEvaluator(Functor):
    """Evaluates an expression over interval domains for some variables."""

    def __init__(self, engine: Engine, dom: dict[Var, IntervalSet]) -> None:
        self.engine = engine
        self.dom = dict(dom)
        self._relaxing: set[Var] = set()
        self._relaxed: dict[Var, IntervalSet] = {}

    def evaluate(self, expr: PrimExpr) -> IntervalSet:
        """The simplified interval of `expr`."""
        result = self.eval(expr)
        lo = None if result.min_value is None else self.engine.visit(result.min_value)
        hi = None if result.max_value is None else self.engine.visit(result.max_value)
        return IntervalSet(lo, hi)

    def eval(self, expr: PrimExpr) -> IntervalSet:
        """The unsimplified interval of `expr`."""
        return self.visit(expr)

    # -- leaves and opaque nodes -----------------------------------------------------------

    def generic_visit(self, node: PrimExpr) -> IntervalSet:
        """A node we cannot see through: a point if its operands are fixed, else unbounded."""
        for child in expr_children(node):
            s = self.eval(child)
            if not (s.min_value is child and s.max_value is child):
                return IntervalSet.everything()
        return IntervalSet.point(node)

    def visit_var(self, node: Var) -> IntervalSet:
        """Its domain (itself when not relaxed), with the domain's own bounds relaxed too."""
        found = self.dom.get(node)
        if found is None:
            return IntervalSet.point(node)
        done = self._relaxed.get(node)
        if done is not None:
            return done
        if node in self._relaxing or len(self._relaxing) >= MAX_RELAX_DEPTH:
            # A cycle of domains (i <= n - 1, n >= i + 1): a bound in terms of the variable
            # itself is still a valid bound.
            return found if node not in self._relaxing else IntervalSet.point(node)
        # A domain may mention other relaxed variables (nested loops): relax it too.
        self._relaxing.add(node)
        try:
            lo = None if found.min_value is None else self.eval(found.min_value).min_value
            hi = None if found.max_value is None else self.eval(found.max_value).max_value
        finally:
            self._relaxing.discard(node)
        result = self._relaxed[node] = IntervalSet(lo, hi)
        return result

    # -- arithmetic ------------------------------------------------------------------------

    def _both(self, node: PrimExpr) -> tuple[IntervalSet, IntervalSet, bool]:
        a, b = self.eval(node.a), self.eval(node.b)  # type: ignore[attr-defined]
        fixed = (
            a.min_value is node.a  # type: ignore[attr-defined]
            and a.max_value is node.a  # type: ignore[attr-defined]
            and b.min_value is node.b  # type: ignore[attr-defined]
            and b.max_value is node.b  # type: ignore[attr-defined]
        )
        return a, b, fixed

    def visit_add(self, node: Add) -> IntervalSet:
        """``[a.min + b.min, a.max + b.max]``."""
        a, b, fixed = self._both(node)
        return IntervalSet.point(node) if fixed else add(a, b)

    def visit_sub(self, node: Sub) -> IntervalSet:
        """``[a.min - b.max, a.max - b.min]``."""
        a, b, fixed = self._both(node)
        return IntervalSet.point(node) if fixed else sub(a, b)

    def visit_mul(self, node: Mul) -> IntervalSet:
        """Scaled by a point of known sign, else the corners."""
        a, b, fixed = self._both(node)
        return IntervalSet.point(node) if fixed else self.mul(a, b)

    def visit_floor_div(self, node: FloorDiv) -> IntervalSet:
        """Monotone in the dividend for a divisor of known sign."""
        return self._division(node, monotone=True)

    def visit_div(self, node: Div) -> IntervalSet:
        """C division is monotone in the dividend too."""
        return self._division(node, monotone=True)

    def _division(self, node: FloorDiv | Div, monotone: bool) -> IntervalSet:
        a, b, fixed = self._both(node)
        if fixed:
            return IntervalSet.point(node)
        if not b.is_single_point():
            return IntervalSet.everything()
        divisor = b.min_value
        assert divisor is not None
        sign = self._sign(divisor)
        cls = type(node)

        def apply(e: PrimExpr | None) -> PrimExpr | None:
            return None if e is None else cls(e, divisor)

        if sign > 0:
            return IntervalSet(apply(a.min_value), apply(a.max_value))
        if sign < 0:
            return IntervalSet(apply(a.max_value), apply(a.min_value))
        return IntervalSet.everything()

    def visit_floor_mod(self, node: FloorMod) -> IntervalSet:
        """The dividend's own range when it stays in one period, else ``[0, c)``."""
        return self._modulo(node)

    def visit_mod(self, node: Mod) -> IntervalSet:
        """Like floor modulo for non-negative dividends, else ``(-c, c)``."""
        return self._modulo(node)

    def _modulo(self, node: FloorMod | Mod) -> IntervalSet:
        a, b, fixed = self._both(node)
        if fixed:
            return IntervalSet.point(node)
        if not b.is_single_point():
            return IntervalSet.everything()
        divisor = b.min_value
        assert divisor is not None
        one = IntImm(divisor.dtype, 1)
        sign = self._sign(divisor)
        nonneg = a.min_value is not None and self.engine.bound(a.min_value).min_value >= 0
        if sign > 0 and a.min_value is not None and a.max_value is not None:
            if nonneg and self._provably_below(a.max_value, divisor):
                return a
            if isinstance(divisor, IntImm) and (nonneg or isinstance(node, FloorMod)):
                same_period = self.engine.visit(
                    FloorDiv(a.max_value, divisor) - FloorDiv(a.min_value, divisor)
                )
                if isinstance(same_period, IntImm) and same_period.value == 0:
                    cls = type(node)
                    return IntervalSet(cls(a.min_value, divisor), cls(a.max_value, divisor))
        if isinstance(node, FloorMod):
            if sign > 0:
                return IntervalSet(IntImm(divisor.dtype, 0), divisor - one)
            if sign < 0:
                return IntervalSet(divisor + one, IntImm(divisor.dtype, 0))
            return IntervalSet.everything()
        if sign > 0:
            lo = IntImm(divisor.dtype, 0) if nonneg else one - divisor
            return IntervalSet(lo, divisor - one)
        return IntervalSet.everything()

    def visit_min(self, node: Min) -> IntervalSet:
        """Monotone in both operands."""
        a, b, fixed = self._both(node)
        if fixed:
            return IntervalSet.point(node)
        return IntervalSet(
            _min(a.min_value, b.min_value, True), _min(a.max_value, b.max_value, False)
        )

    def visit_max(self, node: Max) -> IntervalSet:
        """Monotone in both operands."""
        a, b, fixed = self._both(node)
        if fixed:
            return IntervalSet.point(node)
        return IntervalSet(
            _max(a.min_value, b.min_value, False), _max(a.max_value, b.max_value, True)
        )

    def visit_select(self, node: Select) -> IntervalSet:
        """Either branch."""
        return self._choice(node, node.condition, node.true_value, node.false_value)

    def visit_call(self, node: Call) -> IntervalSet:
        """``if_then_else`` is either branch; other calls are opaque."""
        if getattr(node.op, "name", None) == "if_then_else":
            return self._choice(node, *node.args)
        return self.generic_visit(node)

    def _choice(
        self, node: PrimExpr, cond: PrimExpr, then: PrimExpr, other: PrimExpr
    ) -> IntervalSet:
        sets = [self.eval(e) for e in (cond, then, other)]
        if all(s.min_value is e and s.max_value is e for s, e in zip(sets, (cond, then, other))):
            return IntervalSet.point(node)
        return union(sets[1], sets[2])

    def visit_cast(self, node: Cast) -> IntervalSet:
        """Widening integer casts keep the interval."""
        inner = self.eval(node.value)
        if inner.min_value is node.value and inner.max_value is node.value:
            return IntervalSet.point(node)
        src, dst = node.value.dtype, node.dtype
        widening = (
            src.is_integer
            and dst.is_integer
            and dst.is_scalar
            and ConstIntBound.of_dtype(dst).min_value <= ConstIntBound.of_dtype(src).min_value
            and ConstIntBound.of_dtype(src).max_value <= ConstIntBound.of_dtype(dst).max_value
        )
        if not widening:
            return IntervalSet.everything()
        return IntervalSet(
            None if inner.min_value is None else Cast(dst, inner.min_value),
            None if inner.max_value is None else Cast(dst, inner.max_value),
        )

    def visit_let(self, node: Let) -> IntervalSet:
        """The body with the variable ranging over its value's interval."""
        value = self.eval(node.value)
        saved = self.dom.get(node.var)
        self.dom[node.var] = value
        self._relaxed[node.var] = value  # already in terms of relaxed variables
        try:
            return self.eval(node.body)
        finally:
            self._relaxed.pop(node.var, None)
            if saved is None:
                self.dom.pop(node.var, None)
            else:
                self.dom[node.var] = saved

    def visit_ramp(self, node: Ramp) -> IntervalSet:
        """``base + stride * [0, lanes)``."""
        base, stride = self.eval(node.base), self.eval(node.stride)
        dtype = node.base.dtype
        lanes = IntervalSet(IntImm(dtype, 0), IntImm(dtype, node.lanes - 1))
        return add(base, self.mul(lanes, stride))

    def visit_broadcast(self, node: Broadcast) -> IntervalSet:
        """The scalar's interval."""
        return self.eval(node.value)

    # -- helpers ---------------------------------------------------------------------------

    def _sign(self, expr: PrimExpr) -> int:
        b = self.engine.bound(expr)
        return 1 if b.min_value > 0 else -1 if b.max_value < 0 else 0

    def _provably_below(self, a: PrimExpr, b: PrimExpr) -> bool:
        diff = self.engine.visit(a - b)
        return self.engine.bound(diff).max_value < 0

    def mul(self, a: IntervalSet, b: IntervalSet) -> IntervalSet:
        """The interval of a product."""
        if b.is_single_point() and b.min_value is not None:
            return self._scale(a, b.min_value)
        if a.is_single_point() and a.min_value is not None:
            return self._scale(b, a.min_value)
        if a.min_value is None or a.max_value is None or b.min_value is None or b.max_value is None:
            return IntervalSet.everything()
        corners = [x * y for x in (a.min_value, a.max_value) for y in (b.min_value, b.max_value)]
        lo: PrimExpr | None = corners[0]
        hi: PrimExpr | None = corners[0]
        for corner in corners[1:]:
            lo, hi = _min(lo, corner, True), _max(hi, corner, True)
        return IntervalSet(lo, hi)

    def _scale(self, s: IntervalSet, k: PrimExpr) -> IntervalSet:
        sign = self.engine.bound(k)

        def times(e: PrimExpr | None) -> PrimExpr | None:
            return None if e is None else e * k

        if sign.min_value >= 0:
            return IntervalSet(times(s.min_value), times(s.max_value))
        if sign.max_value <= 0:
            return IntervalSet(times(s.max_value), times(s.min_value))
        if s.min_value is None or s.max_value is None:
            return IntervalSet.everything()
        lo_k, hi_k = s.min_value * k, s.max_value * k
        return IntervalSet(Min(lo_k, hi_k), Max(lo_k, hi_k))


def add(a: IntervalSet, b: IntervalSet) -> IntervalSet:
    """The interval of a sum."""
    lo = None if a.min_value is None or b.min_value is None else a.min_value + b.min_value
    hi = None if a.max_value is None or b.max_value is None else a.max_value + b.max_value
    return IntervalSet(lo, hi)


def sub(a: IntervalSet, b: IntervalSet) -> IntervalSet:
    """The interval of a difference."""
    lo = None if a.min_value is None or b.max_value is None else a.min_value - b.max_value
    hi = None if a.max_value is None or b.min_value is None else a.max_value - b.min_value
    return IntervalSet(lo, hi)
