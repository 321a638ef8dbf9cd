"""The canonical form of scalar integer expressions: a `Sum` of monomials over atoms.

``to_sum`` reads ``+ - *`` and the four divisions into a `Sum` (like terms combined, products
expanded while small); whatever is not arithmetic (a variable, a load, ``min``, a division that
does not simplify) becomes an atom, simplified first by the owning simplifier. ``from_sum``
writes a `Sum` back as IR in a deterministic order: higher-degree terms first, then larger
coefficients, then by the atoms' names; positive terms before subtracted ones, the constant last
(``i*64 + j*8 + k - 1``).
"""

from __future__ import annotations

from typing import Protocol

from ...diagnostics import TypeCheckError
from ..expr import Add, Div, FloorDiv, FloorMod, IntImm, Mod, Mul, PrimExpr, Sub
from . import bound as B
from . import division
from .bound import ConstIntBound
from .keys import ExprTable
from .sum_form import Mono, Sum

INT_ARITH = (Add, Sub, Mul, FloorDiv, FloorMod, Div, Mod, IntImm)

# A product of two sums is expanded only while it has at most this many terms.
EXPAND_LIMIT = 16


class CannotMaterialize(Exception):
    """A coefficient of the canonical form does not fit the dtype; keep the input's shape."""


class Host(Protocol):
    """What the canonical form needs from the simplifier that owns it."""

    table: ExprTable

    def visit(self, expr: PrimExpr) -> PrimExpr:
        """Simplify an atom."""
        ...

    def bound(self, expr: PrimExpr) -> ConstIntBound:
        """The constant bound of an expression."""
        ...

    def sum_memo(self) -> dict[int, tuple[PrimExpr, Sum]]:
        """The memo of `to_sum` for the current assumptions."""
        ...

    def prove_within(self, r: Sum, den: Sum) -> bool:
        """Whether ``0 <= r < den`` provably."""
        ...


def is_canonical_dtype(expr: PrimExpr) -> bool:
    """Scalar signed integers have a canonical form.

    Unsigned arithmetic wraps around (defined behaviour, unlike signed overflow), so orderings,
    bounds and divisions of rearranged unsigned sums would be unsound: they are left as written.
    """
    return expr.dtype.is_int and expr.dtype.lanes == 1


