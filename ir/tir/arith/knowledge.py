"""What the analyzer knows about variables: bounds, symbolic ranges and assumed facts.

Facts about linear combinations are stored normalized: a linear part ``S`` (no constant) is
divided by the gcd of its coefficients and signed so its first monomial is positive; the fact
is an interval (or an excluded value) for that normalized ``S``. So ``i < n``, ``n > i`` and
``2*i - 2*n <= -2`` are one fact, and ``i < n + 5`` follows from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..expr import PrimExpr, Var
from .bound import NEG_INF, POS_INF, ConstIntBound, clamp
from .sum_form import Sum

if TYPE_CHECKING:
    from .int_set import IntervalSet

LinearKey = tuple


@dataclass
class Knowledge:
    """The facts in force; copied when a constraint scope opens, restored when it closes."""

    var_bounds: dict[Var, ConstIntBound] = field(default_factory=dict)
    var_ranges: dict[Var, IntervalSet] = field(default_factory=dict)
    linear: dict[LinearKey, tuple[int, int]] = field(default_factory=dict)
    excluded: dict[LinearKey, frozenset[int]] = field(default_factory=dict)
    truths: dict[int, bool] = field(default_factory=dict)

    def copy(self) -> Knowledge:
        """A copy that can change without touching this one."""
        return Knowledge(
            dict(self.var_bounds),
            dict(self.var_ranges),
            dict(self.linear),
            dict(self.excluded),
            dict(self.truths),
        )

    def symbolic_vars(self) -> dict[Var, IntervalSet]:
        """Variables whose range has a non-constant side (const bounds cover the others)."""
        return {v: s for v, s in self.var_ranges.items() if not s.is_constant()}


@dataclass(frozen=True)
class Linear:
    """``d == scale * S + const`` with ``S`` normalized (gcd 1, first monomial positive)."""

    key: LinearKey
    normalized: Sum
    scale: int
    const: int


def linearize(d: Sum) -> Linear | None:
    """Split `d` into its normalized linear part, or None when `d` is a constant."""
    if d.is_const:
        return None
    first = min(d.terms)
    g = d.coef_gcd()
    scale = g if d.terms[first] > 0 else -g
    normalized = Sum(d.dtype, {m: c // scale for m, c in d.terms.items()}, 0)
    return Linear(tuple(sorted(normalized.terms.items())), normalized, scale, d.const)


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def interval_of_normalized(lin: Linear, lo: int, hi: int) -> tuple[int, int]:
    """The values of ``S`` for which ``d`` lies in ``[lo, hi]`` (infinite sides allowed)."""
    m, c = lin.scale, lin.const
    if m > 0:
        s_lo = NEG_INF if lo == NEG_INF else _ceil_div(lo - c, m)
        s_hi = POS_INF if hi == POS_INF else (hi - c) // m
    else:
        s_lo = NEG_INF if hi == POS_INF else _ceil_div(hi - c, m)
        s_hi = POS_INF if lo == NEG_INF else (lo - c) // m
    return s_lo, s_hi


def interval_of_d(lin: Linear, s_lo: int, s_hi: int) -> tuple[int, int]:
    """The values of ``d`` when ``S`` lies in ``[s_lo, s_hi]``."""
    m, c = lin.scale, lin.const
    low_s, high_s = (s_lo, s_hi) if m > 0 else (s_hi, s_lo)
    lo = NEG_INF if low_s in (NEG_INF, POS_INF) else clamp(low_s * m + c)
    hi = POS_INF if high_s in (NEG_INF, POS_INF) else clamp(high_s * m + c)
    return lo, hi


def record_interval(known: Knowledge, lin: Linear, lo: int, hi: int) -> None:
    """Assume ``lo <= d <= hi``."""
    s_lo, s_hi = interval_of_normalized(lin, lo, hi)
    old_lo, old_hi = known.linear.get(lin.key, (NEG_INF, POS_INF))
    known.linear[lin.key] = (max(old_lo, s_lo), min(old_hi, s_hi))


def record_nonzero(known: Knowledge, lin: Linear) -> None:
    """Assume ``d != 0``."""
    if (-lin.const) % lin.scale == 0:
        value = (-lin.const) // lin.scale
        known.excluded[lin.key] = known.excluded.get(lin.key, frozenset()) | {value}


def range_of(known: Knowledge, d: Sum) -> tuple[int, int]:
    """What the linear facts say about the values of `d`."""
    lin = linearize(d)
    if lin is None:
        return d.const, d.const
    found = known.linear.get(lin.key)
    if found is None:
        return NEG_INF, POS_INF
    return interval_of_d(lin, *found)


def excludes(known: Knowledge, d: Sum, value: int) -> bool:
    """Whether the facts say ``d != value``."""
    lin = linearize(d)
    if lin is None:
        return d.const != value
    target = value - lin.const
    if target % lin.scale:
        return False
    return target // lin.scale in known.excluded.get(lin.key, frozenset())


def truth_of(known: Knowledge, key: int) -> bool | None:
    """A boolean atom assumed true or false, by its value id."""
    return known.truths.get(key)


def var_of(expr: PrimExpr) -> Var | None:
    """The variable, if `expr` is one."""
    return expr if isinstance(expr, Var) else None
