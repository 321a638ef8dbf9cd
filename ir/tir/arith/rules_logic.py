"""Rewrite rules for comparisons, ``and``/``or``/``not`` and ``select``.

Integer comparisons go through `compare` (decided by bounds and facts, else normal form).
``not`` is pushed inward (De Morgan; ``not a < b`` is ``b <= a`` for integers only, since NaN
makes it false for floats). ``and``/``or`` chains are flattened, deduplicated, checked for
``x and not x``, and comparisons over one linear part merged (``x < 5 and x < 3`` is ``x < 3``;
``x < 5 or x >= 5`` is true).
"""

from __future__ import annotations

from ..expr import EQ, GE, GT, LE, LT, NE, And, IntImm, Max, Min, Not, Or, PrimExpr, Select
from . import compare
from .canonical import is_canonical_dtype
from .pattern import (
    Lit,
    Match,
    Rewrite,
    Rule,
    RuleContext,
    RuleSet,
    Wild,
    and_,
    eq,
    ge,
    gt,
    le,
    lt,
    ne,
    not_,
    or_,
    select,
)

x, y, z = Wild("x"), Wild("y"), Wild("z")


def _int_operands(expr: PrimExpr) -> bool:
    return is_canonical_dtype(expr.a)  # type: ignore[attr-defined]


def _bool_operands(expr: PrimExpr) -> bool:
    return expr.a.dtype.is_bool and expr.a.dtype.is_scalar  # type: ignore[attr-defined]


def _const(value: bool) -> Rewrite:
    return lambda m, ctx: IntImm(m.root.dtype, value)


def _compare(m: Match, ctx: RuleContext) -> PrimExpr | None:
    return compare.simplify_compare(ctx, m.root)  # type: ignore[arg-type]


def _compare_rules() -> list[Rule]:
    rules = [Rule(make(x, y), _compare, guard=_int_operands) for make in (lt, le, gt, ge, eq, ne)]
    rules += [
        # x < x is false even for NaN; x <= x and x == x are not true for NaN.
        Rule(lt(x, x), _const(False)),
        Rule(gt(x, x), _const(False)),
        Rule(eq(x, Lit(True)), lambda m, ctx: m.x, guard=_bool_operands),
        Rule(eq(x, Lit(False)), lambda m, ctx: Not(m.x), guard=_bool_operands),
        Rule(ne(x, Lit(False)), lambda m, ctx: m.x, guard=_bool_operands),
        Rule(ne(x, Lit(True)), lambda m, ctx: Not(m.x), guard=_bool_operands),
    ]
    return rules


_INVERSE_INT = {LT: (LE, True), LE: (LT, True), GT: (LE, False), GE: (LT, False)}


def _not_compare(m: Match, ctx: RuleContext) -> PrimExpr | None:
    inner = m.root.a  # type: ignore[attr-defined]
    if isinstance(inner, EQ):
        return NE(inner.a, inner.b)
    if isinstance(inner, NE):
        return EQ(inner.a, inner.b)
    if not is_canonical_dtype(inner.a):
        return None
    cls, swap = _INVERSE_INT[type(inner)]
    return cls(inner.b, inner.a) if swap else cls(inner.a, inner.b)


def _not_rules() -> list[Rule]:
    rules = [
        Rule(not_(not_(x)), lambda m, ctx: m.x),
        Rule(not_(and_(x, y)), lambda m, ctx: Or(Not(m.x), Not(m.y))),
        Rule(not_(or_(x, y)), lambda m, ctx: And(Not(m.x), Not(m.y))),
    ]
    rules += [Rule(not_(make(x, y)), _not_compare) for make in (lt, le, gt, ge, eq, ne)]
    return rules


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


def _negation_of(a: PrimExpr, b: PrimExpr, ctx: RuleContext) -> bool:
    return (isinstance(a, Not) and ctx.same(a.a, b)) or (isinstance(b, Not) and ctx.same(b.a, a))


def _logic_chain(cls: type) -> Rewrite:
    """Flatten an and/or chain; drop identities and duplicates; merge; find contradictions."""
    is_and = cls is And
    merge = compare.merge_and if is_and else compare.merge_or

    def rewrite(m: Match, ctx: RuleContext) -> PrimExpr | None:
        dtype = m.root.dtype
        absorbing = IntImm(dtype, not is_and)  # False for and, True for or
        kept: list[PrimExpr] = []
        for leaf in _leaves(cls, m.root):
            if isinstance(leaf, IntImm):
                if bool(leaf.value) != is_and:
                    return absorbing
                continue  # the identity element
            if any(ctx.same(leaf, k) for k in kept):
                continue
            if any(_negation_of(leaf, k, ctx) for k in kept):
                return absorbing
            for i, k in enumerate(kept):
                merged = merge(ctx, k, leaf)
                if merged is not None:
                    if isinstance(merged, IntImm):
                        if bool(merged.value) != is_and:
                            return absorbing
                        kept.pop(i)
                    else:
                        kept[i] = merged
                    break
            else:
                kept.append(leaf)
        if not kept:
            return IntImm(dtype, is_and)
        result = kept[0]
        for operand in kept[1:]:
            result = cls(result, operand)
        return result

    return rewrite


def _select_rules() -> list[Rule]:
    def is_bool(expr: PrimExpr) -> bool:
        return expr.dtype.is_bool and expr.dtype.is_scalar

    def int_select(expr: PrimExpr) -> bool:
        return is_canonical_dtype(expr)

    return [
        Rule(select(z, x, x), lambda m, ctx: m.x),
        # Integers only: with a NaN, select(x < y, x, y) is y but min(x, y) need not be.
        Rule(select(lt(x, y), x, y), lambda m, ctx: Min(m.x, m.y), guard=int_select),
        Rule(select(le(x, y), x, y), lambda m, ctx: Min(m.x, m.y), guard=int_select),
        Rule(select(lt(x, y), y, x), lambda m, ctx: Max(m.x, m.y), guard=int_select),
        Rule(select(le(x, y), y, x), lambda m, ctx: Max(m.x, m.y), guard=int_select),
        Rule(select(not_(z), x, y), lambda m, ctx: Select(m.z, m.y, m.x)),
        Rule(select(z, Lit(True), Lit(False)), lambda m, ctx: m.z, guard=is_bool),
        Rule(select(z, Lit(False), Lit(True)), lambda m, ctx: Not(m.z), guard=is_bool),
    ]


LOGIC_RULES = RuleSet(
    _compare_rules()
    + _not_rules()
    + [Rule(and_(x, y), _logic_chain(And)), Rule(or_(x, y), _logic_chain(Or))]
    + _select_rules()
)
