"""te tensors: named, shaped values made by a placeholder (an input) or a compute stage.

Each tensor owns the `Buffer` that `create_prim_func` will use for it, so ``A[i, j]`` is an
ordinary `BufferLoad` and a compute body is ordinary TIR over those buffers.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...diagnostics import LoomError
from ...dtype import DataType, dtype
from ..buffer import Buffer, decl_buffer
from ..expr import BufferLoad, IntImm, PrimExpr, SizeVar, Var, convert

if TYPE_CHECKING:
    from .reduce import Reduction


class TeError(LoomError):
    """A tensor-expression program is malformed (bad shape, unknown input, stray axis)."""


@dataclass(frozen=True, eq=False)
class Placeholder:
    """The operation of an input tensor: the caller provides its values."""


@dataclass(frozen=True, eq=False)
class Compute:
    """The operation of a compute tensor: ``out[axis] = body`` for every point of its shape.

    `axis` holds one variable per output dimension; `body` uses them (and, for a reduction,
    the reduction's axes). `inputs` are the tensors `body` reads, in order of first read.
    """

    axis: tuple[Var, ...]
    body: PrimExpr | Reduction
    inputs: tuple[Tensor, ...]


class Tensor:
    """A te tensor. ``A[i, j]`` reads it; `shape`, `dtype` and `name` describe it."""

    __slots__ = ("__weakref__", "buffer", "op")

    def __init__(self, buffer: Buffer, op: Placeholder | Compute):
        self.buffer = buffer
        self.op = op
        _OWNERS[id(buffer)] = self

    @property
    def shape(self) -> tuple[PrimExpr, ...]:
        """The extents, one per dimension."""
        return self.buffer.shape

    @property
    def dtype(self) -> DataType:
        """The element type."""
        return self.buffer.dtype

    @property
    def name(self) -> str:
        """The name of the tensor and of its buffer and stage."""
        return self.buffer.name

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.buffer.ndim

    def __getitem__(self, indices: Any) -> BufferLoad:
        if not isinstance(indices, tuple):
            indices = (indices,)
        if len(indices) != self.ndim:
            raise TeError(
                f"tensor {self.name} has {self.ndim} dimensions but is indexed with "
                f"{len(indices)} indices"
            )
        return self.buffer.load(indices)

    def __repr__(self) -> str:
        kind = "placeholder" if isinstance(self.op, Placeholder) else "compute"
        return f"Tensor({self.name}, {kind}, dtype={self.dtype})"


# Tensors by the identity of their buffer, to find the tensors a compute body reads. Weak, so
# a tensor lives exactly as long as the user (or a consumer's `inputs`) keeps it.
_OWNERS: weakref.WeakValueDictionary[int, Tensor] = weakref.WeakValueDictionary()


def tensor_of(buffer: Buffer) -> Tensor | None:
    """The tensor that owns `buffer`, if any."""
    owner = _OWNERS.get(id(buffer))
    return owner if owner is not None and owner.buffer is buffer else None


def normalize_shape(shape: Any, what: str) -> tuple[PrimExpr, ...]:
    """A shape as integer expressions: Python ints become int32, or int64 beside int64 extents."""
    if isinstance(shape, int | PrimExpr):
        shape = (shape,)
    if not isinstance(shape, Sequence):
        raise TeError(f"the shape of {what} must be a tuple of extents, not {shape!r}")
    wide = any(isinstance(e, PrimExpr) and e.dtype.bits == 64 for e in shape)
    extents = []
    for extent in shape:
        if isinstance(extent, bool) or not isinstance(extent, int | PrimExpr):
            raise TeError(f"the shape of {what} has a non-integer extent {extent!r}")
        if isinstance(extent, int):
            if extent < 0:
                raise TeError(f"the shape of {what} has a negative extent {extent}")
            extent = IntImm(dtype("int64" if wide else "int32"), extent)
        if not extent.dtype.is_integer or not extent.dtype.is_scalar:
            raise TeError(f"the shape of {what} has an extent of dtype {extent.dtype}")
        extents.append(convert(extent))
    return tuple(extents)


def placeholder(shape: Any, dtype: str | DataType = "float32", name: str = "A") -> Tensor:
    """An input tensor of `shape` (ints or integer variables) and `dtype`."""
    return Tensor(
        decl_buffer(normalize_shape(shape, name), _dtype(dtype, name), name), Placeholder()
    )


def var(name: str = "v", dtype: str | DataType = "int32") -> Var:
    """A scalar variable: a symbolic size or a scalar parameter."""
    return Var(name, _dtype(dtype, name))


def size_var(name: str = "n", dtype: str | DataType = "int32") -> SizeVar:
    """A symbolic size, known to be non-negative."""
    return SizeVar(name, _dtype(dtype, name))


def _dtype(value: str | DataType, what: str) -> DataType:
    t = dtype(value)
    if t.is_handle or t.is_vector:
        raise TeError(f"{what} needs a scalar element type, not {t}")
    return t
