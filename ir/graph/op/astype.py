"""``astype``: convert every element to another dtype (the shape is unchanged).

Conversions follow TIR's `Cast`: integers wrap, floats round to nearest, anything to bool is
``!= 0``, and float to integer truncates toward zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...dtype import DataType
from ...dtype import dtype as to_dtype
from ...span import Span
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .base import make_call, tensor_arg
from .lowering import cast, lower

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _infer_astype(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    return TensorStructInfo(x.shape, to_dtype(call.attrs["dtype"]), x.ndim)


def _legalize_astype(bb: BlockBuilder, call: Call) -> Call:
    dt = to_dtype(call.attrs["dtype"])

    def fn(x: Tensor) -> Tensor:
        return compute(x.shape, lambda *i: cast(x[i], dt), "T_astype")

    return lower(bb, call, fn, call.args[0])


register_op(
    "astype",
    infer=_infer_astype,
    num_args=1,
    attrs_schema={"dtype": attr(DataType, required=True)},
    legalize=_legalize_astype,
)


def astype(x: ArgExpr, dtype: str | DataType, span: Span | None = None) -> Call:
    """`x` converted to `dtype` elementwise. Script: ``R.astype(x, "float16")``."""
    return make_call("astype", (x,), {"dtype": to_dtype(dtype)}, span=span)
