"""`te` building blocks the operator legalizations share: casts, guarded and broadcast reads.

Legalizations write each op as a `te` program over placeholders whose shapes may be symbolic;
these helpers keep such programs short and keep every read in bounds (a read that may fall
outside its tensor, e.g. in the padding of a convolution, is guarded by ``if_then_else``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...dtype import DataType
from ...tir import PrimExpr, all_, const, if_then_else
from ...tir.arith import Analyzer
from ...tir.te import Tensor
from .lowering import broadcast_index


def simplify(expr: PrimExpr) -> PrimExpr:
    """`expr` simplified (te shapes read better, and loops get constant extents)."""
    return Analyzer().simplify(expr)


def fconst(value: float, t: DataType) -> PrimExpr:
    """The float constant `value` of dtype `t`."""
    return const(float(value), t)


def in_range(index: PrimExpr, extent: PrimExpr) -> PrimExpr:
    """``0 <= index < extent``."""
    return all_(index >= 0, index < extent)


def guarded(conds: Sequence[PrimExpr], value: PrimExpr, otherwise: PrimExpr) -> PrimExpr:
    """`value` where every condition holds, else `otherwise`; `value` is only evaluated then."""
    if not conds:
        return value
    return if_then_else(all_(*conds), value, otherwise)


def broadcast_read(
    tensor: Tensor, out_shape: Sequence[PrimExpr], out_index: Sequence[PrimExpr]
) -> PrimExpr:
    """Read `tensor` at the point `out_index` of a result it broadcasts to (numpy rules).

    Dimensions align on the right. A dimension of size 1 reads index 0; one equal to the
    result's reads the result index; one that may be either (symbolic) chooses at run time.
    """
    return tensor[broadcast_index(tensor, out_index, out_shape, Analyzer())]


def layout_index(layout: str, **axes: PrimExpr) -> tuple[PrimExpr, ...]:
    """The index tuple of a tensor in `layout` (e.g. ``"NHWC"``) from one index per letter."""
    return tuple(axes[letter] for letter in layout)


def layout_dims(layout: str, shape: Sequence[PrimExpr]) -> dict[str, PrimExpr]:
    """The sizes of a tensor in `layout`, by axis letter."""
    return dict(zip(layout, shape, strict=True))


def count(shape: Sequence[PrimExpr], axes: Sequence[int]) -> PrimExpr:
    """The number of elements over `axes` of `shape` (an int64 expression)."""
    total: PrimExpr = const(1, "int64")
    for axis in axes:
        total = total * shape[axis]
    return simplify(total)
