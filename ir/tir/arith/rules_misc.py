"""Rewrite rules for float identities, casts and intrinsic calls.

Float rules are only the exact identities (``x * 1.0``, ``x / 1.0``, ``x - 0.0``); ``x + 0.0``
is not one (``-0.0 + 0.0`` is ``+0.0``) and ``x * 0.0`` is not either (NaN, infinities).
A cast to the operand's own dtype disappears, and so does a round trip through a type wide
enough to hold every value (``int32 -> int64 -> int32``).
"""

from __future__ import annotations

import math

from ..expr import Call, FloatImm, PrimExpr
from .bound import ConstIntBound
from .pattern import Const, Match, Op, Rewrite, Rule, RuleContext, RuleSet, Wild, cast, div

x, y = Wild("x"), Wild("y")
fc = Const("c", "float")


def _float_is(value: float) -> Rewrite:
    def rewrite(m: Match, ctx: RuleContext) -> PrimExpr | None:
        c = m.c
        assert isinstance(c, FloatImm)
        # Only +0.0: x - (-0.0) is x + 0.0, which turns -0.0 into +0.0.
        if c.value == value and math.copysign(1.0, c.value) > 0:
            return m.x
        return None

    return rewrite


def _cast_same(m: Match, ctx: RuleContext) -> PrimExpr | None:
    return m.x if m.root.dtype == m.x.dtype else None


def _holds_all(wide: object, narrow: object) -> bool:
    w, n = ConstIntBound.of_dtype(wide), ConstIntBound.of_dtype(narrow)  # type: ignore[arg-type]
    return w.min_value <= n.min_value and n.max_value <= w.max_value


def _cast_round_trip(m: Match, ctx: RuleContext) -> PrimExpr | None:
    outer, inner, value = m.root.dtype, m.root.value.dtype, m.x  # type: ignore[attr-defined]
    if value.dtype != outer:
        return None
    if (
        (outer.is_integer or outer.is_bool)
        and inner.is_integer
        and outer.lanes == inner.lanes
        and _holds_all(inner.element, outer.element)
    ):
        return value
    return None


def _if_then_else_same(m: Match, ctx: RuleContext) -> PrimExpr | None:
    call = m.root
    assert isinstance(call, Call)
    if getattr(call.op, "name", None) == "if_then_else" and ctx.same(call.args[1], call.args[2]):
        return call.args[1]
    return None


MISC_RULES = RuleSet(
    [
        Rule(x * fc, _float_is(1.0)),
        Rule(fc * x, _float_is(1.0)),
        Rule(div(x, fc), _float_is(1.0)),
        Rule(x - fc, _float_is(0.0)),
        Rule(cast(x), _cast_same),
        Rule(cast(cast(x)), _cast_round_trip),
        Rule(Op(Call, (x, y, Wild("z"))), _if_then_else_same),
    ]
)