class Canonicalizer:
    """Converts between scalar integer IR and `Sum`."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.table = host.table

    # -- IR -> Sum -------------------------------------------------------------------------

    def to_sum(self, expr: PrimExpr) -> Sum:
        """The canonical form of a scalar integer expression."""
        memo = self.host.sum_memo()
        hit = memo.get(id(expr))
        if hit is not None:
            return hit[1]
        result = self._convert(expr)
        memo[id(expr)] = (expr, result)
        return result

    def _convert(self, expr: PrimExpr) -> Sum:
        dtype = expr.dtype
        if isinstance(expr, IntImm):
            return Sum.constant(dtype, expr.value)
        if isinstance(expr, Add | Sub):
            return division.merge_div_mod(self, self._linear(expr))
        if isinstance(expr, Mul):
            return self._product(expr)
        if isinstance(expr, FloorDiv):
            return division.floor_div(self, self.to_sum(expr.a), self.to_sum(expr.b))
        if isinstance(expr, FloorMod):
            return division.floor_mod(self, self.to_sum(expr.a), self.to_sum(expr.b))
        if isinstance(expr, Div):
            return division.trunc_div(self, self.to_sum(expr.a), self.to_sum(expr.b))
        if isinstance(expr, Mod):
            return division.trunc_mod(self, self.to_sum(expr.a), self.to_sum(expr.b))
        simplified = self.host.visit(expr)
        if isinstance(simplified, INT_ARITH):
            return self.to_sum(simplified)
        return self.atom(simplified)

    def _linear(self, expr: PrimExpr) -> Sum:
        # Flatten the +/- chain without recursion (long sums are deep left-leaning trees).
        total = Sum.constant(expr.dtype, 0)
        stack: list[tuple[PrimExpr, int]] = [(expr, 1)]
        while stack:
            node, sign = stack.pop()
            if isinstance(node, Add):
                stack.append((node.b, sign))
                stack.append((node.a, sign))
            elif isinstance(node, Sub):
                stack.append((node.b, -sign))
                stack.append((node.a, sign))
            else:
                total = total + self.to_sum(node).scale(sign)
        return total

    def _product(self, expr: Mul) -> Sum:
        a, b = self.to_sum(expr.a), self.to_sum(expr.b)
        if a.is_const:
            return b.scale(a.const)
        if b.is_const:
            return a.scale(b.const)
        if a.num_terms() * b.num_terms() <= EXPAND_LIMIT:
            return a.mul(b)
        left, right = self.from_sum(a), self.from_sum(b)
        if self.table.order_key(right) < self.table.order_key(left):
            left, right = right, left
        return self.atom(Mul(left, right))

    def atom(self, expr: PrimExpr) -> Sum:
        """``1 * expr`` with `expr` an already simplified atom."""
        return Sum.atom(expr.dtype, self.table.key(expr))

    def opaque(self, cls: type, num: Sum, den: Sum) -> Sum:
        """An atom ``cls(num, den)`` for a division that does not simplify further."""
        return self.atom(cls(self.from_sum(num), self.from_sum(den)))

    def atom_expr(self, atom_id: int) -> PrimExpr:
        """The expression of an atom id."""
        return self.table.expr(atom_id)

    # -- bounds ----------------------------------------------------------------------------

    def bound(self, s: Sum) -> ConstIntBound:
        """The constant bound of a sum, from the bounds of its atoms."""
        total = ConstIntBound.single(s.const)
        for mono, coef in s.terms.items():
            term = ConstIntBound.single(coef)
            if len(mono) == 2 and mono[0] == mono[1]:
                square = B.mul(self._atom_bound(mono[0]), self._atom_bound(mono[0]))
                term = B.mul(term, square.intersect(ConstIntBound(0, B.POS_INF)))
            else:
                for atom_id in mono:
                    term = B.mul(term, self._atom_bound(atom_id))
            total = B.add(total, term)
        return total

    def _atom_bound(self, atom_id: int) -> ConstIntBound:
        return self.host.bound(self.table.expr(atom_id))

    # -- Sum -> IR -------------------------------------------------------------------------

    def from_sum(self, s: Sum) -> PrimExpr:
        """Write `s` back as IR (raises `CannotMaterialize` if a coefficient does not fit)."""
        ordered = sorted(s.terms.items(), key=self.term_order)
        positive = [(m, c) for m, c in ordered if c > 0]
        negative = [(m, c) for m, c in ordered if c < 0]
        expr: PrimExpr | None = None
        for mono, coef in positive:
            term = self._term(mono, coef, s)
            expr = term if expr is None else Add(expr, term)
        if expr is None and negative and s.const > 0:
            expr = self.const(s, s.const)
            s = s.add_const(-s.const)
        for mono, coef in negative:
            if expr is None:
                expr = self._term(mono, coef, s)
            else:
                expr = Sub(expr, self._term(mono, -coef, s))
        if expr is None:
            return self.const(s, s.const)
        if s.const > 0:
            return Add(expr, self.const(s, s.const))
        if s.const < 0:
            return Sub(expr, self.const(s, -s.const))
        return expr

    def const(self, s: Sum, value: int) -> IntImm:
        """An immediate of the sum's dtype."""
        try:
            return IntImm(s.dtype, value)
        except TypeCheckError:
            raise CannotMaterialize(f"{value} does not fit {s.dtype}") from None

    def _term(self, mono: Mono, coef: int, s: Sum) -> PrimExpr:
        atoms = sorted((self.table.expr(a) for a in mono), key=self.table.order_key)
        expr = atoms[0]
        for atom in atoms[1:]:
            expr = Mul(expr, atom)
        return expr if coef == 1 else Mul(expr, self.const(s, coef))

    def term_order(self, item: tuple[Mono, int]) -> tuple:
        """Sort key of a ``(monomial, coef)`` term.

        Higher degree first, then larger coefficients, then the atoms' names: ``i*64 + j*8 + k``.
        """
        mono, coef = item
        atoms = sorted(self.table.order_key(self.table.expr(a)) for a in mono)
        return (-len(mono), -abs(coef), atoms)
