"""`Analyzer`: the one entry point to arithmetic analysis, holding what is known about variables.

Bind variables to ranges or values, assume conditions in a ``with`` block, then simplify, prove,
bound and relax expressions under those facts. Every answer is sound: a proof holds for every
value of the variables allowed by their dtypes, bindings and constraints, with integer
arithmetic taken to be exact (no overflow), as index arithmetic is in TVM and C.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ...diagnostics import LoomError, TypeCheckError
from ...dtype import DataType
from ..expr import Cast, IntImm, PrimExpr, Var, convert, eq
from ..stmt import Range
from .assume import add_condition
from .bound import ConstIntBound
from .canonical import is_canonical_dtype
from .int_set import IntervalSet, IntSetEvaluator
from .keys import ExprTable
from .knowledge import Knowledge
from .simplifier import DEFAULT_RULES, Simplifier
from .traverse import expr_equal, free_vars, substitute

# The value table is rebuilt between calls when it grows past this many entries.
TABLE_LIMIT = 200_000


class ArithError(LoomError):
    """A request the arithmetic analyzer cannot honour (conflicting or cyclic bindings)."""


class Analyzer:
    """Simplifies and reasons about integer expressions under known variable facts."""

    def __init__(self) -> None:
        self._table = ExprTable()
        self._known = Knowledge()
        self._subst: dict[Var, PrimExpr] = {}
        self._bindings: dict[Var, Range | PrimExpr] = {}
        self._engine: Simplifier | None = None
        self._constraint_depth = 0

    # -- facts -----------------------------------------------------------------------------

    def bind(
        self,
        var: Var,
        value: Range | tuple[Any, Any] | PrimExpr | int,
        allow_override: bool = False,
    ) -> None:
        """Bind `var` to a range ``[min, min + extent)`` (or ``(lo, hi)``) or to a value.

        A bound value is substituted when simplifying; a range bounds the variable (a range of
        extent one binds the value). Rebinding to something different needs `allow_override`.
        """
        if not isinstance(var, Var):
            raise TypeCheckError(f"Analyzer.bind needs a Var, not {type(var).__name__}")
        if isinstance(value, tuple):
            if len(value) != 2:
                raise TypeCheckError("Analyzer.bind takes a (lo, hi) pair as a range")
            lo = self._as_dtype(convert(value[0], var.dtype), var.dtype)
            hi = self._as_dtype(convert(value[1], var.dtype), var.dtype)
            value = Range(lo, self.simplify(hi - lo))
        if not isinstance(value, Range):
            value = convert(value, var.dtype)
        self._check_rebind(var, value, allow_override)
        if isinstance(value, Range):
            self._bind_range(var, value)
        else:
            self._bind_value(var, value)
        self._bindings[var] = value

    def _check_rebind(self, var: Var, value: Range | PrimExpr, allow_override: bool) -> None:
        old = self._bindings.get(var)
        if old is None or allow_override:
            return
        if isinstance(old, Range) and isinstance(value, Range):
            same = expr_equal(old.min, value.min) and expr_equal(old.extent, value.extent)
        else:
            same = isinstance(old, PrimExpr) and isinstance(value, PrimExpr)
            same = same and expr_equal(old, value)  # type: ignore[arg-type]
        if not same:
            raise ArithError(
                f"variable {var.name_hint} is already bound; pass allow_override=True to rebind it"
            )

    def _bind_range(self, var: Var, rng: Range) -> None:
        if not (var.dtype.is_integer and var.dtype.is_scalar):
            raise TypeCheckError(f"cannot bind {var.name_hint}: {var.dtype} to a range")
        lo = self.simplify(self._as_dtype(rng.min, var.dtype))
        extent = self.simplify(self._as_dtype(rng.extent, var.dtype))
        if var in free_vars(lo) or var in free_vars(extent):
            raise ArithError(f"cannot bind {var.name_hint} to a range that uses it")
        if isinstance(extent, IntImm) and extent.value == 1:
            self._subst[var] = lo
        else:
            self._subst.pop(var, None)
        lo_b, ext_b = self.const_int_bound(lo), self.const_int_bound(extent)
        if ext_b.max_value == ConstIntBound.POS_INF:
            hi = ConstIntBound.POS_INF
        else:
            hi = max(lo_b.max_value + ext_b.max_value - 1, lo_b.min_value)
        known = self._known
        known.var_bounds[var] = ConstIntBound.of_dtype(var.dtype).intersect(
            ConstIntBound(lo_b.min_value, hi)
        )
        known.var_ranges[var] = IntervalSet(lo, self.simplify(lo + extent - 1))

    def _bind_value(self, var: Var, value: PrimExpr) -> None:
        if value.dtype != var.dtype:
            raise TypeCheckError(
                f"cannot bind {var.name_hint}: {var.dtype} to a {value.dtype} value"
            )
        if var in free_vars(self._substitute(value)):
            raise ArithError(f"cannot bind {var.name_hint} to an expression that uses it")
        value = self.simplify(value)
        self._subst[var] = value
        self._known.var_ranges.pop(var, None)
        if value.dtype.is_integer or value.dtype.is_bool:
            self._known.var_bounds[var] = self.const_int_bound(value)

    @contextmanager
    def constraint(self, cond: PrimExpr | bool) -> Iterator[None]:
        """Assume `cond` inside the ``with`` block (e.g. ``i < n`` in a guarded branch)."""
        cond = self._expr(cond)
        if not (cond.dtype.is_bool and cond.dtype.is_scalar):
            raise TypeCheckError(f"a constraint must be a scalar bool, not {cond.dtype}")
        saved = self._known
        self._known = saved.copy()
        self._constraint_depth += 1
        try:
            with self._session() as engine:
                add_condition(engine, self._known, self._substitute(cond))
            yield
        finally:
            self._constraint_depth -= 1
            self._known = saved

    # -- queries ---------------------------------------------------------------------------

    def simplify(self, expr: PrimExpr | int | float | bool) -> PrimExpr:
        """Fold constants, apply the rewrite rules, put integer arithmetic in canonical form.

        Idempotent: simplifying the result again gives the same expression.
        """
        expr = self._substitute(self._expr(expr))
        with self._session() as engine:
            return engine.run(expr)

    def canonical_simplify(self, expr: PrimExpr | int) -> PrimExpr:
        """Only the canonical form of integer arithmetic and constant folding (no rules)."""
        expr = self._substitute(self._expr(expr))
        with self._session(rules=None) as engine:
            return engine.run(expr)

    def can_prove(self, cond: PrimExpr | bool) -> bool:
        """Whether `cond` holds for every value the variables can take (False: unknown)."""
        cond = self._expr(cond)
        if not (cond.dtype.is_bool and cond.dtype.is_scalar):
            raise TypeCheckError(f"can_prove needs a scalar bool condition, not {cond.dtype}")
        result = self.simplify(cond)
        return isinstance(result, IntImm) and bool(result.value)

    def can_prove_equal(self, a: PrimExpr | int, b: PrimExpr | int) -> bool:
        """Whether `a` and `b` are always equal."""
        a_expr, b_expr = self._expr(a), self._expr(b)
        if is_canonical_dtype(a_expr) or is_canonical_dtype(b_expr):
            return self.can_prove(eq(a_expr, b_expr))
        if a_expr.dtype != b_expr.dtype:
            return False
        simple_a, simple_b = self.simplify(a_expr), self.simplify(b_expr)
        with self._session():
            return self._table.same(simple_a, simple_b)

    def const_int_bound(self, expr: PrimExpr | int) -> ConstIntBound:
        """Constant bounds of an integer expression.

        An unbounded side is `ConstIntBound.POS_INF` / `NEG_INF`; a non-integer expression is
        unbounded on both.
        """
        expr = self._substitute(self._expr(expr))
        with self._session() as engine:
            result = engine.bound(expr)
            if is_canonical_dtype(expr):
                result = result.intersect(engine.cz.bound(engine.cz.to_sum(expr)))
            return result

    def int_set(
        self,
        expr: PrimExpr | int,
        dom_map: Mapping[Var, Range | IntervalSet] | None = None,
    ) -> IntervalSet:
        """The symbolic range ``[min, max]`` (inclusive) of `expr` over variable domains.

        The variables of `dom_map` (default: every variable bound to a range) take any value in
        their domain; other variables stay symbolic.
        """
        expr = self._substitute(self._expr(expr))
        if dom_map is None:
            dom = dict(self._known.var_ranges)
        else:
            dom = {var: self._as_interval(var, d) for var, d in dom_map.items()}
        with self._session() as engine:
            expr = engine.run(expr)
            return IntSetEvaluator(engine, dom).evaluate(expr)

    def cover_range(self, interval: IntervalSet, fallback: Range) -> Range:
        """A `Range` covering `interval`, extent simplified (see `IntervalSet.cover_range`)."""
        rng = interval.cover_range(fallback)
        if isinstance(rng.extent, IntImm):
            return rng
        return Range(rng.min, self.simplify(rng.extent))

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def _session(self, rules: Any = DEFAULT_RULES) -> Iterator[Simplifier]:
        if self._engine is not None and self._engine.rules is rules:
            yield self._engine
            return
        outer = self._engine
        if outer is None and self._constraint_depth == 0 and len(self._table) > TABLE_LIMIT:
            self._table = ExprTable()
        engine = self._engine = Simplifier(self, rules)
        try:
            yield engine
        finally:
            self._engine = outer
            if outer is None:
                self._table.forget_objects()

    def _expr(self, value: Any) -> PrimExpr:
        if isinstance(value, PrimExpr):
            return value
        if isinstance(value, bool | int | float):
            return convert(value)
        raise TypeCheckError(f"the analyzer needs a PrimExpr, not {type(value).__name__}")

    def _substitute(self, expr: PrimExpr) -> PrimExpr:
        # Bound values may mention other bound variables; a binding never refers to itself.
        for _ in range(len(self._subst) + 1):
            if not self._subst:
                return expr
            new = substitute(expr, self._subst)
            if new is expr:
                return expr
            expr = new
        return expr

    @staticmethod
    def _as_dtype(expr: PrimExpr, dtype: DataType) -> PrimExpr:
        if expr.dtype == dtype:
            return expr
        if not expr.dtype.is_integer:
            raise TypeCheckError(f"a range bound must be an integer, not {expr.dtype}")
        if isinstance(expr, IntImm):
            return IntImm(dtype, expr.value)
        return Cast(dtype, expr)

    def _as_interval(self, var: Var, dom: Range | IntervalSet | tuple[Any, Any]) -> IntervalSet:
        if isinstance(dom, IntervalSet):
            return dom
        if isinstance(dom, tuple):
            lo = self._as_dtype(convert(dom[0], var.dtype), var.dtype)
            hi = self._as_dtype(convert(dom[1], var.dtype), var.dtype)
            return IntervalSet(lo, self.simplify(hi - 1))
        if isinstance(dom, Range):
            lo = self._as_dtype(dom.min, var.dtype)
            extent = self._as_dtype(dom.extent, var.dtype)
            return IntervalSet.from_range(Range(lo, extent))
        raise TypeCheckError(
            f"a domain must be a Range or an IntervalSet, not {type(dom).__name__}"
        )


def simplify(expr: PrimExpr | int) -> PrimExpr:
    """Simplify `expr` with a fresh `Analyzer` (no facts beyond the dtypes)."""
    return Analyzer().simplify(expr)
