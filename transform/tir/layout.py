"""Buffer layout arithmetic shared by the lowering passes: strides, element offsets, extents.

Element ``B[i0, ..., ik]`` lives ``elem_offset + sum(i_d * stride_d)`` elements past ``B.data``
(`Buffer`'s contract); these helpers build those expressions as IR.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from loom.ir import DataType
from loom.ir.tir import Buffer, Cast, IntImm, PrimExpr, max_
from loom.ir.tir.arith import Analyzer


def strides_of(buffer: Buffer) -> tuple[PrimExpr, ...]:
    """The buffer's strides in elements: declared ones, or row-major compact ones."""
    if buffer.strides:
        return buffer.strides
    strides: list[PrimExpr] = []
    step: PrimExpr = IntImm(buffer.index_dtype, 1)
    for extent in reversed(buffer.shape):
        strides.append(step)
        step = _mul(step, extent)
    return tuple(reversed(strides))


def is_flat(buffer: Buffer) -> bool:
    """Whether `buffer` is flat: rank 1, no strides, elem_offset 0 (its index is the offset)."""
    return buffer.ndim == 1 and not buffer.strides and _is_zero(buffer.elem_offset)


def flat_extent(buffer: Buffer, analyzer: Analyzer | None = None) -> PrimExpr:
    """Elements from the data pointer that cover every element of the buffer.

    ``elem_offset + prod(shape)`` when compact; with strides, the offset of the last element
    plus one (never negative: an empty buffer covers nothing).
    """
    analyzer = analyzer or Analyzer()
    if not buffer.strides:
        one: PrimExpr = IntImm(buffer.index_dtype, 1)
        size = reduce(_mul, buffer.shape, one)
    else:
        last: PrimExpr = IntImm(buffer.index_dtype, 1)
        for extent, stride in zip(buffer.shape, buffer.strides):
            last = last + (extent - 1) * stride
        size = max_(last, IntImm(last.dtype, 0))
    return analyzer.simplify(_add(buffer.elem_offset, size))


def flat_index(buffer: Buffer, indices: Sequence[PrimExpr]) -> PrimExpr:
    """``elem_offset + sum(i_d * stride_d)``, in the widest integer type of the parts.

    Unit strides and zero offsets are left out, so a compact buffer's index reads as written
    (``i * 64 + j``); vector (`Ramp`) indices stay vectors.
    """
    terms = [_mul(index, stride) for index, stride in zip(indices, strides_of(buffer))]
    return reduce(_add, terms, buffer.elem_offset)


def _is_zero(expr: PrimExpr) -> bool:
    return isinstance(expr, IntImm) and expr.value == 0


def _is_one(expr: PrimExpr) -> bool:
    return isinstance(expr, IntImm) and expr.value == 1


def _widen(a: PrimExpr, b: PrimExpr) -> tuple[PrimExpr, PrimExpr]:
    """Bring two integer expressions to the wider element type (constants stay constants)."""
    bits = max(a.dtype.bits, b.dtype.bits)
    return _to_bits(a, bits), _to_bits(b, bits)


def _to_bits(expr: PrimExpr, bits: int) -> PrimExpr:
    if expr.dtype.bits == bits:
        return expr
    target = DataType(expr.dtype.kind, bits, expr.dtype.lanes)
    if isinstance(expr, IntImm):
        return IntImm(target, expr.value)
    return Cast(target, expr)


def _mul(a: PrimExpr, b: PrimExpr) -> PrimExpr:
    a, b = _widen(a, b)
    if _is_one(b):
        return a
    if _is_one(a):
        return b
    return a * b


def _add(a: PrimExpr, b: PrimExpr) -> PrimExpr:
    a, b = _widen(a, b)
    if _is_zero(a):
        return b
    if _is_zero(b):
        return a
    return a + b
