"""Constant integer bounds: `ConstIntBound` and the interval arithmetic on plain ints behind it.

Infinity is the sentinel `POS_INF` = 2**63 - 1 (and `NEG_INF` = -POS_INF), as in TVM: any value
at or beyond it means "unbounded on that side". Arithmetic here saturates at the sentinels, so
results stay sound when an operand is unbounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from ...dtype import DataType

POS_INF = 2**63 - 1
NEG_INF = -POS_INF


def clamp(value: int) -> int:
    """Saturate `value` at the infinity sentinels."""
    return POS_INF if value >= POS_INF else NEG_INF if value <= NEG_INF else value


@dataclass(frozen=True, slots=True)
class ConstIntBound:
    """Every value an integer expression can take lies in ``[min_value, max_value]``.

    `POS_INF` / `NEG_INF` mark a side with no known bound.
    """

    POS_INF: ClassVar[int] = POS_INF
    NEG_INF: ClassVar[int] = NEG_INF

    min_value: int
    max_value: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_value", clamp(int(self.min_value)))
        object.__setattr__(self, "max_value", clamp(int(self.max_value)))

    @staticmethod
    def everything() -> ConstIntBound:
        """No bound at all."""
        return _EVERYTHING

    @staticmethod
    def single(value: int) -> ConstIntBound:
        """Exactly `value`."""
        return ConstIntBound(value, value)

    @staticmethod
    def of_dtype(dtype: DataType) -> ConstIntBound:
        """The values a scalar of `dtype` can hold (bool is 0..1; non-integers are unbounded)."""
        return _of_dtype(dtype)

    @property
    def is_const(self) -> bool:
        """Whether the bound pins one finite value."""
        return self.min_value == self.max_value and self.is_bounded

    @property
    def is_bounded(self) -> bool:
        """Whether both sides are finite."""
        return self.min_value != NEG_INF and self.max_value != POS_INF

    def contains(self, value: int) -> bool:
        """Whether `value` is inside the bound."""
        return self.min_value <= value <= self.max_value

    def intersect(self, other: ConstIntBound) -> ConstIntBound:
        """Values in both bounds (an empty intersection keeps `self`: facts contradict)."""
        lo, hi = max(self.min_value, other.min_value), min(self.max_value, other.max_value)
        return ConstIntBound(lo, hi) if lo <= hi else self

    def union(self, other: ConstIntBound) -> ConstIntBound:
        """Values in either bound."""
        return ConstIntBound(
            min(self.min_value, other.min_value), max(self.max_value, other.max_value)
        )

    def __repr__(self) -> str:
        lo = "-inf" if self.min_value == NEG_INF else self.min_value
        hi = "+inf" if self.max_value == POS_INF else self.max_value
        return f"ConstIntBound[{lo}, {hi}]"


_EVERYTHING = ConstIntBound(NEG_INF, POS_INF)


@cache
def _of_dtype(dtype: DataType) -> ConstIntBound:
    if dtype.is_bool:
        return ConstIntBound(0, 1)
    if not dtype.is_integer:
        return _EVERYTHING
    return ConstIntBound(int(dtype.min_value()), int(dtype.max_value()))


# ---------------------------------------------------------------------------------------------
# Saturating interval arithmetic


def add(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``a + b``."""
    lo = NEG_INF if NEG_INF in (a.min_value, b.min_value) else clamp(a.min_value + b.min_value)
    hi = POS_INF if POS_INF in (a.max_value, b.max_value) else clamp(a.max_value + b.max_value)
    return ConstIntBound(lo, hi)


def neg(a: ConstIntBound) -> ConstIntBound:
    """Bound of ``-a`` (the sentinels are symmetric)."""
    return ConstIntBound(-a.max_value, -a.min_value)


