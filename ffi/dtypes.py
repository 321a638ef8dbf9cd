"""Element types across the ABI: Loom's `DataType` to and from DLPack's ``DLDataType``."""

from __future__ import annotations

from functools import cache

from ..ir import DataType, LoomError, dtype
from .abi import DLDataTypeCode
from .errors import FFIError

_TO_DL = {
    "int": DLDataTypeCode.INT,
    "uint": DLDataTypeCode.UINT,
    "float": DLDataTypeCode.FLOAT,
    "bfloat": DLDataTypeCode.BFLOAT,
    "handle": DLDataTypeCode.OPAQUE_HANDLE,
}
_FROM_DL = {int(code): kind for kind, code in _TO_DL.items()}


@cache
def to_dl(dt: DataType) -> tuple[int, int, int]:
    """DLPack's (code, bits, lanes) for `dt`; bool is DLPack's 8-bit ``kDLBool``."""
    if dt.is_bool:
        return (int(DLDataTypeCode.BOOL), 8, dt.lanes)
    return (int(_TO_DL[dt.kind]), dt.bits, dt.lanes)


@cache
def from_dl(code: int, bits: int, lanes: int) -> DataType:
    """The `DataType` for DLPack's (code, bits, lanes); `FFIError` for types Loom lacks."""
    try:
        if code == DLDataTypeCode.BOOL and bits == 8:
            return DataType("bool", 1, lanes)
        return DataType(_FROM_DL[code], bits, lanes)
    except (KeyError, LoomError):
        raise FFIError(
            f"DLPack element type (code={code}, bits={bits}, lanes={lanes}) has no Loom dtype"
        ) from None


def pack_dtype(dt: DataType) -> int:
    """The DTYPE payload: a ``DLDataType`` in the low 4 bytes of an int64."""
    code, bits, lanes = to_dl(dt)
    return code | (bits << 8) | (lanes << 16)


def unpack_dtype(value: int) -> DataType:
    """Inverse of `pack_dtype`."""
    return from_dl(value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFFFF)


def array_dtype(value: object) -> DataType:
    """The scalar `DataType` for a dtype spelling an NDArray can hold (no vectors, no handles)."""
    try:
        dt = dtype(value)  # type: ignore[arg-type]
    except (LoomError, TypeError) as err:
        raise FFIError(f"unsupported array dtype {value!r}: {err}") from None
    if dt.lanes != 1 or dt.is_handle:
        raise FFIError(f"an NDArray holds scalar numeric or bool elements, not {dt}")
    return dt
