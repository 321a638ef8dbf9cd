"""Scaled dot-product attention over (batch, seq, heads, head_dim) tensors, as R.nn.attention.

``softmax(q @ k^T * scale + bias, masked) @ v`` per batch and head. Shapes: query (B, S, H, D),
key (B, T, H, D), value (B, T, H, Dv), optional bias broadcastable to (B, H, S, T); result
(B, S, H, Dv). `scale` defaults to ``1 / sqrt(D)``. ``causal_mask`` hides keys after the query:
"TopLeft" aligns the diagonal at the top-left corner (query i sees keys ``j <= i``),
"BottomRight" at the bottom-right (``j <= i + T - S``, the decoding convention where the last
query sees every key). A query that sees no key (BottomRight with S > T) has no defined output.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...span import Span
from ...tir import IntImm, PrimExpr, const, eq, exp, unary
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .base import make_call, same_dtype
from .lowering import cast
from .shape_checks import (
    assume_shapes,
    choice_attr,
    float_tensor,
    op_error,
    prove,
    prove_equal,
    require_ndim,
    size_text,
)
from .te_util import broadcast_read, fconst, guarded

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

CAUSAL_MASKS = (None, "TopLeft", "BottomRight")


def _scale(call: Call) -> float | None:
    value = call.attrs.get("scale")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise op_error(call, f"scale must be a finite number or None, not {value!r}")
    return float(value)


def _infer_attention(call: Call, ctx: InferContext) -> StructInfo:
    if len(call.args) not in (3, 4):
        raise op_error(call, f"takes (query, key, value[, bias]), not {len(call.args)} args")
    _scale(call)
    choice_attr(call, "causal_mask", CAUSAL_MASKS)
    roles = ("query", "key", "value", "bias")
    infos = [float_tensor(call, i, roles[i]) for i in range(len(call.args))]
    q, k, v = infos[:3]
    for info, role in zip(infos[:3], roles):
        require_ndim(call, info, 4, role)
    dt = same_dtype(call, infos)
    bias = infos[3] if len(infos) == 4 else None
    if bias is not None and bias.ndim > 4:
        raise op_error(call, f"bias must have rank at most 4, not {bias.ndim}")
    if q.values is None or k.values is None or v.values is None:
        return TensorStructInfo(None, dt, 4)
    if bias is not None and bias.values is None:
        return TensorStructInfo(None, dt, 4)
    assume_shapes(ctx, *infos)
    (b, s, h, d), (kb, t, kh, kd), (vb, vt, vh, dv) = q.values, k.values, v.values
    pairs = (
        ("query", "key", "batch sizes", b, kb),
        ("query", "value", "batch sizes", b, vb),
        ("query", "key", "head counts", h, kh),
        ("query", "value", "head counts", h, vh),
        ("query", "key", "head dims", d, kd),
        ("key", "value", "sequence lengths", t, vt),
    )
    for one, other, what, first, second in pairs:
        differ = f"{one} and {other} {what} differ: {size_text(first)} vs {size_text(second)}"
        prove_equal(call, ctx, first, second, differ)
    if bias is not None and bias.values is not None:
        _check_bias(call, ctx, bias.values, (b, h, s, t))
    return TensorStructInfo(ShapeExpr((b, s, h, dv)), dt)


def _check_bias(
    call: Call, ctx: InferContext, bias: tuple[PrimExpr, ...], scores: tuple[PrimExpr, ...]
) -> None:
    names = ("batch", "heads", "query length", "key length")
    offset = 4 - len(bias)
    for axis, size in enumerate(bias):
        target = scores[offset + axis]
        if ctx.analyzer.can_prove_equal(size, 1) or ctx.analyzer.can_prove_equal(size, target):
            continue
        prove(
            call,
            ctx,
            eq(size, target) | eq(size, 1),
            f"bias axis {axis} (size {size_text(size)}) does not broadcast to the "
            f"{names[offset + axis]} {size_text(target)}",
        )


def _attention_te(
    q: te_.Tensor,
    k: te_.Tensor,
    v: te_.Tensor,
    bias: te_.Tensor | None,
    scale: float | None,
    causal_mask: str | None,
) -> te_.Tensor:
    batch, seq, heads, dim = q.shape
    kv_seq, dim_v = k.shape[1], v.shape[3]
    t = q.dtype
    if scale is not None:
        factor = fconst(scale, t)
    elif isinstance(dim, IntImm):
        factor = fconst(1.0 / math.sqrt(dim.value), t)
    else:
        factor = unary("rsqrt", cast(dim, t))
    lowest = const(t.min_value(), t)
    scores_shape = (batch, heads, seq, kv_seq)
    r = te_.reduce_axis((0, dim), "d")
    scores = te_.compute(
        scores_shape, lambda b, h, i, j: te_.sum(q[b, i, h, r] * k[b, j, h, r], axis=r), "scores"
    )

    def visible(i: PrimExpr, j: PrimExpr) -> list[PrimExpr]:
        if causal_mask == "TopLeft":
            return [j <= i]
        if causal_mask == "BottomRight":
            return [j <= i + (kv_seq - seq)]
        return []

    def logit(b: PrimExpr, h: PrimExpr, i: PrimExpr, j: PrimExpr) -> PrimExpr:
        value = scores[b, h, i, j] * factor
        if bias is not None:
            value = value + broadcast_read(bias, scores_shape, (b, h, i, j))
        return value

    j1 = te_.reduce_axis((0, kv_seq), "j")
    peak = te_.compute(
        (batch, heads, seq),
        lambda b, h, i: te_.max(guarded(visible(i, j1), logit(b, h, i, j1), lowest), axis=j1),
        "scores_max",
    )
    zero = fconst(0.0, t)
    weights = te_.compute(
        scores_shape,
        lambda b, h, i, j: guarded(visible(i, j), exp(logit(b, h, i, j) - peak[b, h, i]), zero),
        "weights",
    )
    j2 = te_.reduce_axis((0, kv_seq), "j")
    total = te_.compute(
        (batch, heads, seq), lambda b, h, i: te_.sum(weights[b, h, i, j2], axis=j2), "weights_sum"
    )
    j3 = te_.reduce_axis((0, kv_seq), "j")
    mixed = te_.compute(
        (batch, seq, heads, dim_v),
        lambda b, i, h, e: te_.sum(weights[b, h, i, j3] * v[b, j3, h, e], axis=j3),
        "weighted",
    )
    return te_.compute(
        (batch, seq, heads, dim_v),
        lambda b, i, h, e: mixed[b, i, h, e] / total[b, h, i],
        "attention",
    )


def _legalize_attention(bb: BlockBuilder, call: Call) -> Expr:
    q, k, v = call.args[:3]
    bias = call.args[3] if len(call.args) == 4 else None
    kwargs: dict[str, Any] = {
        "scale": _scale(call),
        "causal_mask": choice_attr(call, "causal_mask", CAUSAL_MASKS),
    }
    return te_call(bb, _attention_te, (q, k, v, bias), kwargs, "attention")


register_op(
    "nn.attention",
    infer=_infer_attention,
    attrs_schema={
        "scale": attr(float, int, type(None)),
        "causal_mask": attr(str, type(None)),
    },
    legalize=_legalize_attention,
)


def attention(
    query: ArgExpr,
    key: ArgExpr,
    value: ArgExpr,
    bias: ArgExpr | None = None,
    scale: float | None = None,
    causal_mask: str | None = None,
    span: Span | None = None,
) -> Call:
    """Scaled dot-product attention; see the module docstring for shapes and masks.

    Script: ``R.nn.attention(q, k, v, scale=None, causal_mask="BottomRight")``.
    """
    args = (query, key, value) if bias is None else (query, key, value, bias)
    call = make_call("nn.attention", args, {"scale": scale, "causal_mask": causal_mask}, span=span)
    _scale(call)
    choice_attr(call, "causal_mask", CAUSAL_MASKS)
    return call