def sub(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``a - b``."""
    return add(a, neg(b))


def _mul_value(x: int, y: int) -> int:
    if x == 0 or y == 0:
        return 0
    if abs(x) == POS_INF or abs(y) == POS_INF:
        return POS_INF if (x > 0) == (y > 0) else NEG_INF
    return clamp(x * y)


def mul(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``a * b``: the extremes are at the corners."""
    corners = [
        _mul_value(x, y) for x in (a.min_value, a.max_value) for y in (b.min_value, b.max_value)
    ]
    return ConstIntBound(min(corners), max(corners))


def scale(a: ConstIntBound, k: int) -> ConstIntBound:
    """Bound of ``a * k`` for a constant `k`."""
    return mul(a, ConstIntBound.single(k))


_Bound2 = Callable[[ConstIntBound, ConstIntBound], ConstIntBound]


def _positive_part(b: ConstIntBound) -> ConstIntBound | None:
    if b.max_value < 1:
        return None
    return ConstIntBound(max(b.min_value, 1), b.max_value)


def _negative_part(b: ConstIntBound) -> ConstIntBound | None:
    if b.min_value > -1:
        return None
    return ConstIntBound(b.min_value, min(b.max_value, -1))


def _by_divisor_sign(
    a: ConstIntBound, b: ConstIntBound, on_positive: _Bound2, on_negative: _Bound2
) -> ConstIntBound:
    """Union of a division-like bound over the positive and the negative part of `b`.

    Zero is left out: division by zero has no value, so it contributes nothing.
    """
    parts = []
    pos = _positive_part(b)
    if pos is not None:
        parts.append(on_positive(a, pos))
    negative = _negative_part(b)
    if negative is not None:
        parts.append(on_negative(a, negative))
    if not parts:
        return _EVERYTHING
    return parts[0] if len(parts) == 1 else parts[0].union(parts[1])


def _fdiv(x: int, y: int) -> int:
    """floor(x / y) for y >= 1, with x or y possibly infinite (never both meaningful)."""
    if x in (POS_INF, NEG_INF):
        return x
    if y == POS_INF:
        return 0 if x >= 0 else -1
    return x // y


def _floordiv_positive(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    lo = _fdiv(a.min_value, b.max_value) if a.min_value >= 0 else _fdiv(a.min_value, b.min_value)
    hi = _fdiv(a.max_value, b.min_value) if a.max_value >= 0 else _fdiv(a.max_value, b.max_value)
    return ConstIntBound(lo, hi)


def floordiv(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``a // b`` (floor division; ``a // -c == -a // c``)."""
    return _by_divisor_sign(
        a, b, _floordiv_positive, lambda x, y: _floordiv_positive(neg(x), neg(y))
    )


def _floormod_positive(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    if a.min_value >= 0 and a.max_value < b.min_value:
        return a
    if b.is_const and a.is_bounded:
        c = b.min_value
        if a.min_value // c == a.max_value // c:
            return ConstIntBound(a.min_value % c, a.max_value % c)
    hi = POS_INF if b.max_value == POS_INF else b.max_value - 1
    if a.min_value >= 0:
        hi = min(hi, a.max_value)
    return ConstIntBound(0, hi)


def floormod(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``a % b`` (floor modulo, the sign of `b`; ``a % -c == -(-a % c)``)."""
    return _by_divisor_sign(
        a, b, _floormod_positive, lambda x, y: neg(_floormod_positive(neg(x), neg(y)))
    )


def _truncdiv_positive(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    # trunc(a / b) is floor on the non-negative part of a and -floor(-a / b) on the rest.
    parts = []
    if a.max_value >= 0:
        parts.append(_floordiv_positive(ConstIntBound(max(a.min_value, 0), a.max_value), b))
    if a.min_value <= 0:
        below = ConstIntBound(a.min_value, min(a.max_value, 0))
        parts.append(neg(_floordiv_positive(neg(below), b)))
    return parts[0] if len(parts) == 1 else parts[0].union(parts[1])


def truncdiv(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of C division (rounding toward zero; ``a / -c == -(a / c)``)."""
    return _by_divisor_sign(
        a, b, _truncdiv_positive, lambda x, y: neg(_truncdiv_positive(x, neg(y)))
    )


def truncmod(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of the C remainder: the sign of `a`, magnitude below ``|b|`` and at most ``|a|``."""
    if b.min_value == 0 and b.max_value == 0:
        return _EVERYTHING
    largest = max(abs(b.min_value), abs(b.max_value))
    limit = POS_INF if largest == POS_INF else largest - 1
    lo = 0 if a.min_value >= 0 else max(a.min_value, -limit)
    hi = 0 if a.max_value <= 0 else min(a.max_value, limit)
    return ConstIntBound(lo, hi)


def min_(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``min(a, b)``."""
    return ConstIntBound(min(a.min_value, b.min_value), min(a.max_value, b.max_value))


def max_(a: ConstIntBound, b: ConstIntBound) -> ConstIntBound:
    """Bound of ``max(a, b)``."""
    return ConstIntBound(max(a.min_value, b.min_value), max(a.max_value, b.max_value))
