"""Graph expressions: variables, constants, calls, tuples, shape and scalar values.

Every expression carries its struct info in a `struct_info` field. On a variable it is the
annotation, part of the binder and compared structurally. On every other expression it is
*derived* (by the constructor where local facts suffice, by normalization for calls and
control flow), so structural equality ignores it: a parsed and a built function compare equal
whether or not their calls were normalized yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..container import Map
from ..diagnostics import StructInfoError, TypeCheckError
from ..dtype import dtype
from ..module import GlobalVar
from ..node import Node
from ..tir import PrimExpr, const
from .struct_info import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
    shape_values,
)

if TYPE_CHECKING:
    from .registry import Op


def _set(node: Node, name: str, value: Any) -> None:
    object.__setattr__(node, name, value)


@dataclass(frozen=True, slots=True, eq=False)
class Expr(Node):
    """Base of graph expressions. `struct_info` is None until normalization fills it."""

    if TYPE_CHECKING:  # a field on each subclass: Var takes it positionally, others by keyword

        @property
        def struct_info(self) -> StructInfo | None:
            """What is known statically about the value."""


ArgExpr = Expr | GlobalVar
"""What a call may take as an argument: an expression, or a module function (``cls.f``)."""


def _check_arg(value: Any, what: str) -> None:
    if not isinstance(value, Expr | GlobalVar):
        raise TypeCheckError(f"{what} must be a graph expression, not {type(value).__name__}")


# ---------------------------------------------------------------------------------------------
# Variables


@dataclass(frozen=True, slots=True, eq=False)
class Var(Expr):
    """A variable bound by a function parameter or a binding; a binder (compared positionally).

    `struct_info` is its annotation. Script: its name; ``x: R.Tensor((n,), "float32")``.
    """

    _binder: ClassVar[bool] = True
    _ignored: ClassVar[tuple[str, ...]] = ("name_hint",)

    name_hint: str
    struct_info: StructInfo

    def __post_init__(self) -> None:
        if not isinstance(self.struct_info, StructInfo):
            raise TypeCheckError(
                f"variable {self.name_hint} needs a StructInfo annotation, not "
                f"{type(self.struct_info).__name__}",
                self.span,
            )


@dataclass(frozen=True, slots=True, eq=False)
class DataflowVar(Var):
    """A variable local to one dataflow block; it may not be used outside that block."""


# ---------------------------------------------------------------------------------------------
# Leaves with struct info derived from their fields


@dataclass(frozen=True, slots=True, eq=False)
class Constant(Expr):
    """A constant tensor (a read-only numpy array).

    Script: ``R.const(1.0, "float32")`` or ``metadata["relax.expr.Constant"][0]``.
    """

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    data: np.ndarray
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.data, np.ndarray):
            raise TypeCheckError(f"Constant holds a numpy array, not {type(self.data).__name__}")
        data = self.data
        if data.flags.writeable:
            data = data.copy()
            data.flags.writeable = False
            _set(self, "data", data)
        shape = tuple(const(int(d), "int64") for d in data.shape)
        _set(self, "struct_info", TensorStructInfo(ShapeExpr(shape), dtype(data.dtype)))


@dataclass(frozen=True, slots=True, eq=False)
class ShapeExpr(Expr):
    """A shape value: int64 sizes, possibly symbolic. Script: ``R.shape([n, 4])``."""

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    values: tuple[PrimExpr, ...]
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        values = shape_values(self.values)
        _set(self, "values", values)
        _set(self, "struct_info", ShapeStructInfo(values))


@dataclass(frozen=True, slots=True, eq=False)
class PrimValue(Expr):
    """A scalar value computed by a `tir` expression. Script: ``R.prim_value(n + 1)``."""

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    value: PrimExpr
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if isinstance(self.value, bool | int | float):
            _set(self, "value", const(self.value, "int64" if type(self.value) is int else None))
        if not isinstance(self.value, PrimExpr):
            raise TypeCheckError(f"PrimValue holds a PrimExpr, not {type(self.value).__name__}")
        _set(self, "struct_info", PrimStructInfo(self.value.dtype, self.value))


@dataclass(frozen=True, slots=True, eq=False)
class StringImm(Expr):
    """A string value, e.g. a packed function's argument. Script: ``R.str("text")``."""

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    value: str
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise TypeCheckError(f"StringImm holds a str, not {type(self.value).__name__}")
        _set(self, "struct_info", ObjectStructInfo())


