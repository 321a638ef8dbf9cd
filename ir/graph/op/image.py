"""Image operators: resize2d (nearest-neighbor and bilinear) over NCHW or NHWC tensors.

An output pixel ``x`` maps to the input coordinate the coordinate transformation mode gives
(``half_pixel``: ``(x + 0.5) * in / out - 0.5``; ``pytorch_half_pixel``: the same, but 0 when
``out`` is 1; ``align_corners``: ``x * (in - 1) / (out - 1)``; ``asymmetric``: ``x * in / out``).
Nearest-neighbor rounds it (``round`` is to nearest, ties to even; ``round_prefer_floor`` and
``round_prefer_ceil`` break ties down or up); bilinear blends the two neighbors on each axis,
clamping at the border. Coordinates are computed in float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...dtype import DataType, dtype
from ...span import Span
from ...tir import Cast, PrimExpr, const, max_, min_, unary
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .base import make_call, tensor_arg
from .lowering import cast
from .shape_checks import (
    choice_attr,
    dtype_attr,
    dtype_value,
    int_tuple,
    layout_attr,
    op_error,
    require_ndim,
)
from .te_util import fconst, layout_dims, layout_index

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

METHODS = ("nearest_neighbor", "linear")
COORDINATE_MODES = ("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric")
ROUNDING = ("round", "floor", "ceil", "round_prefer_floor", "round_prefer_ceil")
_COORD = dtype("float32")
_INDEX = dtype("int64")


def _size(call: Call) -> tuple[int, int]:
    size = int_tuple(call, "size", (1, 2), minimum=1)
    return (size[0], size[0]) if len(size) == 1 else (size[0], size[1])


def _attrs(call: Call) -> tuple[tuple[int, int], str, str, str, str, DataType | None]:
    return (
        _size(call),
        layout_attr(call, "layout", "NCHW"),
        choice_attr(call, "method", METHODS),
        choice_attr(call, "coordinate_transformation_mode", COORDINATE_MODES),
        choice_attr(call, "rounding_method", ROUNDING),
        dtype_attr(call, "out_dtype"),
    )


def _infer_resize(call: Call, ctx: InferContext) -> StructInfo:
    size, layout, method, _, _, out_dtype = _attrs(call)
    x = tensor_arg(call, 0)
    require_ndim(call, x, 4, "data")
    if x.dtype is not None and method == "linear" and not x.dtype.is_float:
        raise op_error(call, f"linear resizing needs a float tensor, not {x.dtype}")
    dt = out_dtype or x.dtype
    if x.values is None:
        return TensorStructInfo(None, dt, 4)
    dims = layout_dims(layout, x.values)
    dims["H"], dims["W"] = const(size[0], "int64"), const(size[1], "int64")
    return TensorStructInfo(ShapeExpr(tuple(dims[letter] for letter in layout)), dt)


def _source(x: PrimExpr, size_in: PrimExpr, size_out: int, mode: str) -> PrimExpr:
    """The input coordinate of output position `x` (float32)."""
    pos = cast(x, _COORD)
    n_in = cast(size_in, _COORD)
    if mode == "align_corners":
        if size_out == 1:
            return fconst(0.0, _COORD)
        return pos * (n_in - fconst(1.0, _COORD)) / fconst(size_out - 1, _COORD)
    if mode == "asymmetric":
        return pos * n_in / fconst(size_out, _COORD)
    if mode == "pytorch_half_pixel" and size_out == 1:
        return fconst(0.0, _COORD)
    half = fconst(0.5, _COORD)
    return (pos + half) * n_in / fconst(size_out, _COORD) - half


def _round(value: PrimExpr, method: str) -> PrimExpr:
    half = fconst(0.5, _COORD)
    if method == "round_prefer_floor":
        return unary("ceil", value - half)
    if method == "round_prefer_ceil":
        return unary("floor", value + half)
    return unary(method, value)


def _clamp(index: PrimExpr, size: PrimExpr) -> PrimExpr:
    return max_(min_(index, size - 1), const(0, "int64"))


def _resize_te(
    data: te_.Tensor,
    size: tuple[int, int],
    layout: str,
    method: str,
    mode: str,
    rounding: str,
    out_dtype: DataType | None,
) -> te_.Tensor:
    d = layout_dims(layout, data.shape)
    out_size = {"H": size[0], "W": size[1]}
    dims = dict(d)
    dims["H"], dims["W"] = const(size[0], "int64"), const(size[1], "int64")
    shape = tuple(dims[letter] for letter in layout)
    dt = out_dtype or data.dtype

    def nearest(*index: PrimExpr) -> PrimExpr:
        o = dict(zip(layout, index))
        for s in "HW":
            coord = _round(_source(o[s], d[s], out_size[s], mode), rounding)
            o[s] = _clamp(Cast(_INDEX, coord), d[s])
        return cast(data[layout_index(layout, **o)], dt)

    def bilinear(*index: PrimExpr) -> PrimExpr:
        o = dict(zip(layout, index))
        low, high, frac = {}, {}, {}
        for s in "HW":
            coord = _source(o[s], d[s], out_size[s], mode)
            base = unary("floor", coord)
            frac[s] = cast(coord - base, data.dtype)
            first = Cast(_INDEX, base)
            low[s], high[s] = _clamp(first, d[s]), _clamp(first + 1, d[s])

        def at(h: PrimExpr, w: PrimExpr) -> PrimExpr:
            return data[layout_index(layout, **{**o, "H": h, "W": w})]

        one = fconst(1.0, data.dtype)
        top = at(low["H"], low["W"]) * (one - frac["W"]) + at(low["H"], high["W"]) * frac["W"]
        bottom = at(high["H"], low["W"]) * (one - frac["W"]) + at(high["H"], high["W"]) * frac["W"]
        return cast(top * (one - frac["H"]) + bottom * frac["H"], dt)

    return te_.compute(shape, nearest if method == "nearest_neighbor" else bilinear, "resize2d")


def _legalize_resize(bb: BlockBuilder, call: Call) -> Expr:
    size, layout, method, mode, rounding, out_dtype = _attrs(call)
    kwargs = {
        "size": size,
        "layout": layout,
        "method": method,
        "mode": mode,
        "rounding": rounding,
        "out_dtype": out_dtype,
    }
    return te_call(bb, _resize_te, call.args, kwargs, "resize2d")


register_op(
    "image.resize2d",
    infer=_infer_resize,
    num_args=1,
    attrs_schema={
        "size": attr(int, tuple, required=True),
        "layout": attr(str, default="NCHW"),
        "method": attr(str, default="linear"),
        "coordinate_transformation_mode": attr(str, default="half_pixel"),
        "rounding_method": attr(str, default="round"),
        "out_dtype": attr(DataType, str, type(None)),
    },
    legalize=_legalize_resize,
)


def resize2d(
    data: ArgExpr,
    size: int | Sequence[int],
    layout: str = "NCHW",
    method: str = "linear",
    coordinate_transformation_mode: str = "half_pixel",
    rounding_method: str = "round",
    out_dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """Resize the spatial axes of `data` to `size` = (height, width).

    Script: ``R.image.resize2d(x, size=(8, 8), method="nearest_neighbor")``.
    """
    attrs = {
        "size": size if isinstance(size, int) else tuple(size),
        "layout": layout,
        "method": method,
        "coordinate_transformation_mode": coordinate_transformation_mode,
        "rounding_method": rounding_method,
        "out_dtype": dtype_value(out_dtype),
    }
    call = make_call("image.resize2d", (data,), attrs, span=span)
    attrs["size"] = _size(call)
    _attrs(call)
    return make_call("image.resize2d", (data,), attrs, span=span)
