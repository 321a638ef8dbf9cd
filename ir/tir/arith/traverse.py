"""Generic walks over `PrimExpr` trees: children, rebuilding, substitution, free variables.

Driven by the declared node fields, so a new expression class needs nothing here. Buffers, ops
and other non-expression fields are kept as they are (a load's buffer shape is not an operand).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

from ...diagnostics import LoomError
from ...node import replace
from ..expr import Call, Let, PrimExpr, Var
from ..op import Op, op_info

_FIELDS: dict[type, tuple[str, ...]] = {}


def operand_fields(cls: type) -> tuple[str, ...]:
    """Constructor fields of an expression class that may hold operands, in declaration order.

    All but `span` and a `Let`'s binder (which is not an operand of the let).
    """
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.init and f.name != "span" and not (issubclass(cls, Let) and f.name == "var")
        )
    return found


def expr_children(expr: PrimExpr) -> tuple[PrimExpr, ...]:
    """The operand expressions of `expr`, in field order (a `Let`'s binder is not an operand)."""
    out: list[PrimExpr] = []
    for name in operand_fields(type(expr)):
        value = getattr(expr, name)
        if isinstance(value, PrimExpr):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(item for item in value if isinstance(item, PrimExpr))
    return tuple(out)


def map_children(expr: PrimExpr, fn: Callable[[PrimExpr], PrimExpr]) -> PrimExpr:
    """Rebuild `expr` with `fn` applied to each operand; the same object if nothing changed."""
    changes: dict[str, object] = {}
    for name in operand_fields(type(expr)):
        value = getattr(expr, name)
        if isinstance(value, PrimExpr):
            new = fn(value)
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple) and any(isinstance(item, PrimExpr) for item in value):
            mapped = tuple(fn(item) if isinstance(item, PrimExpr) else item for item in value)
            if any(a is not b for a, b in zip(mapped, value, strict=True)):
                changes[name] = mapped
    return replace(expr, **changes) if changes else expr


def substitute(expr: PrimExpr, mapping: Mapping[Var, PrimExpr]) -> PrimExpr:
    """Replace free occurrences of the variables in `mapping` (by identity)."""
    if not mapping:
        return expr
    memo: dict[int, PrimExpr] = {}

    def walk(node: PrimExpr) -> PrimExpr:
        if isinstance(node, Var):
            return mapping.get(node, node)
        hit = memo.get(id(node))
        if hit is None:
            hit = memo[id(node)] = map_children(node, walk)
        return hit

    return walk(expr)


def free_vars(expr: PrimExpr) -> list[Var]:
    """Variables used in `expr`, in order of first use (a `Let` binder is not free in its body)."""
    seen: dict[Var, None] = {}
    bound: set[Var] = set()
    visited: set[int] = set()
    stack: list[PrimExpr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Var):
            if node not in bound:
                seen.setdefault(node, None)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, Let):
            bound.add(node.var)
        stack.extend(reversed(expr_children(node)))
    return list(seen)


def uses_any(expr: PrimExpr, variables: Iterable[Var]) -> bool:
    """Whether `expr` uses any of `variables`."""
    wanted = set(variables)
    return bool(wanted) and any(v in wanted for v in free_vars(expr))


def expr_equal(a: PrimExpr, b: PrimExpr) -> bool:
    """Equality by value, with variables and buffers compared by identity.

    Unlike `structural_equal`, which maps free variables positionally (so ``i`` and ``j``
    compare equal there).
    """
    if a is b:
        return True
    if type(a) is not type(b) or a.dtype != b.dtype:
        return False
    if isinstance(a, Var) or (isinstance(a, Let) and a.var is not b.var):  # type: ignore[attr-defined]
        return False
    for name in operand_fields(type(a)):
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, PrimExpr):
            if not isinstance(y, PrimExpr) or not expr_equal(x, y):
                return False
        elif isinstance(x, tuple):
            if not isinstance(y, tuple) or len(x) != len(y):
                return False
            for u, v in zip(x, y, strict=True):
                same = expr_equal(u, v) if isinstance(u, PrimExpr) else u is v or u == v
                if not same:
                    return False
        elif x is not y and x != y:
            return False
    return True


def is_impure_call(expr: PrimExpr) -> bool:
    """A call with side effects: ``call_extern``, ``call_packed``, a module function.

    Two such calls are never the same value, and one must not be dropped or duplicated.
    """
    if not isinstance(expr, Call):
        return False
    op = expr.op
    if not isinstance(op, Op):
        return True
    try:
        return not op_info(op).pure
    except LoomError:
        return True


def has_side_effects(expr: PrimExpr) -> bool:
    """Whether `expr` contains an impure call."""
    stack = [expr]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if is_impure_call(node):
            return True
        stack.extend(expr_children(node))
    return False
