"""Integer comparisons through the canonical form: decide them, or write them in normal form.

``a < b`` is read as ``d < 0`` with ``d = a - b`` canonical. It is decided when the bounds (and
the assumed facts) of ``d`` settle it. Otherwise it is written back with the gcd of the
coefficients divided out, each term on the side where its coefficient is positive and the
constant on the side that keeps it positive: ``x*2 < y*2 + 3`` becomes ``x < y + 2``,
``i < n - 1`` becomes ``i + 1 < n``. ``>``/``>=`` become ``<``/``<=`` with the operands swapped.
"""

from __future__ import annotations

from typing import Protocol

from ...dtype import dtype
from ..expr import EQ, GE, GT, LE, LT, NE, CmpOp, IntImm, PrimExpr
from .bound import NEG_INF, POS_INF
from .canonical import CannotMaterialize, Canonicalizer, is_canonical_dtype
from .knowledge import Linear, interval_of_normalized, linearize
from .sum_form import Sum

BOOL = dtype("bool")


class CompareContext(Protocol):
    """What comparison rules need from the simplifier."""

    cz: Canonicalizer

    def sum_range(self, d: Sum) -> tuple[int, int]:
        """Bounds of `d` from constant bounds, facts and (when useful) symbolic ranges."""
        ...

    def excluded(self, d: Sum, value: int) -> bool:
        """Whether the facts say ``d != value``."""
        ...

    def symbolic_range(self, d: Sum) -> tuple[int, int]:
        """Bounds of `d` after relaxing variables with symbolic ranges."""
        ...


def is_int_compare(expr: PrimExpr) -> bool:
    """A comparison of scalar integers."""
    return isinstance(expr, CmpOp) and is_canonical_dtype(expr.a)


def difference(ctx: CompareContext, expr: CmpOp) -> tuple[type[CmpOp], Sum]:
    """``(kind, d)`` with `expr` equivalent to ``d kind 0`` and kind one of LT, LE, EQ, NE."""
    a, b = ctx.cz.to_sum(expr.a), ctx.cz.to_sum(expr.b)
    if isinstance(expr, GT):
        return LT, b - a
    if isinstance(expr, GE):
        return LE, b - a
    return type(expr), a - b


def decide(ctx: CompareContext, kind: type[CmpOp], d: Sum) -> bool | None:
    """The truth of ``d kind 0`` if the known bounds settle it."""
    if d.is_const:
        return _holds(kind, d.const, d.const)
    lo, hi = ctx.sum_range(d)
    verdict = _holds(kind, lo, hi)
    if verdict is None and kind in (EQ, NE) and ctx.excluded(d, 0):
        return kind is NE
    if verdict is None:
        s_lo, s_hi = ctx.symbolic_range(d)
        verdict = _holds(kind, max(lo, s_lo), min(hi, s_hi))
    return verdict


def _holds(kind: type[CmpOp], lo: int, hi: int) -> bool | None:
    if kind is LT:
        return True if hi < 0 else False if lo >= 0 else None
    if kind is LE:
        return True if hi <= 0 else False if lo > 0 else None
    if kind is EQ:
        if lo == hi == 0:
            return True
        return False if lo > 0 or hi < 0 else None
    if lo == hi == 0:
        return False
    return True if lo > 0 or hi < 0 else None


def simplify_compare(ctx: CompareContext, expr: CmpOp) -> PrimExpr | None:
    """Decide an integer comparison or write it in normal form (None: cannot materialize)."""
    kind, d = difference(ctx, expr)
    verdict = decide(ctx, kind, d)
    if verdict is not None:
        return IntImm(expr.dtype, verdict)
    try:
        return normal_form(ctx, kind, d)
    except CannotMaterialize:
        return None


