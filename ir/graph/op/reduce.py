"""Reductions over a list of axes (None: all), optionally keeping the reduced dimensions as 1.

sum, prod, max and min legalize to one ``te`` reduction; mean and variance add stages that
divide by the element count; argmax and argmin (one axis or all, int64 result) reduce to the
extreme value, then to the smallest index holding it (numpy's first occurrence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...dtype import DataType
from ...dtype import dtype as to_dtype
from ...span import Span
from ...tir import IntImm, PrimExpr, Select, const, eq
from ...tir.te import ReduceAxis, Reducer, Tensor, comm_reducer, compute, reduce_axis
from ...tir.te import max as te_max
from ...tir.te import min as te_min
from ...tir.te import sum as te_sum
from ..expr import ArgExpr, Call, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .axes import as_tuple, int_attr, int_tuple_attr, normalize_axes, normalize_axis
from .base import make_call, op_name, tensor_arg
from .lowering import INDEX, cast, index, linear_index, lower, result_shape, shape_analyzer

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _axes(call: Call, ndim: int) -> tuple[int, ...]:
    """The reduced axes of `call` on a rank-`ndim` operand, normalized and sorted."""
    if op_name(call) in ("argmax", "argmin"):
        axis = int_attr(call, "axis")
        return tuple(range(ndim)) if axis is None else (normalize_axis(call, axis, ndim),)
    axes = int_tuple_attr(call, "axis")
    return tuple(range(ndim)) if axes is None else tuple(sorted(normalize_axes(call, axes, ndim)))


def _reduced(call: Call, x: TensorStructInfo, dt: DataType | None) -> TensorStructInfo:
    keepdims = bool(call.attrs["keepdims"])
    if x.ndim == -1:
        return TensorStructInfo(None, dt, -1)
    axes = _axes(call, x.ndim)
    if x.values is None:
        return TensorStructInfo(None, dt, x.ndim if keepdims else x.ndim - len(axes))
    one = const(1, INDEX)
    if keepdims:
        shape = tuple(one if d in axes else v for d, v in enumerate(x.values))
    else:
        shape = tuple(v for d, v in enumerate(x.values) if d not in axes)
    return TensorStructInfo(ShapeExpr(shape), dt)


def _infer(kind: str) -> Callable[[Call, InferContext], StructInfo]:
    def infer(call: Call, ctx: InferContext) -> StructInfo:
        x = tensor_arg(call, 0)
        t = x.dtype
        if t is not None and t.is_bool:
            raise StructInfoError(f"R.{op_name(call)} cannot reduce a bool tensor", call.span)
        if t is not None and kind == "float" and not t.is_float:
            raise StructInfoError(f"R.{op_name(call)} needs a float tensor, not {t}", call.span)
        return _reduced(call, x, to_dtype(INDEX) if kind == "index" else t)

    return infer


# -- legalization --------------------------------------------------------------------------


class _Plan:
    """How output indices and reduce axes address the operand of a reduction."""

    def __init__(self, call: Call, x: Tensor):
        self.x = x
        self.axes = _axes(call, x.ndim)
        self.keepdims = bool(call.attrs["keepdims"])
        count: PrimExpr = const(1, INDEX)
        for d in self.axes:
            count = count * x.shape[d]
        self.count = shape_analyzer(x.shape).simplify(count)

    def float_count(self, dt: DataType) -> PrimExpr:
        """The number of reduced elements as a value of the float dtype `dt`."""
        if isinstance(self.count, IntImm):
            return const(float(self.count.value), dt)
        return cast(self.count, dt)

    def new_axes(self) -> list[ReduceAxis]:
        """Fresh reduce axes, one per reduced dimension (their own for each stage)."""
        return [reduce_axis((index(0), self.x.shape[d]), f"k{d}") for d in self.axes]

    def source(self, out_index: Sequence[PrimExpr], ks: Sequence[PrimExpr]) -> tuple[PrimExpr, ...]:
        """The operand index of output element `out_index` at reduce position `ks`."""
        out: list[PrimExpr] = []
        kept, reduced = iter(out_index), iter(ks)
        for d in range(self.x.ndim):
            if d in self.axes:
                out.append(next(reduced))
                if self.keepdims:
                    next(kept)
            else:
                out.append(next(kept))
        return tuple(out)

    def reduce(
        self,
        reducer: Reducer,
        value: Callable[..., PrimExpr],
        shape: Sequence[PrimExpr],
        name: str,
    ) -> Tensor:
        """``out[i] = reducer(value(i, ks) over ks)``; without reduced axes, ``value(i, ())``."""
        if not self.axes:
            return compute(shape, lambda *i: value(i, ()), name)
        ks = self.new_axes()
        return compute(shape, lambda *i: reducer(value(i, ks), axis=ks), name)


_PROD = comm_reducer(lambda acc, v: acc * v, lambda t: const(1, t), "prod")
_SIMPLE: dict[str, Reducer] = {"sum": te_sum, "prod": _PROD, "max": te_max, "min": te_min}


def _legalize_simple(bb: BlockBuilder, call: Call) -> Call:
    reducer = _SIMPLE[op_name(call)]

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        plan = _Plan(call, x)
        return plan.reduce(reducer, lambda i, ks: x[plan.source(i, ks)], shape, f"T_{reducer.name}")

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


def _legalize_mean(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        plan = _Plan(call, x)
        total = plan.reduce(te_sum, lambda i, ks: x[plan.source(i, ks)], shape, "T_sum")
        count = plan.float_count(x.dtype)
        return compute(shape, lambda *i: total[i] / count, "T_mean")

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


def _legalize_variance(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        plan = _Plan(call, x)
        count = plan.float_count(x.dtype)
        total = plan.reduce(te_sum, lambda i, ks: x[plan.source(i, ks)], shape, "T_sum")
        mean = compute(shape, lambda *i: total[i] / count, "T_mean")

        def squared_deviation(i: Sequence[PrimExpr], ks: Sequence[PrimExpr]) -> PrimExpr:
            d = x[plan.source(i, ks)] - mean[i]
            return d * d

        squares = plan.reduce(te_sum, squared_deviation, shape, "T_squares")
        return compute(shape, lambda *i: squares[i] / count, "T_variance")

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


def _legalize_arg(bb: BlockBuilder, call: Call) -> Call:
    name = op_name(call)
    extreme = te_max if name == "argmax" else te_min

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        plan = _Plan(call, x)
        best = plan.reduce(extreme, lambda i, ks: x[plan.source(i, ks)], shape, f"T_{extreme.name}")
        reduced_shape = [x.shape[d] for d in plan.axes]
        none = const(DataType.parse(INDEX).max_value(), INDEX)

        def first(i: Sequence[PrimExpr], ks: Sequence[PrimExpr]) -> PrimExpr:
            position = linear_index(ks, reduced_shape) if ks else index(0)
            return Select(eq(x[plan.source(i, ks)], best[i]), position, none)

        return plan.reduce(te_min, first, shape, f"T_{name}")

    return lower(bb, call, fn, call.args[0], shape=result_shape(call))


_AXES = {"axis": attr(tuple, type(None)), "keepdims": attr(bool, default=False)}
for _name in ("sum", "prod", "max", "min"):
    register_op(
        _name, infer=_infer("numeric"), num_args=1, attrs_schema=_AXES, legalize=_legalize_simple
    )
register_op("mean", infer=_infer("float"), num_args=1, attrs_schema=_AXES, legalize=_legalize_mean)
register_op(
    "variance",
    infer=_infer("float"),
    num_args=1,
    attrs_schema=_AXES,
    legalize=_legalize_variance,
)
_ONE_AXIS = {"axis": attr(int, type(None)), "keepdims": attr(bool, default=False)}
for _name in ("argmax", "argmin"):
    register_op(
        _name, infer=_infer("index"), num_args=1, attrs_schema=_ONE_AXIS, legalize=_legalize_arg
    )


def _call(
    name: str, x: ArgExpr, axis: int | Sequence[int] | None, keepdims: bool, span: Span | None
) -> Call:
    return make_call(name, (x,), {"axis": as_tuple(axis), "keepdims": keepdims}, span=span)


def sum(
    x: ArgExpr,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    span: Span | None = None,
) -> Call:
    """The sum over `axis` (None: all). Script: ``R.sum(x, axis=[1], keepdims=True)``."""
    return _call("sum", x, axis, keepdims, span)


def prod(
    x: ArgExpr,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    span: Span | None = None,
) -> Call:
    """The product over `axis` (None: all). Script: ``R.prod(x, axis=[0])``."""
    return _call("prod", x, axis, keepdims, span)


def max(
    x: ArgExpr,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    span: Span | None = None,
) -> Call:
    """The largest element over `axis` (None: all). Script: ``R.max(x, axis=[1])``."""
    return _call("max", x, axis, keepdims, span)


def min(
    x: ArgExpr,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    span: Span | None = None,
) -> Call:
    """The smallest element over `axis` (None: all). Script: ``R.min(x, axis=[1])``."""
    return _call("min", x, axis, keepdims, span)


def mean(
    x: ArgExpr,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    span: Span | None = None,
) -> Call:
    """The mean over `axis` (None: all; float). Script: ``R.mean(x, axis=[1])``."""
    return _call("mean", x, axis, keepdims, span)


def variance(
    x: ArgExpr,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    span: Span | None = None,
) -> Call:
    """The population variance over `axis` (None: all; float). Script: ``R.variance(x)``."""
    return _call("variance", x, axis, keepdims, span)


def argmax(
    x: ArgExpr, axis: int | None = None, keepdims: bool = False, span: Span | None = None
) -> Call:
    """The index (int64) of the first largest element along `axis`.

    With `axis` None, the index into the flattened tensor. Script: ``R.argmax(x, axis=1)``.
    """
    return make_call("argmax", (x,), {"axis": axis, "keepdims": keepdims}, span=span)


def argmin(
    x: ArgExpr, axis: int | None = None, keepdims: bool = False, span: Span | None = None
) -> Call:
    """The index (int64) of the first smallest element along `axis`.

    With `axis` None, the index into the flattened tensor. Script: ``R.argmin(x, axis=1)``.
    """
    return make_call("argmin", (x,), {"axis": axis, "keepdims": keepdims}, span=span)
