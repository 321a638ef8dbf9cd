"""The simplification engine: bottom-up canonical form plus rewrite rules, to a fixpoint.

Scalar integer arithmetic goes through the canonical form (`canonical`); every other node gets
its operands simplified, then constant folding, then the rules (`rules_*`), whose results are
simplified again. A select's branches are simplified under its condition (and its negation).
One engine serves one public analyzer call; its caches belong to the facts in force, so a new
scope opens whenever facts change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...functor import Functor
from ..expr import LE, LT, Call, FloatImm, IntImm, Let, Not, PrimExpr, Select, StringImm, Var
from . import compare
from .assume import add_condition
from .bound import NEG_INF, POS_INF, ConstIntBound
from .canonical import CannotMaterialize, Canonicalizer, is_canonical_dtype
from .const_bound import BoundAnalyzer
from .const_fold import fold
from .int_set import IntSetEvaluator
from .keys import OrderKey
from .knowledge import excludes, range_of, truth_of
from .pattern import RuleSet
from .rules_logic import LOGIC_RULES
from .rules_minmax import MINMAX_RULES
from .rules_misc import MISC_RULES
from .rules_vector import VECTOR_RULES
from .sum_form import Sum
from .traverse import expr_children, free_vars, is_impure_call, map_children, substitute

if TYPE_CHECKING:
    from .analyzer import Analyzer

DEFAULT_RULES = LOGIC_RULES + MINMAX_RULES + MISC_RULES + VECTOR_RULES

# Rewrites of rewrites nest at most this deep; rules are terminating, this is a backstop.
MAX_DEPTH = 64
# Whole-expression passes until nothing changes.
MAX_ROUNDS = 4
# Select branches are simplified under their condition up to this nesting depth (each level
# re-simplifies its branches under new facts, so deeper nests would cost exponential time).
MAX_ASSUME_DEPTH = 3


@dataclass
class _Scope:
    """Caches valid for one set of facts."""

    bounds: BoundAnalyzer
    memo: dict[int, tuple[PrimExpr, PrimExpr]] = field(default_factory=dict)
    sums: dict[int, tuple[PrimExpr, Sum]] = field(default_factory=dict)
    relaxed: dict[tuple, tuple[int, int]] = field(default_factory=dict)


class Simplifier(Functor):
    """Simplifies expressions with what an `Analyzer` knows."""

    def __init__(self, analyzer: Analyzer, rules: RuleSet | None = DEFAULT_RULES) -> None:
        self.analyzer = analyzer
        self.table = analyzer._table
        self.rules = rules
        self.cz = Canonicalizer(self)
        self._scopes = [self._new_scope()]
        self._depth = 0
        self._proving = False
        self._assume_depth = 0
        self._atom_vars: dict[int, frozenset[Var]] = {}
        self._side_effects: dict[int, tuple[PrimExpr, bool]] = {}

    # -- entry point -----------------------------------------------------------------------

    def run(self, expr: PrimExpr) -> PrimExpr:
        """Simplify `expr` until a whole pass changes nothing."""
        for _ in range(MAX_ROUNDS):
            self._scopes.append(self._new_scope())
            try:
                result = self.visit(expr)
            finally:
                self._scopes.pop()
            if result is expr:
                break
            expr = result
        return expr

    # -- caches and facts ------------------------------------------------------------------

    def _new_scope(self) -> _Scope:
        return _Scope(BoundAnalyzer(self._var_bound))

    def _var_bound(self, var: Var) -> ConstIntBound | None:
        return self.analyzer._known.var_bounds.get(var)

    def sum_memo(self) -> dict[int, tuple[PrimExpr, Sum]]:
        """The `to_sum` memo for the facts in force."""
        return self._scopes[-1].sums

    def bound(self, expr: PrimExpr) -> ConstIntBound:
        """The constant bound of `expr` under the facts in force."""
        return self._scopes[-1].bounds.bound(expr)

    @contextmanager
    def assuming(self, cond: PrimExpr) -> Iterator[None]:
        """Simplify with `cond` (already simplified) assumed true."""
        saved = self.analyzer._known
        self.analyzer._known = saved.copy()
        self._scopes.append(self._new_scope())
        self._assume_depth += 1
        try:
            add_condition(self, self.analyzer._known, cond, simplified=True)
            self._scopes[-1] = self._new_scope()  # drop what was cached before the facts
            yield
        finally:
            self._assume_depth -= 1
            self._scopes.pop()
            self.analyzer._known = saved

    @contextmanager
    def assuming_bound(self, var: Var, bnd: ConstIntBound) -> Iterator[None]:
        """Simplify with `var` known to lie in `bnd`."""
        saved = self.analyzer._known
        self.analyzer._known = saved.copy()
        self.analyzer._known.var_bounds[var] = bnd
        self._scopes.append(self._new_scope())
        try:
            yield
        finally:
            self._scopes.pop()
            self.analyzer._known = saved

    # -- the rule context ------------------------------------------------------------------

    def same(self, a: PrimExpr, b: PrimExpr) -> bool:
        """Equal by value (variables by identity) and free of side effects.

        Rules may merge or drop one of two operands that are the same.
        """
        return self.table.same(a, b) and not self.impure(a)

    def impure(self, expr: PrimExpr) -> bool:
        """Whether `expr` contains a call with side effects (cached per object)."""
        cache = self._side_effects
        hit = cache.get(id(expr))
        if hit is not None:
            return hit[1]
        stack: list[tuple[PrimExpr, bool]] = [(expr, False)]
        while stack:  # post-order without recursion, sharing the cache between subtrees
            node, ready = stack.pop()
            if id(node) in cache:
                continue
            kids = expr_children(node)
            if not ready and any(id(k) not in cache for k in kids):
                stack.append((node, True))
                stack.extend((k, False) for k in kids if id(k) not in cache)
                continue
            value = is_impure_call(node) or any(cache[id(k)][1] for k in kids)
            cache[id(node)] = (node, value)
        return cache[id(expr)][1]

    def order_key(self, expr: PrimExpr) -> OrderKey:
        """The deterministic order of operands."""
        return self.table.order_key(expr)

    def prove_le(self, a: PrimExpr, b: PrimExpr) -> bool:
        """Whether ``a <= b`` provably (scalar integers)."""
        d = self.cz.to_sum(a) - self.cz.to_sum(b)
        return compare.decide(self, LE, d) is True

    def prove_within(self, r: Sum, den: Sum) -> bool:
        """Whether ``0 <= r < den`` provably (a symbolic divisor's remainder)."""
        return (
            compare.decide(self, LE, r.scale(-1)) is True
            and compare.decide(self, LT, r - den) is True
        )

    def sum_range(self, d: Sum) -> tuple[int, int]:
        """Bounds of `d` from the constant bounds of its atoms and the linear facts."""
        b = self.cz.bound(d)
        lo, hi = range_of(self.analyzer._known, d)
        return max(b.min_value, lo), min(b.max_value, hi)

    def symbolic_range(self, d: Sum) -> tuple[int, int]:
        """Bounds of `d` after relaxing variables with symbolic ranges (``i`` in ``[0, n)``)."""
        everything = (NEG_INF, POS_INF)
        dom = self.analyzer._known.symbolic_vars()
        if self._proving or not dom or not any(self._vars_of(a) & dom.keys() for a in d.atoms()):
            return everything
        cache = self._scopes[-1].relaxed
        key = d.key()
        found = cache.get(key)
        if found is not None:
            return found
        try:
            expr = self.cz.from_sum(d)
        except CannotMaterialize:
            return everything
        self._proving = True
        try:
            interval = IntSetEvaluator(self, dom).evaluate(expr)
        finally:
            self._proving = False
        lo = NEG_INF if interval.min_value is None else self.bound(interval.min_value).min_value
        hi = POS_INF if interval.max_value is None else self.bound(interval.max_value).max_value
        cache[key] = (lo, hi)
        return lo, hi

    def _vars_of(self, atom_id: int) -> frozenset[Var]:
        found = self._atom_vars.get(atom_id)
        if found is None:
            found = self._atom_vars[atom_id] = frozenset(free_vars(self.table.expr(atom_id)))
        return found

    def excluded(self, d: Sum, value: int) -> bool:
        """Whether the facts say ``d != value``."""
        return excludes(self.analyzer._known, d, value)

    # -- visiting --------------------------------------------------------------------------

    def visit(self, expr: PrimExpr) -> PrimExpr:
        """The simplified form of `expr` (the same object if nothing changed)."""
        memo = self._scopes[-1].memo
        hit = memo.get(id(expr))
        if hit is not None:
            return hit[1]
        result = super().visit(expr)
        if result is not expr and self.table.same(result, expr):
            result = expr
        memo[id(expr)] = (expr, result)
        if result is not expr:
            memo.setdefault(id(result), (result, result))
        return result

    def visit_var(self, node: Var) -> PrimExpr:
        """A leaf (bound values were substituted before simplifying); a boolean may be known."""
        if node.dtype.is_bool and self.analyzer._known.truths:
            truth = truth_of(self.analyzer._known, self.table.key(node))
            if truth is not None:
                return IntImm(node.dtype, truth)
        return node

    def visit_int_imm(self, node: IntImm) -> PrimExpr:
        """A leaf."""
        return node

    def visit_float_imm(self, node: FloatImm) -> PrimExpr:
        """A leaf."""
        return node

    def visit_string_imm(self, node: StringImm) -> PrimExpr:
        """A leaf."""
        return node

    def generic_visit(self, node: PrimExpr) -> PrimExpr:
        """Simplify the operands, then fold and rewrite the node."""
        return self.rewrite(map_children(node, self.visit))

    def _arith(self, node: PrimExpr) -> PrimExpr:
        # The canonical form may drop a term (x*0) or merge equal ones: not with side effects.
        if not is_canonical_dtype(node) or self.impure(node):
            return self.generic_visit(node)
        s = self.cz.to_sum(node)
        try:
            return self.cz.from_sum(s)
        except CannotMaterialize:
            return self.generic_visit(node)

    visit_add = visit_sub = visit_mul = _arith
    visit_floor_div = visit_floor_mod = visit_div = visit_mod = _arith

    def visit_select(self, node: Select) -> PrimExpr:
        """The branches are simplified under the condition and its negation."""
        cond = self.visit(node.condition)
        if isinstance(cond, IntImm):
            return self.visit(node.true_value if cond.value else node.false_value)
        then, other = self._branches(cond, node.true_value, node.false_value)
        if cond is node.condition and then is node.true_value and other is node.false_value:
            return self.rewrite(node)
        return self.rewrite(Select(cond, then, other))

    def visit_call(self, node: Call) -> PrimExpr:
        """``if_then_else`` like a select; other calls through the rules."""
        if getattr(node.op, "name", None) != "if_then_else":
            return self.generic_visit(node)
        cond = self.visit(node.args[0])
        if isinstance(cond, IntImm):
            return self.visit(node.args[1] if cond.value else node.args[2])
        then, other = self._branches(cond, node.args[1], node.args[2])
        args = (cond, then, other)
        if all(a is b for a, b in zip(args, node.args, strict=True)):
            return self.rewrite(node)
        return self.rewrite(Call(node.dtype, node.op, args))

    def _branches(
        self, cond: PrimExpr, then: PrimExpr, other: PrimExpr
    ) -> tuple[PrimExpr, PrimExpr]:
        if not cond.dtype.is_scalar or self._assume_depth >= MAX_ASSUME_DEPTH:
            return self.visit(then), self.visit(other)
        with self.assuming(cond):
            then = self.visit(then)
        with self.assuming(Not(cond)):
            other = self.visit(other)
        return then, other

    def visit_let(self, node: Let) -> PrimExpr:
        """Inline trivial values; otherwise simplify the body with the value's bound."""
        value = self.visit(node.value)
        if node.var not in free_vars(node.body) and not self.impure(value):
            return self.visit(node.body)
        if isinstance(value, IntImm | FloatImm | Var):
            return self.visit(substitute(node.body, {node.var: value}))
        if is_canonical_dtype(value):
            with self.assuming_bound(node.var, self.bound(value)):
                body = self.visit(node.body)
        else:
            body = self.visit(node.body)
        if value is node.value and body is node.body:
            return self.rewrite(node)
        return self.rewrite(Let(node.var, value, body))

    def rewrite(self, node: PrimExpr) -> PrimExpr:
        """Fold and apply the rules to a node whose operands are simplified."""
        folded = fold(node)
        if folded is not None:
            return folded
        if self.impure(node):
            return node  # reasoning about values would assume a call returns the same twice
        if _wraps_around(node):
            return node  # unsigned arithmetic wraps: only constant folding is sound
        if node.dtype.is_bool and node.dtype.is_scalar and self.analyzer._known.truths:
            truth = truth_of(self.analyzer._known, self.table.key(node))
            if truth is not None:
                return IntImm(node.dtype, truth)
        if self.rules is None or self._depth >= MAX_DEPTH:
            return node
        new = self.rules.apply(node, self)
        if new is None:
            return node
        self._depth += 1
        try:
            return self.visit(new)
        finally:
            self._depth -= 1


def _wraps_around(node: PrimExpr) -> bool:
    """Whether `node` computes on, or compares, unsigned integers."""
    return node.dtype.is_uint or any(child.dtype.is_uint for child in expr_children(node))