def normal_form(ctx: CompareContext, kind: type[CmpOp], d: Sum) -> PrimExpr:
    """``d kind 0`` written as ``left kind right`` (see the module docstring)."""
    dtype = d.dtype
    g = d.coef_gcd()
    c = d.const
    terms = d.linear_part()
    if kind is LT:  # terms + c < 0  <=>  terms/g < floor((-1 - c)/g) + 1
        scaled, bound = terms.divide_exact(g), (-1 - c) // g + 1
    elif kind is LE:  # terms + c <= 0  <=>  terms/g <= floor(-c/g)
        scaled, bound = terms.divide_exact(g), (-c) // g
    else:
        if (-c) % g:
            return IntImm(BOOL, kind is NE)
        scaled, bound = terms.divide_exact(g), (-c) // g
        first = min(scaled.terms.items(), key=ctx.cz.term_order)
        if first[1] < 0:
            scaled, bound = scaled.scale(-1), -bound
    left = Sum(dtype, {m: k for m, k in scaled.terms.items() if k > 0}, 0)
    right = Sum(dtype, {m: -k for m, k in scaled.terms.items() if k < 0}, 0)
    if bound >= 0:
        right = right.add_const(bound)
    else:
        left = left.add_const(-bound)
    return kind(ctx.cz.from_sum(left), ctx.cz.from_sum(right))


# ---------------------------------------------------------------------------------------------
# Facts of one comparison, and merging comparisons over the same linear part


def as_interval(ctx: CompareContext, expr: PrimExpr) -> tuple[Linear, int, int, bool] | None:
    """``(lin, lo, hi, excluded)``: what `expr` says about its normalized linear part.

    The part lies in ``[lo, hi]``, or, when `excluded`, is not ``lo``.
    """
    if not is_int_compare(expr):
        return None
    kind, d = difference(ctx, expr)  # type: ignore[arg-type]
    lin = linearize(d)
    if lin is None:
        return None
    if kind is NE:
        value = -lin.const
        if value % lin.scale:
            return None
        return lin, value // lin.scale, value // lin.scale, True
    lo, hi = {LT: (NEG_INF, -1), LE: (NEG_INF, 0), EQ: (0, 0)}[kind]
    s_lo, s_hi = interval_of_normalized(lin, lo, hi)
    return lin, s_lo, s_hi, False


def merge_and(ctx: CompareContext, a: PrimExpr, b: PrimExpr) -> PrimExpr | None:
    """``a and b`` for two comparisons of one linear part, when that is one comparison."""
    fa, fb = as_interval(ctx, a), as_interval(ctx, b)
    if fa is None or fb is None or fa[0].key != fb[0].key:
        return None
    false = IntImm(a.dtype, False)
    if fa[3] and fb[3]:
        return a if fa[1] == fb[1] else None
    if fa[3] or fb[3]:
        (_, v, _, _), (_, lo, hi, _), keep = (fa, fb, b) if fa[3] else (fb, fa, a)
        return keep if not lo <= v <= hi else None
    lo, hi = max(fa[1], fb[1]), min(fa[2], fb[2])
    if lo > hi:
        return false
    if (lo, hi) == (fa[1], fa[2]):
        return a
    if (lo, hi) == (fb[1], fb[2]):
        return b
    if lo == hi:
        lin = fa[0]
        return normal_form(ctx, EQ, lin.normalized.add_const(-lo))
    return None


def merge_or(ctx: CompareContext, a: PrimExpr, b: PrimExpr) -> PrimExpr | None:
    """``a or b`` for two comparisons of one linear part, when that is one comparison."""
    fa, fb = as_interval(ctx, a), as_interval(ctx, b)
    if fa is None or fb is None or fa[0].key != fb[0].key:
        return None
    true = IntImm(a.dtype, True)
    if fa[3] and fb[3]:
        return a if fa[1] == fb[1] else true
    if fa[3] or fb[3]:
        (_, v, _, _), (_, lo, hi, _), keep = (fa, fb, a) if fa[3] else (fb, fa, b)
        return true if lo <= v <= hi else keep
    (lo1, hi1), (lo2, hi2) = sorted([(fa[1], fa[2]), (fb[1], fb[2])])
    if lo2 > hi1 + 1 and hi1 != POS_INF:
        return None  # a gap between the two intervals
    lo, hi = lo1, max(hi1, hi2)
    if lo == NEG_INF and hi == POS_INF:
        return true
    if (lo, hi) == (fa[1], fa[2]):
        return a
    if (lo, hi) == (fb[1], fb[2]):
        return b
    return None
