"""Convolutions: conv1d, conv2d and conv2d_transpose, with strides, padding, dilation, groups.

Layouts are orderings of axis letters: data ``N`` (batch), ``C`` (channels) and the spatial
letters (``W``; ``H``, ``W``); kernels ``O`` (output channels), ``I`` (input channels per group)
and the spatial letters. The result has the data's layout; conv2d takes any pair of layouts
(NCHW/OIHW and NHWC/HWIO are the usual ones). Legalization reads the input through guarded
loads instead of materializing a padded copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...dtype import DataType
from ...span import Span
from ...tir import PrimExpr, floordiv
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .base import make_call, op_name, same_dtype, tensor_arg
from .lowering import cast
from .nn_conv_transpose import conv_transpose_shape, conv_transpose_te, output_padding_attr
from .shape_checks import (
    assume_shapes,
    dtype_attr,
    int_attr,
    layout_attr,
    op_error,
    prove_divisible,
    prove_equal,
    require_ndim,
    size_text,
)
from .te_util import fconst, guarded, in_range, layout_dims, layout_index, simplify
from .window import Window, check_fits, out_size, window_attrs

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

_SPATIAL = {"nn.conv1d": "W", "nn.conv2d": "HW", "nn.conv2d_transpose": "HW"}


@dataclass(frozen=True)
class ConvAttrs:
    """The validated attributes of a convolution call."""

    spatial: str
    window: Window
    groups: int
    data_layout: str
    kernel_layout: str
    out_dtype: DataType | None
    output_padding: tuple[int, ...] = ()


def conv_attrs(call: Call) -> ConvAttrs:
    """Read and check the attributes of a conv1d / conv2d / conv2d_transpose call."""
    name = op_name(call)
    spatial = _SPATIAL[name]
    window = window_attrs(call, len(spatial))
    groups = int_attr(call, "groups", minimum=1)
    data_layout = layout_attr(call, "data_layout", "NC" + spatial)
    kernel_layout = layout_attr(call, "kernel_layout", "OI" + spatial)
    out_padding: tuple[int, ...] = ()
    if name == "nn.conv2d_transpose":
        out_padding = output_padding_attr(call, window)
    out_dtype = dtype_attr(call, "out_dtype")
    return ConvAttrs(spatial, window, groups, data_layout, kernel_layout, out_dtype, out_padding)


def _infer_conv(call: Call, ctx: InferContext) -> StructInfo:
    a = conv_attrs(call)
    data, weight = tensor_arg(call, 0), tensor_arg(call, 1)
    rank = 2 + len(a.spatial)
    require_ndim(call, data, rank, "data")
    require_ndim(call, weight, rank, "weight")
    common = same_dtype(call, [data, weight])
    dt = a.out_dtype or common
    if dt is not None and not (dt.is_float or dt.is_integer):
        raise op_error(call, f"computes in a numeric dtype, not {dt}")
    if data.values is None or weight.values is None:
        return TensorStructInfo(None, dt, rank)
    assume_shapes(ctx, data, weight)
    d = layout_dims(a.data_layout, data.values)
    k = layout_dims(a.kernel_layout, weight.values)
    if op_name(call) == "nn.conv2d_transpose":
        out = conv_transpose_shape(call, ctx, d, k, a)
    else:
        out = _conv_shape(call, ctx, d, k, a)
    return TensorStructInfo(ShapeExpr(tuple(out[letter] for letter in a.data_layout)), dt)


def _conv_shape(
    call: Call, ctx: InferContext, d: dict[str, PrimExpr], k: dict[str, PrimExpr], a: ConvAttrs
) -> dict[str, PrimExpr]:
    channels = ctx.analyzer.simplify(k["I"] * a.groups)
    per_group = f" ({size_text(k['I'])} per group x {a.groups} groups)" if a.groups > 1 else ""
    expects = f"the weight expects {size_text(channels)}{per_group}"
    prove_equal(call, ctx, d["C"], channels, f"data has {size_text(d['C'])} channels but {expects}")
    split = f"the weight's {size_text(k['O'])} output channels do not split into {a.groups} groups"
    prove_divisible(call, ctx, k["O"], a.groups, split)
    out = {"N": d["N"], "C": k["O"]}
    for axis, letter in enumerate(a.spatial):
        check_fits(call, ctx, d[letter], k[letter], a.window, axis, letter)
        out[letter] = ctx.analyzer.simplify(out_size(d[letter], k[letter], a.window, axis))
    return out


# -- legalization -------------------------------------------------------------------------


def _tap(out: PrimExpr, tap: PrimExpr, stride: int, dilation: int, before: int) -> PrimExpr:
    """The input position that output position `out` reads for kernel tap `tap`."""
    pos = out * stride if stride != 1 else out
    pos = pos + (tap * dilation if dilation != 1 else tap)
    return pos - before if before else pos


def _conv_te(data: te_.Tensor, weight: te_.Tensor, attrs: ConvAttrs) -> te_.Tensor:
    a, w = attrs, attrs.window
    acc = a.out_dtype or data.dtype
    d = layout_dims(a.data_layout, data.shape)
    k = layout_dims(a.kernel_layout, weight.shape)
    out_per_group = simplify(floordiv(k["O"], a.groups))
    dims = {"N": d["N"], "C": k["O"]}
    for axis, letter in enumerate(a.spatial):
        dims[letter] = simplify(out_size(d[letter], k[letter], w, axis))
    rc = te_.reduce_axis((0, k["I"]), "rc")
    taps = {s: te_.reduce_axis((0, k[s]), "r" + s.lower()) for s in a.spatial}

    def body(*index: PrimExpr) -> Any:
        o = dict(zip(a.data_layout, index))
        channel = rc if a.groups == 1 else floordiv(o["C"], out_per_group) * k["I"] + rc
        pos, conds = {}, []
        for axis, s in enumerate(a.spatial):
            pos[s] = _tap(o[s], taps[s], w.strides[axis], w.dilation[axis], w.pad_before[axis])
            if w.pad_before[axis] or w.pad_after[axis]:
                conds.append(in_range(pos[s], d[s]))
        x = data[layout_index(a.data_layout, N=o["N"], C=channel, **pos)]
        f = weight[layout_index(a.kernel_layout, O=o["C"], I=rc, **taps)]
        value = guarded(conds, cast(x, acc) * cast(f, acc), fconst(0.0, acc))
        return te_.sum(value, axis=[rc, *taps.values()])

    name = "conv1d" if len(a.spatial) == 1 else "conv2d"
    return te_.compute(tuple(dims[letter] for letter in a.data_layout), body, name)


def _legalize_conv(bb: BlockBuilder, call: Call) -> Expr:
    attrs = conv_attrs(call)
    name = op_name(call).removeprefix("nn.")
    build = conv_transpose_te if op_name(call) == "nn.conv2d_transpose" else _conv_te
    return te_call(bb, build, call.args, {"attrs": attrs}, name)


_COMMON = {
    "strides": attr(int, tuple, default=1),
    "padding": attr(int, tuple, default=0),
    "dilation": attr(int, tuple, default=1),
    "groups": attr(int, default=1),
}
_OUT_DTYPE = attr(DataType, str, type(None))
register_op(
    "nn.conv1d",
    infer=_infer_conv,
    num_args=2,
    attrs_schema={
        **_COMMON,
        "data_layout": attr(str, default="NCW"),
        "kernel_layout": attr(str, default="OIW"),
        "out_dtype": _OUT_DTYPE,
    },
    legalize=_legalize_conv,
)
register_op(
    "nn.conv2d",
    infer=_infer_conv,
    num_args=2,
    attrs_schema={
        **_COMMON,
        "data_layout": attr(str, default="NCHW"),
        "kernel_layout": attr(str, default="OIHW"),
        "out_dtype": _OUT_DTYPE,
    },
    legalize=_legalize_conv,
)
register_op(
    "nn.conv2d_transpose",
    infer=_infer_conv,
    num_args=2,
    attrs_schema={
        "strides": attr(int, tuple, default=1),
        "padding": attr(int, tuple, default=0),
        "output_padding": attr(int, tuple, default=0),
        "dilation": attr(int, tuple, default=1),
        "groups": attr(int, default=1),
        "data_layout": attr(str, default="NCHW"),
        "kernel_layout": attr(str, default="IOHW"),
        "out_dtype": _OUT_DTYPE,
    },
    legalize=_legalize_conv,
)


def _make(name: str, args: tuple[ArgExpr, ...], attrs: dict[str, Any], span: Span | None) -> Call:
    """Build the call, check its attributes, and store them in expanded form."""
    checked = conv_attrs(make_call(name, args, attrs, span=span))
    attrs = {**attrs, "strides": checked.window.strides, "dilation": checked.window.dilation}
    attrs["padding"] = checked.window.padding
    if checked.output_padding:
        attrs["output_padding"] = checked.output_padding
    if attrs.get("out_dtype") is not None:
        attrs["out_dtype"] = checked.out_dtype
    return make_call(name, args, attrs, span=span)


def conv1d(
    data: ArgExpr,
    weight: ArgExpr,
    strides: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    groups: int = 1,
    data_layout: str = "NCW",
    kernel_layout: str = "OIW",
    out_dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """1-D convolution (cross-correlation, as in every framework). Script: ``R.nn.conv1d(x, w)``.

    `padding`: one value, or (left, right).
    """
    attrs: dict[str, Any] = {"strides": strides, "padding": padding, "dilation": dilation}
    attrs["groups"] = groups
    attrs |= {"data_layout": data_layout, "kernel_layout": kernel_layout, "out_dtype": out_dtype}
    return _make("nn.conv1d", (data, weight), attrs, span)


def conv2d(
    data: ArgExpr,
    weight: ArgExpr,
    strides: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    groups: int = 1,
    data_layout: str = "NCHW",
    kernel_layout: str = "OIHW",
    out_dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """2-D convolution; NHWC data usually pairs with an HWIO kernel.

    `padding`: one value, (vertical, horizontal), or (top, left, bottom, right).
    Script: ``R.nn.conv2d(x, w, strides=(2, 2), padding=(1, 1, 1, 1))``.
    """
    attrs: dict[str, Any] = {"strides": strides, "padding": padding, "dilation": dilation}
    attrs["groups"] = groups
    attrs |= {"data_layout": data_layout, "kernel_layout": kernel_layout, "out_dtype": out_dtype}
    return _make("nn.conv2d", (data, weight), attrs, span)


def conv2d_transpose(
    data: ArgExpr,
    weight: ArgExpr,
    strides: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] = 0,
    output_padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    groups: int = 1,
    data_layout: str = "NCHW",
    kernel_layout: str = "IOHW",
    out_dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """The transpose (gradient) of conv2d; the kernel is (in, out / groups, kh, kw) as in torch.

    Script: ``R.nn.conv2d_transpose(x, w, strides=(2, 2), output_padding=(1, 1))``.
    """
    attrs: dict[str, Any] = {"strides": strides, "padding": padding}
    attrs["output_padding"] = output_padding
    attrs |= {"dilation": dilation, "groups": groups, "data_layout": data_layout}
    attrs |= {"kernel_layout": kernel_layout, "out_dtype": out_dtype}
    return _make("nn.conv2d_transpose", (data, weight), attrs, span)
