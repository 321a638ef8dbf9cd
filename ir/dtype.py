"""Element types shared by every IR layer: ``float32``, ``int64``, ``bool``, ``float32x8`` ..."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import ml_dtypes
import numpy as np

from .diagnostics import LoomError

_KINDS = ("int", "uint", "float", "bfloat", "bool", "handle")
_BITS = {
    "int": (8, 16, 32, 64),
    "uint": (8, 16, 32, 64),
    "float": (16, 32, 64),
    "bfloat": (16,),
    "bool": (1,),
    "handle": (64,),
}
_PATTERN = re.compile(r"^(int|uint|float|bfloat|bool|handle)(\d*)(?:x(\d+))?$")


@dataclass(frozen=True, slots=True)
class DataType:
    """A scalar or vector element type: a kind, a bit width and a lane count.

    Compared by value. ``DataType.parse("float32x8")`` reads the script spelling; ``str()``
    writes it back.
    """

    kind: str
    bits: int
    lanes: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _KINDS or self.bits not in _BITS[self.kind] or self.lanes < 1:
            raise LoomError(
                f"invalid data type: kind={self.kind} bits={self.bits} lanes={self.lanes}"
            )

    @staticmethod
    def parse(text: str) -> DataType:
        """Read a dtype string such as ``"int32"``, ``"bool"``, ``"float16x4"``."""
        return _parse(text)

    def __str__(self) -> str:
        base = self.kind if self.kind in ("bool", "handle") else f"{self.kind}{self.bits}"
        return base if self.lanes == 1 else f"{base}x{self.lanes}"

    def __repr__(self) -> str:
        return f"DataType({str(self)!r})"

    @property
    def is_int(self) -> bool:
        """Signed integer."""
        return self.kind == "int"

    @property
    def is_uint(self) -> bool:
        """Unsigned integer."""
        return self.kind == "uint"

    @property
    def is_integer(self) -> bool:
        """Signed or unsigned integer (not bool)."""
        return self.kind in ("int", "uint")

    @property
    def is_float(self) -> bool:
        """IEEE float or bfloat16."""
        return self.kind in ("float", "bfloat")

    @property
    def is_bool(self) -> bool:
        """Boolean."""
        return self.kind == "bool"

    @property
    def is_handle(self) -> bool:
        """Opaque pointer."""
        return self.kind == "handle"

    @property
    def is_scalar(self) -> bool:
        """One lane."""
        return self.lanes == 1

    @property
    def is_vector(self) -> bool:
        """More than one lane."""
        return self.lanes > 1

    @property
    def element(self) -> DataType:
        """The one-lane type of each element."""
        return self if self.lanes == 1 else DataType(self.kind, self.bits)

    def with_lanes(self, lanes: int) -> DataType:
        """The same element type with `lanes` lanes."""
        return DataType(self.kind, self.bits, lanes)

    @property
    def bytes(self) -> int:
        """Storage size of one element of one lane, in bytes (bool takes one)."""
        return max(1, self.bits // 8)

    @property
    def numpy(self) -> np.dtype:
        """The numpy dtype of one lane (bfloat16 from ml_dtypes)."""
        if self.kind == "handle":
            raise LoomError("a handle has no numpy dtype")
        if self.kind == "bool":
            return np.dtype(np.bool_)
        if self.kind == "bfloat":
            return np.dtype(ml_dtypes.bfloat16)
        return np.dtype(f"{self.kind}{self.bits}")

    def min_value(self) -> int | float:
        """The smallest finite value of the element type."""
        if self.is_bool:
            return 0
        info = np.iinfo(self.numpy) if self.is_integer else ml_dtypes.finfo(self.numpy)
        return int(info.min) if self.is_integer else float(info.min)

    def max_value(self) -> int | float:
        """The largest finite value of the element type."""
        if self.is_bool:
            return 1
        info = np.iinfo(self.numpy) if self.is_integer else ml_dtypes.finfo(self.numpy)
        return int(info.max) if self.is_integer else float(info.max)


@cache
def _parse(text: str) -> DataType:
    match = _PATTERN.match(text)
    if not match:
        raise LoomError(f"unknown data type {text!r}")
    kind, bits, lanes = match.groups()
    default_bits = {"bool": 1, "handle": 64}.get(kind)
    if bits and default_bits is not None:
        raise LoomError(f"unknown data type {text!r}")
    if not bits and default_bits is None:
        raise LoomError(f"unknown data type {text!r}: give a bit width, e.g. {kind}32")
    try:
        return DataType(kind, int(bits) if bits else default_bits, int(lanes) if lanes else 1)
    except LoomError:
        raise LoomError(f"unknown data type {text!r}") from None


def dtype(value: str | DataType | np.dtype | type) -> DataType:
    """Convert a dtype spelling (string, numpy dtype or type, DataType) to a `DataType`."""
    if isinstance(value, DataType):
        return value
    if isinstance(value, str):
        return _parse(value)
    if value is None or isinstance(value, int | float):  # numpy reads None as float64
        raise LoomError(f"not a data type: {value!r}")
    try:
        np_dtype = np.dtype(value)
    except TypeError:
        raise LoomError(f"not a data type: {value!r}") from None
    if np_dtype == np.dtype(ml_dtypes.bfloat16):
        return _parse("bfloat16")
    if np_dtype == np.bool_:
        return _parse("bool")
    return _parse(np_dtype.name)


bool_ = dtype("bool")
int32 = dtype("int32")
int64 = dtype("int64")
float32 = dtype("float32")
handle = dtype("handle")
