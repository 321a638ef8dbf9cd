"""The rewrite-rule engine: patterns, wildcards, guards and rule sets."""

from loom.ir import tir
from loom.ir.tir import Add, FloatImm, IntImm, Max, Min, Var
from loom.ir.tir.arith import Rule, RuleSet, expr_equal
from loom.ir.tir.arith.pattern import Const, Lit, Match, Wild, max_, min_

x, y = Var("x"), Var("y")
X, Y = Wild("x"), Wild("y")


class Ctx:
    """The part of the rule context that matching uses."""

    def same(self, a, b):
        return expr_equal(a, b)


def test_repeated_wildcards_must_match_equal_values():
    rule = Rule(min_(X, X), lambda m, ctx: m.x)
    assert rule.apply(Min(x + 1, x + 1), Ctx()) is not None
    assert rule.apply(Min(x, y), Ctx()) is None


def test_constants_and_literals():
    add_const = Rule(X + Const("c"), lambda m, ctx: m.c)
    assert add_const.apply(x + 3, Ctx()).value == 3
    assert add_const.apply(x + y, Ctx()) is None
    float_const = Rule(X * Const("c", "float"), lambda m, ctx: m.c)
    assert float_const.apply(Var("f", "float32") * 2.0, Ctx()).value == 2.0
    assert float_const.apply(x * 2, Ctx()) is None
    times_one = Rule(X * Lit(1), lambda m, ctx: m.x)
    assert times_one.apply(x * 1, Ctx()) is x
    assert times_one.apply(Var("f", "float32") * FloatImm("float32", 1.0), Ctx()) is not None


def test_match_exposes_the_root_and_guards_filter():
    seen: list[Match] = []
    rule = Rule(X + Y, lambda m, ctx: seen.append(m) or m.y, guard=lambda e: e.dtype.is_int)
    node = x + y
    assert rule.apply(node, Ctx()) is y
    assert seen[0].root is node
    xf = Var("xf", "float32")
    assert rule.apply(xf + xf, Ctx()) is None


def test_rule_sets_compose_and_skip_no_op_results():
    first = RuleSet([Rule(max_(X, X), lambda m, ctx: m.x)])
    identity = RuleSet([Rule(min_(X, Y), lambda m, ctx: Min(m.x, m.y))])
    swap = RuleSet([Rule(min_(X, Y), lambda m, ctx: Min(m.y, m.x))])
    both = first + identity + swap
    assert len(both) == 3
    assert both.apply(Max(x, x), Ctx()) is x
    swapped = both.apply(Min(x, y), Ctx())  # the identity rewrite is not a change: swap fires
    assert expr_equal(swapped, Min(y, x))
    assert both.apply(Add(x, y), Ctx()) is None
    assert both.apply(IntImm("int32", 1), Ctx()) is None


def test_patterns_match_classes_exactly():
    rule = Rule(X - Y, lambda m, ctx: m.x)
    assert rule.apply(tir.Sub(x, y), Ctx()) is x
    assert rule.apply(tir.Add(x, y), Ctx()) is None
