"""Loom dtypes as LLVM types: how each value lives in registers and in memory.

In registers: bool is ``i1``, integers ``iN``, float16 ``half``, float32/64 ``float``/``double``,
handles ``ptr``, vectors ``<lanes x T>``. bfloat16 computes in ``float`` holding a value that is
exactly a bfloat16 (every operation rounds its result back). In memory bool takes a byte (as
DLPack's ``kDLBool``) and bfloat16 its 16 bits (``i16``).
"""

from __future__ import annotations

import math

from llvmlite import ir

from loom.ir import DataType

I1, I8, I16, I32, I64 = (ir.IntType(n) for n in (1, 8, 16, 32, 64))
HALF, FLOAT, DOUBLE = ir.HalfType(), ir.FloatType(), ir.DoubleType()
PTR = ir.PointerType()
VOID = ir.VoidType()


def _scalar_value_type(t: DataType) -> ir.Type:
    if t.is_bool:
        return I1
    if t.is_integer:
        return ir.IntType(t.bits)
    if t.kind == "bfloat":
        return FLOAT
    if t.is_float:
        return {16: HALF, 32: FLOAT, 64: DOUBLE}[t.bits]
    return PTR


def value_type(t: DataType) -> ir.Type:
    """The register type of values of `t`."""
    scalar = _scalar_value_type(t.element)
    return scalar if t.lanes == 1 else ir.VectorType(scalar, t.lanes)


def storage_type(t: DataType) -> ir.Type:
    """The in-memory type of elements of `t` (vectors: `lanes` consecutive elements)."""
    if t.element.is_bool:
        scalar = I8
    elif t.element.kind == "bfloat":
        scalar = I16
    else:
        scalar = _scalar_value_type(t.element)
    return scalar if t.lanes == 1 else ir.VectorType(scalar, t.lanes)


def lanes_of(t: ir.Type, lanes: int) -> ir.Type:
    """`t` widened to `lanes` lanes (`t` itself for one lane)."""
    return t if lanes == 1 else ir.VectorType(t, lanes)


def splat(value: ir.Constant, lanes: int) -> ir.Constant:
    """A constant vector with `value` in every lane (`value` itself for one lane)."""
    if lanes == 1:
        return value
    return ir.Constant(ir.VectorType(value.type, lanes), [value] * lanes)


def constant(t: DataType, value: int | float) -> ir.Constant:
    """The constant `value` of dtype `t` (splatted for vectors)."""
    element = t.element
    ty = _scalar_value_type(element)
    if element.is_float:
        number = float(value)
        if element.kind == "bfloat":
            number = round_to_bfloat16(number)
        scalar = ir.Constant(ty, number)
    elif element.is_bool:
        scalar = ir.Constant(ty, 1 if value else 0)
    else:
        scalar = ir.Constant(ty, int(value) & ((1 << element.bits) - 1))
    return splat(scalar, t.lanes)


def round_to_bfloat16(number: float) -> float:
    """`number` rounded to the nearest bfloat16, as a Python float."""
    if not math.isfinite(number):
        return number
    import ml_dtypes
    import numpy as np

    return float(np.float32(number).astype(ml_dtypes.bfloat16).astype(np.float32))


def bf16_round(b: ir.IRBuilder, value: ir.Value) -> ir.Value:
    """Round float lanes to the nearest bfloat16 (ties to even), keeping NaN a quiet NaN."""
    lanes = value.type.count if isinstance(value.type, ir.VectorType) else 1
    i32 = lanes_of(I32, lanes)
    bits = b.bitcast(value, i32)
    odd = b.and_(
        b.lshr(bits, splat(ir.Constant(I32, 16), lanes)), splat(ir.Constant(I32, 1), lanes)
    )
    biased = b.add(b.add(bits, splat(ir.Constant(I32, 0x7FFF), lanes)), odd)
    quiet = b.or_(bits, splat(ir.Constant(I32, 0x00400000), lanes))
    is_nan = b.fcmp_unordered("uno", value, value)
    chosen = b.select(is_nan, quiet, biased)
    masked = b.and_(chosen, splat(ir.Constant(I32, 0xFFFF0000), lanes))
    return b.bitcast(masked, value.type)


def to_storage(b: ir.IRBuilder, value: ir.Value, t: DataType) -> ir.Value:
    """Convert a register value of dtype `t` to its in-memory form."""
    element = t.element
    if element.is_bool:
        return b.zext(value, storage_type(t))
    if element.kind == "bfloat":
        bits = b.bitcast(value, lanes_of(I32, t.lanes))
        return b.trunc(b.lshr(bits, splat(ir.Constant(I32, 16), t.lanes)), storage_type(t))
    return value


def from_storage(b: ir.IRBuilder, raw: ir.Value, t: DataType) -> ir.Value:
    """Convert an in-memory value of dtype `t` to its register form."""
    element = t.element
    if element.is_bool:
        return b.icmp_unsigned("!=", raw, ir.Constant(raw.type, None))
    if element.kind == "bfloat":
        wide = b.shl(b.zext(raw, lanes_of(I32, t.lanes)), splat(ir.Constant(I32, 16), t.lanes))
        return b.bitcast(wide, value_type(t))
    return raw
