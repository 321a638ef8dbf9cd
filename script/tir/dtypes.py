"""``T.int32``, ``T.float32``, ...: dtype annotations that also build variables and constants."""

from __future__ import annotations

from loom.ir import DataType, LoomError

from ..parser.construct import DTypeConstructor

int8 = DTypeConstructor("int8")
int16 = DTypeConstructor("int16")
int32 = DTypeConstructor("int32")
int64 = DTypeConstructor("int64")
uint8 = DTypeConstructor("uint8")
uint16 = DTypeConstructor("uint16")
uint32 = DTypeConstructor("uint32")
uint64 = DTypeConstructor("uint64")
float16 = DTypeConstructor("float16")
float32 = DTypeConstructor("float32")
float64 = DTypeConstructor("float64")
bfloat16 = DTypeConstructor("bfloat16")
bool = DTypeConstructor("bool")
handle = DTypeConstructor("handle")

DTYPE_NAMES = (
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "bfloat16", "bool", "handle",
)  # fmt: skip


def vector_dtype(name: str) -> DTypeConstructor:
    """``T.float32x4`` and other spellings `DataType.parse` reads."""
    try:
        return DTypeConstructor(DataType.parse(name))
    except LoomError:
        raise AttributeError(name) from None
