"""Rewrite rules for ``min`` and ``max``.

Integer chains ``min(min(a, b), c)`` are flattened, duplicates and operands that are provably
not the smallest dropped, constants folded into one and the rest put in canonical order, so
``min(x, x + 1)`` is ``x`` and ``min(y, x)`` is ``min(x, y)``. Common terms and common factors
come out (``min(x + y, x + z)`` is ``min(y, z) + x``). Floats only lose duplicates: reordering
or deciding them would change NaN and signed-zero results.
"""

from __future__ import annotations

from ..expr import IntImm, Max, Min, PrimExpr
from .canonical import CannotMaterialize, is_canonical_dtype
from .pattern import Match, Rewrite, Rule, RuleContext, RuleSet, Wild, max_, min_
from .sum_form import Sum

x, y = Wild("x"), Wild("y")


def _is_int(expr: PrimExpr) -> bool:
    return is_canonical_dtype(expr)


def _leaves(cls: type, expr: PrimExpr) -> list[PrimExpr]:
    out: list[PrimExpr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if type(node) is cls:
            stack.append(node.b)  # type: ignore[attr-defined]
            stack.append(node.a)  # type: ignore[attr-defined]
        else:
            out.append(node)
    return out


def _chain(cls: type) -> Rewrite:
    """Flatten, deduplicate, drop dominated operands, fold constants, sort."""
    is_min = cls is Min

    def rewrite(m: Match, ctx: RuleContext) -> PrimExpr | None:
        kept: list[PrimExpr] = []
        for leaf in _leaves(cls, m.root):
            if any(ctx.same(leaf, k) for k in kept):
                continue
            # `leaf` is dropped if a kept operand is never worse; it drops those it beats.
            if any(ctx.prove_le(k, leaf) if is_min else ctx.prove_le(leaf, k) for k in kept):
                continue
            kept = [
                k for k in kept if not (ctx.prove_le(leaf, k) if is_min else ctx.prove_le(k, leaf))
            ]
            kept.append(leaf)
        kept.sort(key=ctx.order_key)
        result = kept[0]
        for operand in kept[1:]:
            result = cls(result, operand)
        return result

    return rewrite


def _common_part(cls: type) -> Rewrite:
    """``min(a + c, b + c) == min(a, b) + c`` for the terms (and constant) both share."""

    def rewrite(m: Match, ctx: RuleContext) -> PrimExpr | None:
        a, b = ctx.cz.to_sum(m.x), ctx.cz.to_sum(m.y)
        shared = {mono: c for mono, c in a.terms.items() if b.terms.get(mono) == c}
        common = Sum(a.dtype, shared, a.const if a.const == b.const else 0)
        if common.is_zero or (a - common).is_zero or (b - common).is_zero:
            return None
        try:
            rest = cls(ctx.cz.from_sum(a - common), ctx.cz.from_sum(b - common))
            return rest + ctx.cz.from_sum(common)
        except CannotMaterialize:
            return None

    return rewrite


def _common_factor(cls: type, other: type) -> Rewrite:
    """``min(a*g, b*g) == min(a, b)*g`` for the gcd ``g`` of every coefficient and constant."""

    def rewrite(m: Match, ctx: RuleContext) -> PrimExpr | None:
        a, b = ctx.cz.to_sum(m.x), ctx.cz.to_sum(m.y)
        g = _gcd_all(a, b)
        if g <= 1:
            return None
        try:
            inner = cls(ctx.cz.from_sum(a.divide_exact(g)), ctx.cz.from_sum(b.divide_exact(g)))
            return inner * IntImm(a.dtype, g)
        except CannotMaterialize:
            return None

    return rewrite


def _gcd_all(a: Sum, b: Sum) -> int:
    from math import gcd

    g = 0
    for value in (*a.terms.values(), *b.terms.values(), a.const, b.const):
        g = gcd(g, value)
    return g


def _absorb(m: Match, ctx: RuleContext) -> PrimExpr:
    return m.x


def _rules(cls: type, other: type) -> list[Rule]:
    mk = min_ if cls is Min else max_
    mk_other = max_ if cls is Min else min_
    return [
        Rule(mk(x, x), _absorb),
        # min(x, max(x, y)) == x: the max is never below x.
        Rule(mk(x, mk_other(x, y)), _absorb),
        Rule(mk(x, mk_other(y, x)), _absorb),
        Rule(mk(mk_other(x, y), x), _absorb),
        Rule(mk(mk_other(y, x), x), _absorb),
        Rule(mk(x, y), _common_part(cls), guard=_is_int),
        Rule(mk(x, y), _common_factor(cls, other), guard=_is_int),
        Rule(mk(x, y), _chain(cls), guard=_is_int),
    ]


MINMAX_RULES = RuleSet(_rules(Min, Max) + _rules(Max, Min))
