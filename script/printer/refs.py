"""Facts about IR that printing decisions need.

Which binders a node refers to, constants, and equality of expressions over the same variables.
"""

from __future__ import annotations

from typing import Any

from loom.ir import Node, Visitor, structural_equal
from loom.ir.tir import Buffer, IntImm, PrimExpr, Var


class _Collector(Visitor):
    """Collects every variable and buffer reached, in first-visit order."""

    def __init__(self) -> None:
        self.found: dict[Node, None] = {}

    def visit_var(self, var: Var) -> None:
        """Record a variable."""
        self.found[var] = None

    def visit_buffer(self, buffer: Buffer) -> None:
        """Record a buffer and what its shape, strides, offset and data refer to."""
        if buffer not in self.found:
            self.found[buffer] = None
            self.generic_visit(buffer)


def referenced(*values: Any) -> list[Node]:
    """Variables and buffers that `values` (nodes, tuples, mappings) refer to, in order."""
    collector = _Collector()
    for value in values:
        collector.visit_value(value)
    return list(collector.found)


def uses_any(value: Any, nodes: set[Node]) -> bool:
    """Whether `value` refers to any of `nodes`."""
    return any(node in nodes for node in referenced(value))


def same_expr(a: Any, b: Any) -> bool:
    """Structural equality that also requires the same free variables (by identity).

    Plain `structural_equal` maps free variables positionally, so ``n`` equals ``m``; comparing
    ``(a, b)`` with ``(a, a)`` makes every variable of `b` refer back to the ones of `a`.
    """
    return a is b or structural_equal((a, b), (a, a))


def is_const(expr: PrimExpr, value: int | None = None) -> bool:
    """Whether `expr` is an integer constant (equal to `value` if given)."""
    return (
        isinstance(expr, IntImm)
        and not expr.dtype.is_bool
        and (value is None or expr.value == value)
    )


def is_true(expr: PrimExpr) -> bool:
    """Whether `expr` is the constant ``True``."""
    return isinstance(expr, IntImm) and expr.dtype.is_bool and expr.value == 1
