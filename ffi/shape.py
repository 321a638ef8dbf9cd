"""`Shape`: the runtime value of a tensor shape, passed across the ABI as one OBJECT handle.

The VM passes shapes between builtins constantly, so a Shape is an immutable tuple-like value
that Python code reads directly; its C view (`LoomShape` plus the dims array) is built the first
time it crosses into native code and then reused.
"""

from __future__ import annotations

import ctypes
import operator
from collections.abc import Iterable, Iterator
from typing import overload

from . import handles
from .abi import LoomShape, ObjectType
from .errors import FFIError

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


class Shape:
    """An immutable sequence of int64 dimensions; equal to a tuple of the same ints.

    ``Shape((2, 3))``; ``len(s)``, ``s[0]``, iteration, slicing (giving a tuple) and hashing work
    as for tuples.
    """

    __slots__ = ("__weakref__", "_c", "_dims")

    def __init__(self, dims: Iterable[int] = ()):
        try:
            values = tuple(operator.index(d) for d in dims)
        except TypeError:
            raise FFIError(f"a shape holds integers, got {dims!r}") from None
        for d in values:
            if not _I64_MIN <= d <= _I64_MAX:
                raise FFIError(f"shape dimension {d} does not fit in int64")
        self._dims = values
        self._c: ctypes.Array | None = None

    @property
    def dims(self) -> tuple[int, ...]:
        """The dimensions as a plain tuple."""
        return self._dims

    @property
    def handle(self) -> int:
        """The OBJECT handle: the address of this shape's `LoomShape` (built once)."""
        c = self._c
        if c is None:
            # One int64 buffer: the LoomShape header (type_index, ndim), the dims pointer, dims.
            n = len(self._dims)
            c = self._c = (ctypes.c_int64 * (2 + n))()
            address = ctypes.addressof(c)
            c[0:2] = [int(ObjectType.SHAPE) | n << 32, address + 16]
            c[2:] = list(self._dims)
            handles.register(address, self)
        return ctypes.addressof(c)

    @staticmethod
    def from_handle(address: int) -> Shape:
        """Copy a native `LoomShape` (one the runtime did not make) into a Shape."""
        view = LoomShape.from_address(address)
        if view.type_index != ObjectType.SHAPE or view.ndim < 0:
            raise FFIError(f"object handle {address:#x} is not a shape")
        return Shape(view.dims[i] for i in range(view.ndim))

    def __len__(self) -> int:
        return len(self._dims)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...
    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        return self._dims[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._dims)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Shape):
            return self._dims == other._dims
        if isinstance(other, tuple):
            return self._dims == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._dims)

    def __repr__(self) -> str:
        return f"Shape({', '.join(map(str, self._dims))})" if self._dims else "Shape()"
