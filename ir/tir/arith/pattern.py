"""Rewrite rules as data: a pattern over expressions and a function that builds the result.

A rule reads like the algebra it encodes::

    x, y = Wild("x"), Wild("y")
    Rule(min_(x, max_(x, y)), lambda m, ctx: m.x)        # min(x, max(x, y)) -> x

Patterns match node classes exactly; a wildcard named twice must match equal operands (by value,
variables by identity). The function gets the `Match` and the rewrite context and returns the
replacement, or None when a side condition does not hold. `RuleSet`s index rules by root class
and compose with ``+``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

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
    Cast,
    Div,
    FloatImm,
    FloorDiv,
    FloorMod,
    IntImm,
    Max,
    Min,
    Mod,
    Mul,
    Not,
    Or,
    PrimExpr,
    Ramp,
    Select,
    Sub,
)
from .traverse import expr_children

if TYPE_CHECKING:
    from .canonical import Canonicalizer
    from .keys import OrderKey
    from .sum_form import Sum


class MatchContext(Protocol):
    """What matching needs from the simplifier: equality of operands by value."""

    def same(self, a: PrimExpr, b: PrimExpr) -> bool:
        """Whether `a` and `b` are equal by value."""
        ...


class RuleContext(MatchContext, Protocol):
    """What rewrite functions may ask of the simplifier."""

    cz: Canonicalizer

    def order_key(self, expr: PrimExpr) -> OrderKey:
        """The deterministic order of operands."""
        ...

    def prove_le(self, a: PrimExpr, b: PrimExpr) -> bool:
        """Whether ``a <= b`` provably (scalar integers)."""
        ...

    def sum_range(self, d: Sum) -> tuple[int, int]:
        """Bounds of a canonical sum from constant bounds and facts."""
        ...

    def symbolic_range(self, d: Sum) -> tuple[int, int]:
        """Bounds of a canonical sum after relaxing symbolic variable ranges."""
        ...

    def excluded(self, d: Sum, value: int) -> bool:
        """Whether the facts say ``d != value``."""
        ...


class Pat:
    """A pattern; Python operators build `Op` patterns as they build IR on expressions."""

    def __add__(self, other: Any) -> Op:
        return Op(Add, (self, lift(other)))

    def __radd__(self, other: Any) -> Op:
        return Op(Add, (lift(other), self))

    def __sub__(self, other: Any) -> Op:
        return Op(Sub, (self, lift(other)))

    def __rsub__(self, other: Any) -> Op:
        return Op(Sub, (lift(other), self))

    def __mul__(self, other: Any) -> Op:
        return Op(Mul, (self, lift(other)))

    def __rmul__(self, other: Any) -> Op:
        return Op(Mul, (lift(other), self))

    def __floordiv__(self, other: Any) -> Op:
        return Op(FloorDiv, (self, lift(other)))

    def __mod__(self, other: Any) -> Op:
        return Op(FloorMod, (self, lift(other)))

    def match(self, expr: PrimExpr, ctx: MatchContext, found: dict[str, PrimExpr]) -> bool:
        """Match `expr`, recording wildcard bindings in `found`."""
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Wild(Pat):
    """Any expression; the same name twice must be the same value."""

    name: str

    def match(self, expr: PrimExpr, ctx: MatchContext, found: dict[str, PrimExpr]) -> bool:
        """Bind or compare."""
        seen = found.get(self.name)
        if seen is None:
            found[self.name] = expr
            return True
        return ctx.same(seen, expr)


@dataclass(frozen=True, eq=False)
class Const(Pat):
    """An immediate: `kind` is "int" (IntImm, bool included), "float" or "any"."""

    name: str
    kind: str = "int"

    def match(self, expr: PrimExpr, ctx: MatchContext, found: dict[str, PrimExpr]) -> bool:
        """Bind an immediate of the wanted kind."""
        if self.kind == "int":
            ok = isinstance(expr, IntImm)
        elif self.kind == "float":
            ok = isinstance(expr, FloatImm)
        else:
            ok = isinstance(expr, IntImm | FloatImm)
        return ok and Wild(self.name).match(expr, ctx, found)


@dataclass(frozen=True, eq=False)
class Lit(Pat):
    """An immediate equal to `value` (any dtype)."""

    value: int | float

    def match(self, expr: PrimExpr, ctx: MatchContext, found: dict[str, PrimExpr]) -> bool:
        """Compare the immediate's value."""
        return isinstance(expr, IntImm | FloatImm) and expr.value == self.value


@dataclass(frozen=True, eq=False)
class Op(Pat):
    """A node of class `cls` whose operands match `args` (in field order)."""

    cls: type
    args: tuple[Pat, ...]

    def match(self, expr: PrimExpr, ctx: MatchContext, found: dict[str, PrimExpr]) -> bool:
        """Match the class, then each operand."""
        if type(expr) is not self.cls:
            return False
        operands = expr_children(expr)
        if len(operands) != len(self.args):
            return False
        return all(p.match(e, ctx, found) for p, e in zip(self.args, operands, strict=True))


def lift(value: Any) -> Pat:
    """A pattern from a pattern or a Python number."""
    if isinstance(value, Pat):
        return value
    if isinstance(value, bool | int | float):
        return Lit(value)
    raise TypeError(f"cannot use {value!r} in a pattern")


def _op(cls: type) -> Callable[..., Op]:
    return lambda *args: Op(cls, tuple(lift(a) for a in args))


min_, max_, div, mod = _op(Min), _op(Max), _op(Div), _op(Mod)
lt, le, gt, ge, eq, ne = _op(LT), _op(LE), _op(GT), _op(GE), _op(EQ), _op(NE)
and_, or_, not_, select = _op(And), _op(Or), _op(Not), _op(Select)
cast, ramp, broadcast = _op(Cast), _op(Ramp), _op(Broadcast)


class Match(dict):
    """Wildcard bindings, also readable as attributes (``m.x``); `root` is the matched node."""

    root: PrimExpr

    def __getattr__(self, name: str) -> PrimExpr:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


Rewrite = Callable[[Match, RuleContext], PrimExpr | None]


@dataclass(frozen=True, eq=False)
class Rule:
    """``pattern -> rewrite(match, ctx)``; `guard` filters on the root before matching."""

    pattern: Op
    rewrite: Rewrite
    guard: Callable[[PrimExpr], bool] | None = None
    name: str = ""

    def apply(self, expr: PrimExpr, ctx: RuleContext) -> PrimExpr | None:
        """The rewritten expression, or None if the rule does not apply."""
        if self.guard is not None and not self.guard(expr):
            return None
        found = Match()
        found.root = expr
        if not self.pattern.match(expr, ctx, found):
            return None
        return self.rewrite(found, ctx)


class RuleSet:
    """Rules indexed by the class of their root; the first rule that fires wins."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_class: dict[type, list[Rule]] = {}
        for rule in self.rules:
            self._by_class.setdefault(rule.pattern.cls, []).append(rule)

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(self.rules + other.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def apply(self, expr: PrimExpr, ctx: RuleContext) -> PrimExpr | None:
        """Apply the first rule that rewrites `expr` to a different value."""
        for rule in self._by_class.get(type(expr), ()):
            result = rule.apply(expr, ctx)
            if result is not None and not ctx.same(result, expr):
                return result
        return None
