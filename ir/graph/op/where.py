"""``where``: choose elementwise between two tensors by a bool condition, all three broadcast.

Legalizes to a ``Select`` per element: both candidates are read (they are in bounds either
way), which keeps the block a plain elementwise computation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...span import Span
from ...tir import PrimExpr, Select
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call
from ..registry import InferContext, register_op
from ..struct_info import StructInfo
from .base import make_call, same_dtype, tensor_arg
from .binary import broadcast_result
from .lowering import broadcast_index, lower, result_shape, shape_analyzer

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _infer_where(call: Call, ctx: InferContext) -> StructInfo:
    cond = tensor_arg(call, 0)
    if cond.dtype is not None and not cond.dtype.is_bool:
        raise StructInfoError(f"R.where needs a bool condition, not {cond.dtype}", call.span)
    dt = same_dtype(call, [tensor_arg(call, 1), tensor_arg(call, 2)])
    return broadcast_result(call, ctx, dt)


def _legalize_where(bb: BlockBuilder, call: Call) -> Call:
    def fn(c: Tensor, x: Tensor, y: Tensor, shape: tuple[PrimExpr, ...]) -> Tensor:
        analyzer = shape_analyzer(c.shape, x.shape, y.shape, shape)

        def element(*i: PrimExpr) -> PrimExpr:
            def at(t: Tensor) -> PrimExpr:
                return t[broadcast_index(t, i, shape, analyzer)]

            return Select(at(c), at(x), at(y))

        return compute(shape, element, "T_where")

    return lower(bb, call, fn, *call.args, shape=result_shape(call))


register_op("where", infer=_infer_where, num_args=3, legalize=_legalize_where)


def where(cond: ArgExpr, x: ArgExpr, y: ArgExpr, span: Span | None = None) -> Call:
    """`x` where `cond` holds, else `y`, elementwise with broadcasting.

    Script: ``R.where(c, x, y)``.
    """
    return make_call("where", (cond, x, y), span=span)
