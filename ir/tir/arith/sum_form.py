"""`Sum`: an integer expression as a sum of products with integer coefficients.

The data half of the canonical form (see `canonical.py` for the conversion to and from IR).
A monomial is a sorted tuple of atom ids from an `ExprTable` (repeated for powers: ``x*x*y`` is
``(x, x, y)``); the constant term is kept apart, so no monomial is empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...dtype import DataType

Mono = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Sum:
    """``const + sum(coef * prod(atoms))`` over the monomials in `terms` (no zero coefficient)."""

    dtype: DataType
    terms: dict[Mono, int] = field(default_factory=dict)
    const: int = 0

    @staticmethod
    def constant(dtype: DataType, value: int) -> Sum:
        """The constant `value`."""
        return Sum(dtype, {}, value)

    @staticmethod
    def atom(dtype: DataType, atom_id: int, coef: int = 1) -> Sum:
        """``coef * atom``."""
        return Sum(dtype, {(atom_id,): coef} if coef else {}, 0)

    @property
    def is_const(self) -> bool:
        """No monomials: the sum is its constant."""
        return not self.terms

    @property
    def is_zero(self) -> bool:
        """The constant zero."""
        return not self.terms and self.const == 0

    def single_term(self) -> tuple[Mono, int] | None:
        """``(monomial, coef)`` when the sum is exactly one term and no constant."""
        if self.const == 0 and len(self.terms) == 1:
            return next(iter(self.terms.items()))
        return None

    def linear_part(self) -> Sum:
        """The sum without its constant."""
        return Sum(self.dtype, self.terms, 0)

    def key(self) -> tuple:
        """A hashable value of the sum (terms in monomial order)."""
        return (tuple(sorted(self.terms.items())), self.const)

    def __add__(self, other: Sum) -> Sum:
        terms = dict(self.terms)
        for mono, coef in other.terms.items():
            total = terms.get(mono, 0) + coef
            if total:
                terms[mono] = total
            else:
                terms.pop(mono, None)
        return Sum(self.dtype, terms, self.const + other.const)

    def __neg__(self) -> Sum:
        return self.scale(-1)

    def __sub__(self, other: Sum) -> Sum:
        return self + other.scale(-1)

    def scale(self, k: int) -> Sum:
        """``k * self``."""
        if k == 0:
            return Sum(self.dtype, {}, 0)
        return Sum(self.dtype, {m: c * k for m, c in self.terms.items()}, self.const * k)

    def add_const(self, k: int) -> Sum:
        """``self + k``."""
        return Sum(self.dtype, self.terms, self.const + k)

    def num_terms(self) -> int:
        """Monomials plus one for a non-zero constant."""
        return len(self.terms) + (1 if self.const else 0)

    def mul(self, other: Sum) -> Sum:
        """The expanded product (the caller limits its size with `num_terms`)."""
        result = Sum(self.dtype, {}, self.const * other.const)
        parts: list[Sum] = []
        if other.const:
            parts.append(Sum(self.dtype, self.terms, 0).scale(other.const))
        if self.const:
            parts.append(Sum(self.dtype, other.terms, 0).scale(self.const))
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                parts.append(Sum(self.dtype, {tuple(sorted(m1 + m2)): c1 * c2}, 0))
        for part in parts:
            result = result + part
        return result

    def coef_gcd(self) -> int:
        """The gcd of the monomial coefficients (0 for a constant)."""
        g = 0
        for coef in self.terms.values():
            g = math.gcd(g, coef)
        return g

    def divide_exact(self, k: int) -> Sum:
        """``self / k``; every coefficient and the constant must be divisible by `k`."""
        assert all(c % k == 0 for c in self.terms.values())
        assert self.const % k == 0
        return Sum(self.dtype, {m: c // k for m, c in self.terms.items()}, self.const // k)

    def atoms(self) -> set[int]:
        """Ids of every atom used."""
        return {a for mono in self.terms for a in mono}

    def ratio_to(self, other: Sum) -> int | None:
        """`k` when ``self == k * other`` for an integer `k` (other non-zero), else None."""
        if other.is_zero or set(self.terms) != set(other.terms):
            return None
        pairs = [(self.terms[m], c) for m, c in other.terms.items()]
        if other.const or self.const:
            pairs.append((self.const, other.const))
        k = None
        for mine, theirs in pairs:
            if theirs == 0:
                if mine != 0:
                    return None
                continue
            if mine % theirs:
                return None
            if k is None:
                k = mine // theirs
            elif k != mine // theirs:
                return None
        return k


def contains(mono: Mono, part: Mono) -> bool:
    """Whether the multiset `part` is inside the multiset `mono`."""
    rest = list(mono)
    for atom in part:
        if atom not in rest:
            return False
        rest.remove(atom)
    return True


def remove(mono: Mono, part: Mono) -> Mono:
    """``mono`` without the atoms of `part` (which it must contain)."""
    rest = list(mono)
    for atom in part:
        rest.remove(atom)
    return tuple(rest)
