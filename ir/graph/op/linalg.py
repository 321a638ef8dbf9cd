"""Linear algebra: matmul with numpy semantics (batched, broadcast batch dims, 1-D operands)."""

from __future__ import annotations

from ...dtype import DataType, dtype
from ...span import Span
from ..expr import ArgExpr, Call, ShapeExpr
from ..infer import matmul_shape
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from .base import make_call, same_dtype, tensor_arg


def _infer_matmul(call: Call, ctx: InferContext) -> StructInfo:
    a, b = tensor_arg(call, 0), tensor_arg(call, 1)
    out_dtype = call.attrs.get("out_dtype")
    dt = same_dtype(call, [a, b]) if out_dtype is None else dtype(out_dtype)
    if a.values is None or b.values is None:
        if -1 in (a.ndim, b.ndim):
            return TensorStructInfo(None, dt, -1)
        ndim = max(a.ndim, b.ndim, 2) - (a.ndim == 1) - (b.ndim == 1)
        return TensorStructInfo(None, dt, ndim)
    shape, checks = matmul_shape(a.values, b.values, ctx.analyzer, ctx.span)
    ctx.checks.extend(checks)
    return TensorStructInfo(ShapeExpr(shape), dt)


register_op(
    "matmul",
    infer=_infer_matmul,
    num_args=2,
    attrs_schema={"out_dtype": attr(DataType, str, type(None))},
)


def matmul(
    a: ArgExpr, b: ArgExpr, out_dtype: str | DataType | None = None, span: Span | None = None
) -> Call:
    """``a @ b``; `out_dtype` defaults to the operands'. Script: ``R.matmul(a, b)``."""
    attrs = {"out_dtype": None if out_dtype is None else dtype(out_dtype)}
    return make_call("matmul", (a, b), attrs, span=span)
