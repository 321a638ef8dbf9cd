"""Padding (constant, edge or reflect) and dropout, which at inference is the identity.

``pad_width`` holds one (before, after) pair per axis, like numpy's ``np.pad``. Dropout keeps
its `rate` attribute so imported training graphs round-trip, but only the inference form exists:
it returns its input (TVM's ``R.nn.dropout`` also returns the mask, which inference never reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...span import Span
from ...tir import PrimExpr, Select, const, max_, min_
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .base import make_call, tensor_arg
from .shape_checks import (
    assume_shapes,
    choice_attr,
    float_attr,
    float_tensor,
    op_error,
    prove_at_least,
    size_text,
)
from .te_util import guarded, in_range

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

PAD_MODES = ("constant", "edge", "reflect")


def _pad_width(call: Call) -> tuple[tuple[int, int], ...]:
    value: Any = call.attrs.get("pad_width")
    ok = isinstance(value, tuple | list) and all(
        isinstance(p, tuple | list)
        and len(p) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in p)
        for p in value
    )
    if not ok:
        raise op_error(call, f"pad_width must be (before, after) pairs of ints, not {value!r}")
    pairs = tuple((p[0], p[1]) for p in value)
    if any(v < 0 for p in pairs for v in p):
        raise op_error(call, f"pad_width must not be negative, got {pairs}")
    return pairs


def _infer_pad(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    pairs = _pad_width(call)
    mode = choice_attr(call, "pad_mode", PAD_MODES)
    value = float_attr(call, "pad_value")
    if x.dtype is not None and not (x.dtype.is_float or x.dtype.is_integer):
        raise op_error(call, f"needs a numeric tensor, not {x.dtype}")
    if x.dtype is not None and x.dtype.is_integer and not value.is_integer():
        raise op_error(call, f"cannot pad a {x.dtype} tensor with {value}")
    if x.ndim not in (-1, len(pairs)):
        raise op_error(call, f"pad_width has {len(pairs)} pairs for a tensor of rank {x.ndim}")
    if x.values is None:
        return TensorStructInfo(None, x.dtype, len(pairs))
    assume_shapes(ctx, x)
    for axis, (size, (before, after)) in enumerate(zip(x.values, pairs)):
        if mode == "reflect" and max(before, after) > 0:
            need = f"axis {axis} of size {size_text(size)} is too short to reflect"
            prove_at_least(call, ctx, size, max(before, after) + 1, f"{need} {before, after}")
        elif mode == "edge" and max(before, after) > 0:
            prove_at_least(call, ctx, size, 1, f"axis {axis} is empty: no edge to repeat")
    shape = tuple(ctx.analyzer.simplify(s + b + a) for s, (b, a) in zip(x.values, pairs))
    return TensorStructInfo(ShapeExpr(shape), x.dtype)


def _source(index: PrimExpr, before: int, size: PrimExpr, mode: str) -> PrimExpr:
    """The input index an output index reads in `mode` (constant: possibly out of range)."""
    j = index - before if before else index
    if mode == "edge":
        return max_(min_(j, size - 1), 0)
    if mode == "reflect":
        j = Select(j < 0, -j, j)
        return Select(j >= size, (size - 1) * 2 - j, j)
    return j


def _pad_te(
    x: te_.Tensor, pad_width: Sequence[tuple[int, int]], pad_value: float, mode: str
) -> te_.Tensor:
    shape = tuple(s + b + a for s, (b, a) in zip(x.shape, pad_width))

    def body(*index: PrimExpr) -> PrimExpr:
        src = [_source(i, b, s, mode) for i, s, (b, _) in zip(index, x.shape, pad_width)]
        if mode != "constant":
            return x[tuple(src)]
        conds = [in_range(j, s) for j, s, (b, a) in zip(src, x.shape, pad_width) if b or a]
        return guarded(conds, x[tuple(src)], const(pad_value, x.dtype))

    return te_.compute(shape, body, "pad")


def _legalize_pad(bb: BlockBuilder, call: Call) -> Expr:
    kwargs: dict[str, Any] = {
        "pad_width": _pad_width(call),
        "pad_value": float_attr(call, "pad_value"),
        "mode": choice_attr(call, "pad_mode", PAD_MODES),
    }
    return te_call(bb, _pad_te, call.args, kwargs, "pad")


def _rate(call: Call) -> float:
    rate = float_attr(call, "rate")
    if not 0.0 <= rate < 1.0:
        raise op_error(call, f"rate must be in [0, 1), not {rate}")
    return rate


def _infer_dropout(call: Call, ctx: InferContext) -> StructInfo:
    _rate(call)
    return float_tensor(call, 0, "data")


def _legalize_dropout(bb: BlockBuilder, call: Call) -> ArgExpr:
    """Inference dropout is the identity: the call is replaced by its operand (no copy)."""
    return call.args[0]


register_op(
    "nn.pad",
    infer=_infer_pad,
    num_args=1,
    attrs_schema={
        "pad_width": attr(tuple, required=True),
        "pad_value": attr(float, int, default=0.0),
        "pad_mode": attr(str, default="constant"),
    },
    legalize=_legalize_pad,
)
register_op(
    "nn.dropout",
    infer=_infer_dropout,
    num_args=1,
    attrs_schema={"rate": attr(float, int, default=0.5)},
    legalize=_legalize_dropout,
)


def pad(
    data: ArgExpr,
    pad_width: Sequence[Sequence[int]],
    pad_value: float = 0.0,
    pad_mode: str = "constant",
    span: Span | None = None,
) -> Call:
    """`data` grown by ``pad_width[axis] = (before, after)`` elements on each axis.

    Script: ``R.nn.pad(x, pad_width=((0, 0), (1, 2)), pad_value=0.0, pad_mode="constant")``.
    """
    pairs = tuple(tuple(p) if isinstance(p, list | tuple) else p for p in pad_width)
    attrs = {"pad_width": pairs, "pad_value": pad_value, "pad_mode": pad_mode}
    call = make_call("nn.pad", (data,), attrs, span=span)
    _pad_width(call)
    choice_attr(call, "pad_mode", PAD_MODES)
    return call


def dropout(data: ArgExpr, rate: float = 0.5, span: Span | None = None) -> Call:
    """Dropout at inference: `data` unchanged. Script: ``R.nn.dropout(x, rate=0.5)``."""
    call = make_call("nn.dropout", (data,), {"rate": rate}, span=span)
    _rate(call)
    return call
