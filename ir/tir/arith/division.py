"""Division and modulo in the canonical form: the rules that split a `Sum` by a divisor.

Floor division distributes over an exact multiple for any non-zero divisor:
``(c*q + r) // c == q + r // c`` and ``(c*q + r) % c == r % c``. For a positive constant ``c``,
a remainder whose low part ``b`` provably lies in ``[0, g)`` for a factor ``g`` of ``c`` divides
through: ``(g*a + b) // (g*c') == a // c'`` and ``(g*a + b) % (g*c') == g*(a % c') + b``; a
remainder whose bound stays inside one period folds to a constant. Nested floor divisions
merge (``(x // a) // c == x // (a*c)``). Truncated division and modulo take these rules only when
the dividend is provably non-negative (where they agree with floor semantics).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..expr import Div, FloorDiv, FloorMod, IntImm, Mod, PrimExpr
from .bound import NEG_INF, POS_INF
from .const_fold import truncdiv
from .sum_form import Mono, Sum, contains, remove

if TYPE_CHECKING:
    from .canonical import Canonicalizer


def split(num: Sum, mono: Mono, coef: int) -> tuple[Sum, Sum]:
    """``num == (coef * prod(mono)) * q + r``: the terms that are exact multiples go to ``q``."""
    q_terms: dict[Mono, int] = {}
    q_const = 0
    r_terms: dict[Mono, int] = {}
    for m, c in num.terms.items():
        if c % coef == 0 and contains(m, mono):
            rest = remove(m, mono)
            if rest:
                q_terms[rest] = q_terms.get(rest, 0) + c // coef
            else:
                q_const += c // coef
        else:
            r_terms[m] = c
    if mono:
        r_const = num.const
    else:
        q_const += num.const // coef
        r_const = num.const % coef
    q_terms = {m: c for m, c in q_terms.items() if c}
    return Sum(num.dtype, q_terms, q_const), Sum(num.dtype, r_terms, r_const)


def _finite(lo: int, hi: int) -> bool:
    return lo != NEG_INF and hi != POS_INF


def _bounded_split(cz: Canonicalizer, r: Sum, c: int) -> tuple[int, Sum, Sum] | None:
    """``(g, a, b)`` with ``r == g*a + b``, ``g > 1`` dividing ``c`` and ``0 <= b < g``."""
    candidates = sorted({math.gcd(k, c) for k in r.terms.values()} - {1}, reverse=True)
    for g in candidates:
        high = {m: k // g for m, k in r.terms.items() if k % g == 0}
        low = {m: k for m, k in r.terms.items() if k % g}
        low_const = r.const % g
        b = Sum(r.dtype, low, low_const)
        if low:
            bnd = cz.bound(b)
            if not (bnd.min_value >= 0 and bnd.max_value < g):
                continue
        return g, Sum(r.dtype, high, (r.const - low_const) // g), b
    return None


def _nested_floordiv(cz: Canonicalizer, r: Sum) -> tuple[int, PrimExpr, int] | None:
    """``(k, x, a)`` when ``r`` is ``x // a + k`` with a positive constant ``a``."""
    if len(r.terms) != 1:
        return None
    ((mono, coef),) = r.terms.items()
    if coef != 1 or len(mono) != 1:
        return None
    atom = cz.atom_expr(mono[0])
    if isinstance(atom, FloorDiv) and isinstance(atom.b, IntImm) and atom.b.value > 0:
        return r.const, atom.a, atom.b.value
    return None


# ---------------------------------------------------------------------------------------------
# Floor division and modulo