@dataclass(frozen=True, slots=True, eq=False)
class ExternFunc(Expr):
    """A packed function found by name at run time (opaque, impure).

    Script: ``R.ExternFunc("name")``, or the string callee of ``R.call_packed``.
    """

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    global_symbol: str
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.global_symbol, str) or not self.global_symbol:
            raise TypeCheckError("ExternFunc needs a non-empty global symbol")
        _set(self, "struct_info", FuncStructInfo.opaque())


# ---------------------------------------------------------------------------------------------
# Compound expressions


@dataclass(frozen=True, slots=True, eq=False)
class Tuple(Expr):
    """A tuple of values. Script: ``(a, b)``."""

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    fields: tuple[ArgExpr, ...]
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _set(self, "fields", tuple(self.fields))
        for f in self.fields:
            _check_arg(f, "a tuple field")
        if self.struct_info is None:
            infos = [getattr(f, "struct_info", None) for f in self.fields]
            if all(i is not None for i in infos):
                _set(self, "struct_info", TupleStructInfo(tuple(i for i in infos if i is not None)))


@dataclass(frozen=True, slots=True, eq=False)
class TupleGetItem(Expr):
    """Field `index` of a tuple value. Script: ``t[0]``."""

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    tuple_value: ArgExpr
    index: int
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _check_arg(self.tuple_value, "the indexed value")
        if isinstance(self.index, bool) or not isinstance(self.index, int) or self.index < 0:
            raise TypeCheckError(f"a tuple index must be a non-negative int, not {self.index!r}")
        if self.struct_info is not None:
            return
        base = getattr(self.tuple_value, "struct_info", None)
        if isinstance(base, TupleStructInfo):
            if self.index >= len(base.fields):
                raise StructInfoError(
                    f"index {self.index} is out of range for a tuple of {len(base.fields)}",
                    self.span,
                )
            _set(self, "struct_info", base.fields[self.index])
        elif base is not None and not isinstance(base, ObjectStructInfo):
            raise StructInfoError(
                f"cannot index a value of {type(base).__name__}: it is not a tuple", self.span
            )


@dataclass(frozen=True, slots=True, eq=False)
class Call(Expr):
    """A call of a graph operator, a module function, an external function or a closure.

    `attrs` holds the operator's attributes by name (ints, floats, strings, dtypes, PrimExprs
    and tuples of those), checked against the op's schema when the call is built. `sinfo_args`
    carry struct info the callee cannot infer (``call_dps``'s outputs, ``call_packed``'s
    result). Script: ``R.add(x, y)``, ``cls.f(x)``, ``R.call_packed("f", x, sinfo_args=...)``.
    """

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    op: Op | GlobalVar | ExternFunc | Var
    args: tuple[ArgExpr, ...] = ()
    attrs: Map[str, Any] = field(default_factory=Map)
    sinfo_args: tuple[StructInfo, ...] = ()
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        from .registry import Op

        if not isinstance(self.op, Op | GlobalVar | ExternFunc | Var):
            raise TypeCheckError(
                "a call's callee must be an Op, a GlobalVar, an ExternFunc or a Var, not "
                f"{type(self.op).__name__}",
                self.span,
            )
        _set(self, "args", tuple(self.args))
        for a in self.args:
            _check_arg(a, "a call argument")
        if not isinstance(self.attrs, Map):
            _set(self, "attrs", Map(self.attrs))
        _set(self, "sinfo_args", tuple(self.sinfo_args))
        for s in self.sinfo_args:
            if not isinstance(s, StructInfo):
                raise TypeCheckError(f"sinfo_args must be StructInfo, not {type(s).__name__}")
