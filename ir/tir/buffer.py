"""Buffers: typed, shaped views of memory that loads, stores and regions refer to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..diagnostics import TypeCheckError
from ..dtype import DataType, dtype
from ..node import Node
from .expr import BufferLoad, IntImm, PrimExpr, Var, convert


@dataclass(frozen=True, slots=True, eq=False)
class Buffer(Node):
    """A multi-dimensional view of the memory behind `data`; a binder (compared positionally).

    Element ``A[i0, ..., ik]`` lives at ``elem_offset + sum(i_d * stride_d)`` elements from
    `data`; empty `strides` means row-major compact. Script: ``T.Buffer((n, 4), "float32")``.
    """

    _binder: ClassVar[bool] = True
    _ignored: ClassVar[tuple[str, ...]] = ("name",)

    name: str
    shape: tuple[PrimExpr, ...]
    dtype: DataType
    data: Var
    strides: tuple[PrimExpr, ...] = ()
    elem_offset: PrimExpr = field(default=None)  # type: ignore[assignment]
    scope: str = "global"
    align: int = 64
    offset_factor: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", dtype(self.dtype))
        object.__setattr__(self, "shape", tuple(convert(s) for s in self.shape))
        object.__setattr__(self, "strides", tuple(convert(s) for s in self.strides))
        for extent in (*self.shape, *self.strides):
            if not extent.dtype.is_integer or not extent.dtype.is_scalar:
                raise TypeCheckError(f"buffer {self.name} has a non-integer extent {extent}")
        if self.strides and len(self.strides) != len(self.shape):
            raise TypeCheckError(f"buffer {self.name} needs one stride per dimension")
        if self.elem_offset is None:
            object.__setattr__(self, "elem_offset", IntImm(self.index_dtype, 0))
        if not self.data.dtype.is_handle:
            raise TypeCheckError(f"buffer {self.name} data must be a handle variable")

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    @property
    def index_dtype(self) -> DataType:
        """The integer type of indices into this buffer (int64 if any extent is int64)."""
        wide = any(e.dtype.bits == 64 for e in self.shape)
        return dtype("int64" if wide else "int32")

    def load(self, indices: tuple[Any, ...] | list[Any], span: Any = None) -> BufferLoad:
        """``self[indices]`` as an expression."""
        return BufferLoad(self, tuple(convert(i) for i in indices), span=span)

    def __getitem__(self, indices: Any) -> BufferLoad:
        if not isinstance(indices, tuple):
            indices = (indices,)
        return self.load(indices)

    # __getitem__ accepts any index, so Python's fallback iteration would never end.
    __iter__ = None

    def __str__(self) -> str:
        return self.name


def decl_buffer(
    shape: tuple[Any, ...] | list[Any],
    dtype_: str | DataType = "float32",
    name: str = "buffer",
    *,
    data: Var | None = None,
    strides: tuple[Any, ...] | list[Any] = (),
    elem_offset: PrimExpr | int | None = None,
    scope: str = "global",
    align: int = 64,
    offset_factor: int = 1,
    span: Any = None,
) -> Buffer:
    """Declare a buffer, making a fresh data variable unless one is given."""
    if data is None:
        data = Var(name, "handle")
    offset = None if elem_offset is None else convert(elem_offset)
    return Buffer(
        name,
        tuple(shape),
        dtype(dtype_),
        data,
        tuple(strides),
        offset,
        scope,
        align,
        offset_factor,
        span=span,
    )
