"""``cumsum``: running sums along an axis (None: of the flattened tensor).

Optionally exclusive (an element is not in its own sum) and in another dtype.

The legalization is a masked reduction (each output sums the prefix that ends at it). It is
quadratic in the scanned length but a plain block-based reduction every TIR pass and schedule
understands; a scan-specific schedule can replace it where the length is large.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...dtype import DataType
from ...dtype import dtype as to_dtype
from ...span import Span
from ...tir import LE, LT, PrimExpr, Select, binary, const
from ...tir.te import Tensor, compute, reduce_axis
from ...tir.te import sum as te_sum
from ..expr import ArgExpr, Call, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .axes import int_attr, normalize_axis
from .base import make_call, tensor_arg
from .lowering import INDEX, cast, index, lower, result_info, shape_analyzer, unravel_index

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _infer_cumsum(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    out_dtype = call.attrs["dtype"]
    dt = x.dtype if out_dtype is None else to_dtype(out_dtype)
    if dt is not None and dt.is_bool:
        raise StructInfoError(
            "R.cumsum cannot sum in bool; give an integer dtype to count", call.span
        )
    axis = int_attr(call, "axis")
    if axis is None:
        if x.values is None:
            return TensorStructInfo(None, dt, 1)
        count: PrimExpr = const(1, INDEX)
        for v in x.values:
            count = count * v
        return TensorStructInfo(ShapeExpr((ctx.analyzer.simplify(count),)), dt)
    if x.ndim != -1:
        normalize_axis(call, axis, x.ndim)
    return TensorStructInfo(x.shape, dt, x.ndim)


def _legalize_cumsum(bb: BlockBuilder, call: Call) -> Call:
    axis = int_attr(call, "axis")
    info = result_info(call)
    out_dtype: DataType = info.dtype  # type: ignore[assignment]
    included = LT if call.attrs["exclusive"] else LE

    def fn(x: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        at = 0 if axis is None else normalize_axis(call, axis, x.ndim)
        extent = shape[at]
        if axis is None:
            extent = shape_analyzer(x.shape).simplify(extent)

        def element(*i: PrimExpr) -> object:
            k = reduce_axis((index(0), extent), "k")
            if axis is None:
                value = x[unravel_index(k, x.shape)]
            else:
                value = x[tuple(k if d == at else v for d, v in enumerate(i))]
            masked = Select(binary(included, k, i[at]), cast(value, out_dtype), const(0, out_dtype))
            return te_sum(masked, axis=k)

        return compute(shape, element, "T_cumsum")

    return lower(bb, call, fn, call.args[0], shape=info.values)


register_op(
    "cumsum",
    infer=_infer_cumsum,
    num_args=1,
    attrs_schema={
        "axis": attr(int, type(None)),
        "dtype": attr(DataType, type(None)),
        "exclusive": attr(bool, default=False),
    },
    legalize=_legalize_cumsum,
)


def cumsum(
    x: ArgExpr,
    axis: int | None = None,
    dtype: str | DataType | None = None,
    exclusive: bool = False,
    span: Span | None = None,
) -> Call:
    """Running sums of `x` along `axis` (None: flattened), in `dtype` (default: `x`'s).

    `exclusive` leaves each element out of its own sum. Script: ``R.cumsum(x, axis=1)``.
    """
    attrs = {
        "axis": axis,
        "dtype": None if dtype is None else to_dtype(dtype),
        "exclusive": exclusive,
    }
    return make_call("cumsum", (x,), attrs, span=span)
