"""conv2d_transpose: output sizes and legalization (registered with the convolutions).

The kernel is laid out (in channels, out channels per group, kh, kw), ``IOHW``, as in PyTorch.
Output position ``y`` receives input position ``i`` through tap ``t`` when
``y + pad_before = i * stride + t * dilation``; legalization sums those contributions directly
(one guarded reduction) rather than dilating and padding the input first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...tir import PrimExpr, eq, floordiv, floormod
from ...tir import te as te_
from ..expr import Call
from ..registry import InferContext
from .lowering import cast
from .shape_checks import (
    int_tuple,
    op_error,
    prove_at_least,
    prove_divisible,
    prove_equal,
    size_text,
)
from .te_util import fconst, guarded, in_range, layout_dims, layout_index, simplify
from .window import Window

if TYPE_CHECKING:
    from .nn_conv import ConvAttrs


def output_padding_attr(call: Call, window: Window) -> tuple[int, ...]:
    """The ``output_padding`` attribute, one value per spatial axis.

    Each must be smaller than the stride or the dilation of its axis (otherwise the extra
    rows could be produced by a smaller input, so the size would be ambiguous).
    """
    n = len(window.strides)
    values = int_tuple(call, "output_padding", (1, n), minimum=0)
    values = values * n if len(values) == 1 else values
    for axis, (pad, stride, dilation) in enumerate(zip(values, window.strides, window.dilation)):
        if pad >= stride and pad >= dilation:
            raise op_error(
                call,
                f"output_padding {pad} of spatial axis {axis} must be smaller than its stride "
                f"({stride}) or dilation ({dilation})",
            )
    return values


def _size(size: PrimExpr, kernel: PrimExpr, a: ConvAttrs, axis: int) -> PrimExpr:
    w = a.window
    return (
        (size - 1) * w.strides[axis]
        - w.pad_before[axis]
        - w.pad_after[axis]
        + (kernel - 1) * w.dilation[axis]
        + a.output_padding[axis]
        + 1
    )


def conv_transpose_shape(
    call: Call, ctx: InferContext, d: dict[str, PrimExpr], k: dict[str, PrimExpr], a: ConvAttrs
) -> dict[str, PrimExpr]:
    """The output sizes by layout letter; checks channels and that every size is positive."""
    prove_equal(
        call,
        ctx,
        d["C"],
        k["I"],
        f"data has {size_text(d['C'])} channels but the weight expects {size_text(k['I'])}",
    )
    prove_divisible(
        call,
        ctx,
        d["C"],
        a.groups,
        f"the data's {size_text(d['C'])} channels do not split into {a.groups} groups",
    )
    out = {"N": d["N"], "C": ctx.analyzer.simplify(k["O"] * a.groups)}
    for axis, letter in enumerate(a.spatial):
        size = ctx.analyzer.simplify(_size(d[letter], k[letter], a, axis))
        prove_at_least(call, ctx, size, 1, f"the output {letter} {size_text(size)} is not positive")
        out[letter] = size
    return out


def conv_transpose_te(data: te_.Tensor, weight: te_.Tensor, attrs: ConvAttrs) -> te_.Tensor:
    """The te program of a transposed convolution."""
    a, w = attrs, attrs.window
    acc = a.out_dtype or data.dtype
    d = layout_dims(a.data_layout, data.shape)
    k = layout_dims(a.kernel_layout, weight.shape)
    in_per_group = simplify(floordiv(d["C"], a.groups))
    dims = {"N": d["N"], "C": simplify(k["O"] * a.groups)}
    for axis, letter in enumerate(a.spatial):
        dims[letter] = simplify(_size(d[letter], k[letter], a, axis))
    rc = te_.reduce_axis((0, in_per_group), "rc")
    taps = {s: te_.reduce_axis((0, k[s]), "r" + s.lower()) for s in a.spatial}

    def body(*index: PrimExpr) -> Any:
        o = dict(zip(a.data_layout, index))
        channel: PrimExpr
        if a.groups == 1:
            channel, out_channel = rc, o["C"]
        else:
            group = floordiv(o["C"], k["O"])
            channel, out_channel = group * in_per_group + rc, floormod(o["C"], k["O"])
        pos: dict[str, PrimExpr] = {}
        conds: list[PrimExpr] = []
        for axis, s in enumerate(a.spatial):
            stride, dilation = w.strides[axis], w.dilation[axis]
            offset = o[s] + w.pad_before[axis] - taps[s] * dilation
            if stride != 1:
                conds.append(eq(floormod(offset, stride), 0))
                offset = floordiv(offset, stride)
            conds.append(in_range(offset, d[s]))
            pos[s] = offset
        x = data[layout_index(a.data_layout, N=o["N"], C=channel, **pos)]
        f = weight[layout_index(a.kernel_layout, I=channel, O=out_channel, **taps)]
        value = guarded(conds, cast(x, acc) * cast(f, acc), fconst(0.0, acc))
        return te_.sum(value, axis=[rc, *taps.values()])

    return te_.compute(tuple(dims[letter] for letter in a.data_layout), body, "conv2d_transpose")
