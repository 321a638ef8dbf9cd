"""Rewrite rules for vector expressions built from `Ramp` and `Broadcast`.

A lane-wise operation of two broadcasts is a broadcast of the scalar operation; ramps add and
scale lane-wise (``ramp(b, s) + broadcast(x)`` is ``ramp(b + x, s)``), which keeps vectorized
index expressions in the form that code generators recognise as contiguous accesses.
"""

from __future__ import annotations

from collections.abc import Callable

from ..expr import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    Add,
    And,
    Broadcast,
    Div,
    FloorDiv,
    FloorMod,
    Max,
    Min,
    Mod,
    Mul,
    Or,
    PrimExpr,
    Ramp,
    Sub,
)
from .pattern import Lit, Match, Op, Rewrite, Rule, RuleSet, Wild, broadcast, ramp

b1, s1, b2, s2, x, y = (Wild(n) for n in ("b1", "s1", "b2", "s2", "x", "y"))

_LANEWISE = (Add, Sub, Mul, Div, Mod, FloorDiv, FloorMod, Min, Max, EQ, NE, LT, LE, GT, GE, And, Or)


def _lanes(m: Match) -> int:
    return m.root.dtype.lanes


def _broadcast_op(cls: type) -> Rewrite:
    return lambda m, ctx: Broadcast(cls(m.x, m.y), _lanes(m))


def _ramp(base: Callable[[Match], PrimExpr], stride: Callable[[Match], PrimExpr]) -> Rewrite:
    return lambda m, ctx: Ramp(base(m), stride(m), _lanes(m))


VECTOR_RULES = RuleSet(
    [Rule(Op(cls, (broadcast(x), broadcast(y))), _broadcast_op(cls)) for cls in _LANEWISE]
    + [
        Rule(ramp(b1, s1) + ramp(b2, s2), _ramp(lambda m: m.b1 + m.b2, lambda m: m.s1 + m.s2)),
        Rule(ramp(b1, s1) - ramp(b2, s2), _ramp(lambda m: m.b1 - m.b2, lambda m: m.s1 - m.s2)),
        Rule(ramp(b1, s1) + broadcast(x), _ramp(lambda m: m.b1 + m.x, lambda m: m.s1)),
        Rule(broadcast(x) + ramp(b1, s1), _ramp(lambda m: m.x + m.b1, lambda m: m.s1)),
        Rule(ramp(b1, s1) - broadcast(x), _ramp(lambda m: m.b1 - m.x, lambda m: m.s1)),
        Rule(
            broadcast(x) - ramp(b1, s1),
            _ramp(lambda m: m.x - m.b1, lambda m: 0 - m.s1),
        ),
        Rule(ramp(b1, s1) * broadcast(x), _ramp(lambda m: m.b1 * m.x, lambda m: m.s1 * m.x)),
        Rule(broadcast(x) * ramp(b1, s1), _ramp(lambda m: m.x * m.b1, lambda m: m.x * m.s1)),
        Rule(ramp(x, Lit(0)), lambda m, ctx: Broadcast(m.x, _lanes(m))),
    ]
)
