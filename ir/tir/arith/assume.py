"""Turning an assumed condition into facts: linear intervals, variable bounds and ranges.

``i < n`` records ``i - n <= -1`` as a linear fact, and, because ``i`` and ``n`` appear alone
with coefficient one, the symbolic ranges ``i <= n - 1`` and ``n >= i + 1`` used when relaxing
variables in proofs. A fact on a lone variable against a constant tightens its constant bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..expr import EQ, LE, LT, NE, And, CmpOp, IntImm, Max, Min, Not, Or, PrimExpr, Var
from . import compare
from .bound import NEG_INF, POS_INF, ConstIntBound
from .canonical import CannotMaterialize
from .int_set import IntervalSet
from .knowledge import Knowledge, Linear, linearize, record_interval, record_nonzero
from .sum_form import Sum
from .traverse import free_vars

if TYPE_CHECKING:
    from .simplifier import Simplifier

# A fact over more terms than this gives no symbolic variable ranges (they would not help).
MAX_RANGE_TERMS = 4

_NEGATED: dict[type[CmpOp], type[CmpOp]] = {LT: LE, LE: LT, EQ: NE, NE: EQ}


def add_condition(
    engine: Simplifier, known: Knowledge, cond: PrimExpr, simplified: bool = False
) -> None:
    """Record what `cond` being true says, into `known`."""
    if not simplified:
        cond = engine.visit(cond)
    pending: list[tuple[PrimExpr, bool]] = [(cond, True)]
    while pending:
        c, truth = pending.pop()
        if isinstance(c, IntImm) or engine.impure(c):
            continue  # a call with side effects may return something else next time
        if isinstance(c, Not):
            pending.append((c.a, not truth))
            continue
        if (truth and isinstance(c, And)) or (not truth and isinstance(c, Or)):
            pending.append((c.a, truth))
            pending.append((c.b, truth))
            continue
        known.truths[engine.table.key(c)] = truth
        if compare.is_int_compare(c):
            kind, d = compare.difference(engine, c)  # type: ignore[arg-type]
            if not truth:  # not (d < 0) is -d <= 0; not (d <= 0) is -d < 0
                kind = _NEGATED[kind]
                if kind in (LE, LT):
                    d = d.scale(-1)
            _add_comparison(engine, known, kind, d)


def _add_comparison(engine: Simplifier, known: Knowledge, kind: type[CmpOp], d: Sum) -> None:
    lin = linearize(d)
    if lin is None:
        return
    if kind is NE:
        record_nonzero(known, lin)
        return
    lo, hi = {LT: (NEG_INF, -1), LE: (NEG_INF, 0), EQ: (0, 0)}[kind]
    record_interval(known, lin, lo, hi)
    _tighten_var_bound(engine, known, lin)
    if len(d.terms) <= MAX_RANGE_TERMS:
        _add_symbolic_ranges(engine, known, d, lo, hi)


def _tighten_var_bound(engine: Simplifier, known: Knowledge, lin: Linear) -> None:
    """A fact on one variable alone bounds that variable."""
    if len(lin.key) != 1:
        return
    ((mono, coef),) = lin.key
    if len(mono) != 1 or coef != 1:
        return
    var = engine.table.expr(mono[0])
    if not isinstance(var, Var):
        return
    s_lo, s_hi = known.linear[lin.key]
    old = known.var_bounds.get(var, ConstIntBound.everything())
    known.var_bounds[var] = old.intersect(ConstIntBound(s_lo, s_hi))


def _add_symbolic_ranges(engine: Simplifier, known: Knowledge, d: Sum, lo: int, hi: int) -> None:
    """``lo <= coef*v + rest <= hi`` with ``coef = +-1`` bounds ``v`` by ``rest``."""
    for mono, coef in d.terms.items():
        if len(mono) != 1 or coef not in (1, -1):
            continue
        var = engine.table.expr(mono[0])
        if not isinstance(var, Var):
            continue
        rest = d - Sum.atom(d.dtype, mono[0], coef)
        if rest.is_const:
            continue  # a constant bound: the linear fact and the var bound cover it
        try:
            rest_expr = engine.cz.from_sum(rest)
        except CannotMaterialize:
            continue
        if var in free_vars(rest_expr):
            continue
        # coef == 1: v in [lo - rest, hi - rest]; coef == -1: v in [rest - hi, rest - lo]
        low_k, high_k = (lo, hi) if coef == 1 else (-hi, -lo)
        sign = -coef

        def side(k: int, infinite: int, rest_sum: Sum = rest, sign: int = sign) -> PrimExpr | None:
            if k == infinite:
                return None
            return engine.cz.from_sum(rest_sum.scale(sign).add_const(k))

        try:
            new_lo, new_hi = side(low_k, NEG_INF), side(high_k, POS_INF)
        except CannotMaterialize:
            continue
        old = known.var_ranges.get(var, IntervalSet.everything())
        known.var_ranges[var] = IntervalSet(
            _combine(engine, Max, old.min_value, new_lo),
            _combine(engine, Min, old.max_value, new_hi),
        )


def _combine(
    engine: Simplifier, cls: type, a: PrimExpr | None, b: PrimExpr | None
) -> PrimExpr | None:
    if a is None or b is None:
        return b if a is None else a
    return engine.visit(cls(a, b))