def floor_div(cz: Canonicalizer, num: Sum, den: Sum) -> Sum:
    """The canonical form of ``num // den``."""
    if den.is_const:
        c = den.const
        if c == 0:
            return cz.opaque(FloorDiv, num, den)
        if num.is_const:
            return Sum.constant(num.dtype, num.const // c)
        q, r = split(num, (), c)
        return q + _div_rest(cz, r, c, FloorDiv)
    k = num.ratio_to(den)
    if k is not None:
        return Sum.constant(num.dtype, k)
    single = den.single_term()
    q, r = split(num, *single) if single is not None else (Sum.constant(num.dtype, 0), num)
    if r.is_zero:
        return q
    if cz.host.prove_within(r, den):
        return q
    return q + cz.opaque(FloorDiv, r, den)


def _div_rest(cz: Canonicalizer, r: Sum, c: int, cls: type) -> Sum:
    """``r // c`` after the exact multiples of `c` are gone (r >= 0 when `cls` is `Div`)."""
    if r.is_const:
        return Sum.constant(r.dtype, r.const // c)
    if c > 0:
        found = _bounded_split(cz, r, c)
        if found is not None:
            g, high, _ = found
            return _div_rest(cz, high, c // g, cls)
        nested = _nested_floordiv(cz, r) if cls is FloorDiv else None
        if nested is not None:  # (x // a + k) // c == (x + k*a) // (a*c)
            k, x, a = nested
            return floor_div(cz, cz.to_sum(x).add_const(k * a), Sum.constant(r.dtype, a * c))
    bnd = cz.bound(r)
    if _finite(bnd.min_value, bnd.max_value) and bnd.min_value // c == bnd.max_value // c:
        return Sum.constant(r.dtype, bnd.min_value // c)
    return cz.opaque(cls, r, Sum.constant(r.dtype, c))


def floor_mod(cz: Canonicalizer, num: Sum, den: Sum) -> Sum:
    """The canonical form of ``num % den``."""
    if den.is_const:
        c = den.const
        if c == 0:
            return cz.opaque(FloorMod, num, den)
        if num.is_const:
            return Sum.constant(num.dtype, num.const % c)
        _, r = split(num, (), c)
        return _mod_rest(cz, r, c, FloorMod)
    if num.ratio_to(den) is not None:
        return Sum.constant(num.dtype, 0)
    single = den.single_term()
    _, r = split(num, *single) if single is not None else (None, num)
    if r.is_zero or cz.host.prove_within(r, den):
        return r
    return cz.opaque(FloorMod, r, den)


def _mod_rest(cz: Canonicalizer, r: Sum, c: int, cls: type) -> Sum:
    """``r % c`` after the exact multiples of `c` are gone (r >= 0 when `cls` is `Mod`)."""
    if r.is_const:
        return Sum.constant(r.dtype, r.const % c)
    if c > 0:
        found = _bounded_split(cz, r, c)
        if found is not None:
            g, a, b = found
            return _mod_rest(cz, a, c // g, cls).scale(g) + b
        if cls is FloorMod:
            replaced = _drop_inner_mods(cz, r, c)
            if replaced is not None:
                return floor_mod(cz, replaced, Sum.constant(r.dtype, c))
    bnd = cz.bound(r)
    if _finite(bnd.min_value, bnd.max_value) and bnd.min_value // c == bnd.max_value // c:
        return r.add_const(-(bnd.min_value // c) * c)
    return cz.opaque(cls, r, Sum.constant(r.dtype, c))


def _drop_inner_mods(cz: Canonicalizer, r: Sum, c: int) -> Sum | None:
    """Inside ``% c``, an atom ``x % a`` with ``c | a`` is congruent to ``x``: replace it."""
    changed = False
    out = r
    for mono, coef in r.terms.items():
        if len(mono) != 1:
            continue
        atom = cz.atom_expr(mono[0])
        if (
            isinstance(atom, FloorMod)
            and isinstance(atom.b, IntImm)
            and atom.b.value > 0
            and atom.b.value % c == 0
        ):
            out = out - Sum.atom(r.dtype, mono[0], coef) + cz.to_sum(atom.a).scale(coef)
            changed = True
    return out if changed else None


# ---------------------------------------------------------------------------------------------
# Truncated (C) division and modulo


def trunc_div(cz: Canonicalizer, num: Sum, den: Sum) -> Sum:
    """The canonical form of C division ``num / den``."""
    if not den.is_const:
        k = num.ratio_to(den)
        return Sum.constant(num.dtype, k) if k is not None else cz.opaque(Div, num, den)
    c = den.const
    if c == 0:
        return cz.opaque(Div, num, den)
    if num.is_const:
        return Sum.constant(num.dtype, truncdiv(num.const, c))
    if c in (1, -1):
        return num.scale(c)
    q, r = split(num, (), c)
    if r.is_zero:  # an exact multiple divides exactly whatever the signs
        return q
    bnd = cz.bound(num)
    if c > 0 and bnd.min_value >= 0 and cz.bound(r).min_value >= 0:
        return q + _div_rest(cz, r, c, Div)
    lo, hi = bnd.min_value, bnd.max_value
    if _finite(lo, hi) and truncdiv(lo, c) == truncdiv(hi, c):
        return Sum.constant(num.dtype, truncdiv(lo, c))
    return cz.opaque(Div, num, den)


def trunc_mod(cz: Canonicalizer, num: Sum, den: Sum) -> Sum:
    """The canonical form of the C remainder of ``num / den``."""
    if not den.is_const:
        if num.ratio_to(den) is not None:
            return Sum.constant(num.dtype, 0)
        return cz.opaque(Mod, num, den)
    c = den.const
    if c == 0:
        return cz.opaque(Mod, num, den)
    if num.is_const:
        return Sum.constant(num.dtype, num.const - c * truncdiv(num.const, c))
    if c in (1, -1):
        return Sum.constant(num.dtype, 0)
    _, r = split(num, (), c)
    if r.is_zero:
        return r
    bnd = cz.bound(num)
    if c > 0 and bnd.min_value >= 0 and cz.bound(r).min_value >= 0:
        return _mod_rest(cz, r, c, Mod)
    if bnd.min_value > -abs(c) and bnd.max_value < abs(c):
        return num
    return cz.opaque(Mod, num, den)


# ---------------------------------------------------------------------------------------------
# Recombination in sums


def merge_div_mod(cz: Canonicalizer, s: Sum) -> Sum:
    """Use ``x == c*(x // c) + x % c`` where it makes the sum shorter.

    ``(x // c)*c + x % c`` becomes ``x``, and ``x - (x // c)*c`` becomes ``x % c`` (the same for
    the truncated pair).
    """
    for mono, coef in list(s.terms.items()):
        if len(mono) != 1 or mono not in s.terms:
            continue
        atom = cz.atom_expr(mono[0])
        if not isinstance(atom, FloorDiv | Div) or not isinstance(atom.b, IntImm):
            continue
        c = atom.b.value
        if c == 0 or coef % c:
            continue
        m = coef // c  # coef*(x // c) == m*c*(x // c) == m*x - m*(x % c)
        mod_cls = FloorMod if isinstance(atom, FloorDiv) else Mod
        mod = cz.to_sum(mod_cls(atom.a, atom.b))
        x = cz.to_sum(atom.a)
        candidate = s - Sum.atom(s.dtype, mono[0], coef) + x.scale(m) - mod.scale(m)
        if candidate.num_terms() < s.num_terms():
            s = candidate
    return s
