"""Value identity and a deterministic order for expressions, as the arithmetic analyzer needs.

`ExprTable` interns expressions by value, so equal subexpressions share one small integer id:
terms of a sum combine by id, and rewrite patterns compare operands by id. Variables and buffers
count by identity here (``x - y`` must not cancel because both are named ``x``), unlike
`structural_equal`, which maps free variables positionally.
"""

from __future__ import annotations

import math
from typing import Any

from ..expr import FloatImm, IntImm, Let, PrimExpr, StringImm, Var
from .traverse import is_impure_call, operand_fields

# An order key: (rank, label, number, children). Ranks put variables first and constants last.
OrderKey = tuple[int, str, Any, tuple]

_RANK_VAR, _RANK_LOAD, _RANK_CALL, _RANK_OTHER, _RANK_CONST = 1, 2, 3, 4, 9


class ExprTable:
    """Interns expressions by value and caches their ids and order keys per node object.

    The id of a node is stable for the table's lifetime. The per-object caches keep the nodes
    alive (ids of dead objects could be reused), so `forget_objects` clears them between calls.
    """

    def __init__(self) -> None:
        self._ids: dict[tuple, int] = {}
        self._exprs: list[PrimExpr] = []
        self._by_object: dict[int, tuple[PrimExpr, int]] = {}
        self._order: dict[int, tuple[PrimExpr, OrderKey]] = {}

    def __len__(self) -> int:
        return len(self._exprs)

    def key(self, expr: PrimExpr) -> int:
        """The value id of `expr`."""
        hit = self._by_object.get(id(expr))
        if hit is not None:
            return hit[1]
        # Post-order without recursion: long sums are deep left-leaning chains.
        stack: list[tuple[PrimExpr, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in self._by_object:
                continue
            kids = _operands(node)
            if not ready and any(id(k) not in self._by_object for k in kids):
                stack.append((node, True))
                stack.extend((k, False) for k in kids if id(k) not in self._by_object)
                continue
            self._by_object[id(node)] = (node, self._intern(node))
        return self._by_object[id(expr)][1]

    def expr(self, key: int) -> PrimExpr:
        """The first expression interned with id `key`."""
        return self._exprs[key]

    def same(self, a: PrimExpr, b: PrimExpr) -> bool:
        """Whether two expressions are equal by value (variables by identity)."""
        return a is b or self.key(a) == self.key(b)

    def order_key(self, expr: PrimExpr) -> OrderKey:
        """A deterministic sort key: by names and values, never by memory address."""
        hit = self._order.get(id(expr))
        if hit is not None:
            return hit[1]
        order = _order_key(expr, self.order_key)
        self._order[id(expr)] = (expr, order)
        return order

    def forget_objects(self) -> None:
        """Drop the per-object caches (the value ids stay valid)."""
        self._by_object.clear()
        self._order.clear()

    def _intern(self, node: PrimExpr) -> int:
        signature = self._signature(node)
        found = self._ids.get(signature)
        if found is None:
            found = self._ids[signature] = len(self._exprs)
            self._exprs.append(node)
        return found

    def _signature(self, node: PrimExpr) -> tuple:
        if isinstance(node, Var):
            return ("var", node)
        if isinstance(node, IntImm):
            return ("int", node.dtype, node.value)
        if isinstance(node, FloatImm):
            return ("float", node.dtype, repr(node.value))
        if isinstance(node, StringImm):
            return ("str", node.value)
        if is_impure_call(node):
            return ("impure", node)  # equal only to itself
        parts: list[Any] = [type(node)]
        if isinstance(node, Let):
            parts.append(node.var)  # the binder counts by identity
        for name in operand_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, PrimExpr):
                parts.append(self._by_object[id(value)][1])
            elif isinstance(value, tuple):
                parts.append(
                    tuple(
                        self._by_object[id(v)][1] if isinstance(v, PrimExpr) else v for v in value
                    )
                )
            else:
                parts.append(value)
        parts.append(node.dtype)
        return tuple(parts)


def _operands(node: PrimExpr) -> list[PrimExpr]:
    if isinstance(node, Var | IntImm | FloatImm | StringImm):
        return []
    out = []
    for name in operand_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, PrimExpr):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, PrimExpr))
    return out


def _order_key(expr: PrimExpr, sub: Any) -> OrderKey:
    if isinstance(expr, Var):
        return (_RANK_VAR, expr.name_hint, 0, (str(expr.dtype),))
    if isinstance(expr, IntImm):
        return (_RANK_CONST, str(expr.dtype), expr.value, ())
    if isinstance(expr, FloatImm):
        value = expr.value
        return (_RANK_CONST, str(expr.dtype), 0 if math.isnan(value) else value, (repr(value),))
    if isinstance(expr, StringImm):
        return (_RANK_CONST, "str", 0, (expr.value,))
    kids = tuple(sub(k) for k in _operands(expr))
    name = type(expr).__name__
    if name == "BufferLoad":
        return (_RANK_LOAD, expr.buffer.name, 0, kids)  # type: ignore[attr-defined]
    if name == "Call":
        op = expr.op  # type: ignore[attr-defined]
        label = str(getattr(op, "name", None) or getattr(op, "name_hint", ""))
        return (_RANK_CALL, label, 0, kids)
    return (_RANK_OTHER, f"{name}:{expr.dtype}", getattr(expr, "lanes", 0), kids)
