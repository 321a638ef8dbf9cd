"""Reductions in te: reduce axes, commutative reducers (sum, max, min) and their results.

A reducer combines an accumulator with each value of the reduced expression, starting from
its identity; `create_prim_func` turns a `Reduction` into a block whose `init` stores the
identity and whose body stores ``combine(out[...], value)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...dtype import DataType
from ..expr import IntImm, Max, Min, PrimExpr, Var, binary, const, convert
from ..stmt import Range
from .tensor import TeError


@dataclass(frozen=True, slots=True, eq=False)
class ReduceAxis(Var):
    """A reduction variable carrying its domain; use it in expressions like any `Var`.

    Only te authoring sees these: `create_prim_func` replaces each with a block iteration
    variable, so a produced prim_func holds plain `Var` nodes.
    """

    dom: Range = field(default=None, kw_only=True)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        Var.__post_init__(self)
        if not isinstance(self.dom, Range):
            raise TeError(f"reduce axis {self.name_hint} needs a Range domain")

    @property
    def var(self) -> Var:
        """The axis itself (TVM spells the variable of an IterVar ``k.var``)."""
        return self


def reduce_axis(dom: Any, name: str = "k") -> ReduceAxis:
    """A reduction axis over ``range(lo, hi)`` given as ``(lo, hi)``, or ``range(extent)``."""
    if isinstance(dom, Range):
        low, extent = dom.min, dom.extent
    elif isinstance(dom, tuple | list):
        if len(dom) != 2:
            raise TeError(f"reduce axis {name}: give (lo, hi) or an extent, not {dom!r}")
        low = convert(dom[0], _index_like(dom))
        extent = _span(low, convert(dom[1], low.dtype))
    else:
        extent = convert(dom)
        low = convert(0, extent.dtype)
    for bound in (low, extent):
        if not bound.dtype.is_integer or not bound.dtype.is_scalar:
            raise TeError(f"reduce axis {name}: bounds must be integers, not {bound.dtype}")
    if low.dtype != extent.dtype:
        raise TeError(f"reduce axis {name}: bounds differ in dtype ({low.dtype}, {extent.dtype})")
    return ReduceAxis(name, low.dtype, dom=Range(low, extent))


def _span(low: PrimExpr, high: PrimExpr) -> PrimExpr:
    """``high - low``, folded when the bounds are constants (or low is 0)."""
    if isinstance(low, IntImm) and isinstance(high, IntImm):
        return IntImm(low.dtype, high.value - low.value)
    if isinstance(low, IntImm) and low.value == 0:
        return high
    return high - low


def _index_like(bounds: Sequence[Any]) -> DataType | None:
    typed = [b.dtype for b in bounds if isinstance(b, PrimExpr)]
    return typed[0] if typed else None


@dataclass(frozen=True, eq=False)
class Reduction:
    """The result of a reducer: `source` combined over `axis` by `reducer`.

    Not an expression: it must be the whole body of a compute (combine stages instead).
    """

    reducer: Reducer
    source: PrimExpr
    axis: tuple[ReduceAxis, ...]

    @property
    def dtype(self) -> DataType:
        """The dtype of the reduced value."""
        return self.source.dtype

    def _refuse(self, *_: Any) -> Any:
        raise TeError(
            f"a {self.reducer.name} reduction must be the whole body of a compute; "
            "reduce in one stage and combine the result in another"
        )

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __neg__ = _refuse


@dataclass(frozen=True, eq=False)
class Reducer:
    """A commutative reducer: ``combine(accumulator, value)`` and its identity per dtype."""

    name: str
    combine: Callable[[PrimExpr, PrimExpr], PrimExpr]
    identity: Callable[[DataType], PrimExpr]

    def __call__(self, expr: Any, axis: ReduceAxis | Sequence[ReduceAxis]) -> Reduction:
        """Reduce `expr` over one axis or several."""
        source = convert(expr)
        axes = (axis,) if isinstance(axis, Var) else tuple(axis)
        if not axes:
            raise TeError(f"te.{self.name} needs at least one reduce axis")
        for item in axes:
            if not isinstance(item, ReduceAxis):
                raise TeError(
                    f"te.{self.name} reduces over axes made by te.reduce_axis, not {item!r}"
                )
        if len({id(a) for a in axes}) != len(axes):
            raise TeError(f"te.{self.name} lists a reduce axis twice")
        if not source.dtype.is_scalar or source.dtype.is_handle or source.dtype.is_bool:
            raise TeError(f"te.{self.name} cannot reduce {source.dtype} values")
        return Reduction(self, source, axes)


def comm_reducer(
    combine: Callable[[PrimExpr, PrimExpr], PrimExpr],
    identity: Callable[[DataType], PrimExpr],
    name: str = "reduce",
) -> Reducer:
    """A custom commutative reducer, e.g. a product: ``comm_reducer(lambda a, b: a * b, one)``."""
    return Reducer(name, combine, identity)


def _zero(t: DataType) -> PrimExpr:
    return const(0, t)


def _lowest(t: DataType) -> PrimExpr:
    return const(t.min_value(), t)


def _highest(t: DataType) -> PrimExpr:
    return const(t.max_value(), t)


sum = Reducer("sum", lambda acc, value: acc + value, _zero)
max = Reducer("max", lambda acc, value: binary(Max, acc, value), _lowest)
min = Reducer("min", lambda acc, value: binary(Min, acc, value), _highest)
