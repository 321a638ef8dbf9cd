"""Struct info: what the graph layer knows statically about a value (kind, dtype, shape).

Shapes are tuples of int64 `tir` expressions; a symbolic size is a `tir.Var` shared with the
prim_funcs. Unknown parts are spelled ``None`` (a dtype, a shape) or ``-1`` (a rank).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..diagnostics import TypeCheckError
from ..dtype import DataType, dtype
from ..node import Node
from ..tir import PrimExpr

if TYPE_CHECKING:
    from .expr import ShapeExpr, Var


def _set(node: Node, name: str, value: Any) -> None:
    object.__setattr__(node, name, value)


@dataclass(frozen=True, slots=True, eq=False)
class StructInfo(Node):
    """Base of every struct info. Struct info is compared field by field (no binders)."""


@dataclass(frozen=True, slots=True, eq=False)
class ObjectStructInfo(StructInfo):
    """Any value at all; the base of every other struct info. Script: ``R.Object``."""


@dataclass(frozen=True, slots=True, eq=False)
class PrimStructInfo(StructInfo):
    """A scalar of `dtype` (None: unknown), known to equal `value` when that is given.

    Script: ``R.Prim("int64")``, ``R.Prim(value=n)``.
    """

    dtype: DataType | None = None
    value: PrimExpr | None = None

    def __post_init__(self) -> None:
        if self.dtype is not None:
            _set(self, "dtype", dtype(self.dtype))
        if self.value is not None:
            if not isinstance(self.value, PrimExpr):
                raise TypeCheckError(f"PrimStructInfo value must be a PrimExpr, not {self.value!r}")
            if self.dtype is None:
                _set(self, "dtype", self.value.dtype)
            elif self.value.dtype != self.dtype:
                raise TypeCheckError(
                    f"PrimStructInfo of {self.dtype} cannot hold a {self.value.dtype} value"
                )


def shape_values(values: Any) -> tuple[PrimExpr, ...]:
    """Convert a sequence of ints and integer PrimExprs to int64 shape values."""
    from ..tir import const

    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | PrimExpr):
            raise TypeCheckError(f"a shape value must be an int or an int64 PrimExpr, not {v!r}")
        if isinstance(v, int):
            v = const(v, "int64")
        if v.dtype != dtype("int64"):
            raise TypeCheckError(f"shape value {v} must be int64, not {v.dtype}")
        out.append(v)
    return tuple(out)


@dataclass(frozen=True, slots=True, eq=False)
class ShapeStructInfo(StructInfo):
    """A shape value: `values` when known, else only its rank `ndim` (-1: unknown).

    Script: ``R.Shape((n, 4))``, ``R.Shape(ndim=2)``, ``R.Shape()``.
    """

    values: tuple[PrimExpr, ...] | None = None
    ndim: int = -1

    def __post_init__(self) -> None:
        if self.values is not None:
            values = shape_values(self.values)
            if self.ndim not in (-1, len(values)):
                raise TypeCheckError(
                    f"ShapeStructInfo has {len(values)} values but ndim {self.ndim}"
                )
            _set(self, "values", values)
            _set(self, "ndim", len(values))
        elif self.ndim < -1:
            raise TypeCheckError(f"ndim must be -1 (unknown) or non-negative, not {self.ndim}")


@dataclass(frozen=True, slots=True, eq=False)
class TensorStructInfo(StructInfo):
    """A tensor of `dtype` (None: unknown) and `shape`, with rank `ndim` (-1: unknown).

    `shape` is a `ShapeExpr` of sizes, a variable holding a shape, or None (unknown).

    A tuple of ints and PrimExprs converts to a `ShapeExpr`. Script:
    ``R.Tensor((n, 4), "float32")``, ``R.Tensor(ndim=2)``, ``R.Tensor(s, "float32")``.
    """

    shape: ShapeExpr | Var | None = None
    dtype: DataType | None = None
    ndim: int = -1

    def __post_init__(self) -> None:
        from .expr import ShapeExpr, Var

        if self.dtype is not None:
            _set(self, "dtype", dtype(self.dtype))
        shape = self.shape
        if isinstance(shape, tuple | list):
            shape = ShapeExpr(tuple(shape))
            _set(self, "shape", shape)
        if shape is None:
            rank = -1
        elif isinstance(shape, ShapeExpr):
            rank = len(shape.values)
        elif isinstance(shape, Var) and isinstance(shape.struct_info, ShapeStructInfo):
            rank = shape.struct_info.ndim
        else:
            raise TypeCheckError(
                f"a tensor shape must be a ShapeExpr or a shape variable, not {shape!r}"
            )
        if rank != -1 and self.ndim not in (-1, rank):
            raise TypeCheckError(f"tensor shape has rank {rank} but ndim is {self.ndim}")
        if self.ndim < -1:
            raise TypeCheckError(f"ndim must be -1 (unknown) or non-negative, not {self.ndim}")
        if rank != -1:
            _set(self, "ndim", rank)

    @property
    def values(self) -> tuple[PrimExpr, ...] | None:
        """The sizes, when the shape is a known `ShapeExpr`."""
        from .expr import ShapeExpr

        return self.shape.values if isinstance(self.shape, ShapeExpr) else None


@dataclass(frozen=True, slots=True, eq=False)
class TupleStructInfo(StructInfo):
    """A tuple whose fields have the given struct infos. Script: ``R.Tuple(R.Tensor, R.Shape)``."""

    fields: tuple[StructInfo, ...]

    def __post_init__(self) -> None:
        _set(self, "fields", tuple(self.fields))
        for f in self.fields:
            if not isinstance(f, StructInfo):
                raise TypeCheckError(f"a tuple field's struct info must be StructInfo, not {f!r}")


@dataclass(frozen=True, slots=True, eq=False)
class FuncStructInfo(StructInfo):
    """A callable: `params` (None: opaque, any arguments), result `ret`, and whether it is pure.

    Script: ``R.Callable((R.Tensor,), R.Tensor, purity=True)``.
    """

    params: tuple[StructInfo, ...] | None
    ret: StructInfo
    purity: bool = True

    def __post_init__(self) -> None:
        if self.params is not None:
            _set(self, "params", tuple(self.params))
            for p in self.params:
                if not isinstance(p, StructInfo):
                    raise TypeCheckError(f"a parameter struct info must be StructInfo, not {p!r}")
        if not isinstance(self.ret, StructInfo):
            raise TypeCheckError(f"a return struct info must be StructInfo, not {self.ret!r}")

    @staticmethod
    def opaque(ret: StructInfo | None = None, purity: bool = False) -> FuncStructInfo:
        """A callable taking anything, e.g. an external packed function."""
        return FuncStructInfo(None, ret or ObjectStructInfo(), purity)
