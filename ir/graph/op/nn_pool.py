"""2-D pooling: max_pool2d, avg_pool2d and adaptive_avg_pool2d (NCHW by default, or NHWC).

Windows share the sliding-window attributes of the convolutions (`window.py`). Padding may be
at most half the (dilated) window, as in PyTorch, so every window covers some input and a max
never returns the padding value. ``count_include_pad`` decides whether padded positions count
in an average's divisor; positions past the padding (a ``ceil_mode`` overhang) never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...dtype import DataType
from ...span import Span
from ...tir import IntImm, PrimExpr, const, floordiv, max_, min_
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr, ShapeExpr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .base import make_call, op_name, tensor_arg
from .lowering import cast
from .shape_checks import (
    assume_shapes,
    float_tensor,
    int_tuple,
    layout_attr,
    op_error,
    require_ndim,
)
from .te_util import fconst, guarded, in_range, layout_dims, layout_index, simplify
from .window import Window, check_fits, dilated, out_size, window_attrs

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

_SPATIAL = "HW"


def _pool_attrs(call: Call) -> tuple[tuple[int, ...], Window, bool, str]:
    pool = int_tuple(call, "pool_size", (1, 2), minimum=1)
    pool = pool * 2 if len(pool) == 1 else pool
    window = window_attrs(call, 2)
    ceil_mode = call.attrs.get("ceil_mode")
    if not isinstance(ceil_mode, bool):
        raise op_error(call, f"ceil_mode must be a bool, not {ceil_mode!r}")
    for axis in range(2):
        half = dilated(pool[axis], window.dilation[axis]) // 2
        pads = (window.pad_before[axis], window.pad_after[axis])
        if max(pads) > half:
            raise op_error(
                call,
                f"padding {pads} of axis {_SPATIAL[axis]} exceeds half the window ({half}); "
                "a window would cover only padding",
            )
    layout = layout_attr(call, "layout", "NC" + _SPATIAL)
    return pool, window, ceil_mode, layout


def _infer_pool(call: Call, ctx: InferContext) -> StructInfo:
    pool, window, ceil_mode, layout = _pool_attrs(call)
    is_avg = op_name(call) == "nn.avg_pool2d"
    if is_avg:
        x = float_tensor(call, 0, "data")
        if not isinstance(call.attrs.get("count_include_pad"), bool):
            raise op_error(call, "count_include_pad must be a bool")
    else:
        x = tensor_arg(call, 0)
        if x.dtype is not None and not (x.dtype.is_float or x.dtype.is_integer):
            raise op_error(call, f"needs a numeric tensor, not {x.dtype}")
    require_ndim(call, x, 4, "data")
    if x.values is None:
        return TensorStructInfo(None, x.dtype, 4)
    assume_shapes(ctx, x)
    dims = layout_dims(layout, x.values)
    for axis, letter in enumerate(_SPATIAL):
        k = const(pool[axis], "int64")
        check_fits(call, ctx, dims[letter], k, window, axis, letter)
        size = out_size(dims[letter], k, window, axis, ceil_mode)
        dims[letter] = ctx.analyzer.simplify(size)
    return TensorStructInfo(ShapeExpr(tuple(dims[letter] for letter in layout)), x.dtype)


def _taps_in(
    start: PrimExpr, taps: int, dilation: int, lo: PrimExpr | int, hi: PrimExpr
) -> PrimExpr:
    """How many of ``start + r * dilation`` (r < taps) lie in ``[lo, hi)``."""
    first = max_(-floordiv(start - lo, dilation), 0)
    last = min_(floordiv(hi - 1 - start, dilation), taps - 1)
    return max_(last - first + 1, 0)


def _pool_te(
    data: te_.Tensor,
    kind: str,
    pool: tuple[int, ...],
    window: Window,
    ceil_mode: bool,
    count_include_pad: bool,
    layout: str,
) -> te_.Tensor:
    d = layout_dims(layout, data.shape)
    dims = dict(d)
    for axis, letter in enumerate(_SPATIAL):
        k = const(pool[axis], "int64")
        dims[letter] = simplify(out_size(d[letter], k, window, axis, ceil_mode))
    shape = tuple(dims[letter] for letter in layout)
    taps = {
        s: te_.reduce_axis((0, const(pool[a], "int64")), "r" + s.lower())
        for a, s in enumerate(_SPATIAL)
    }

    def start(o: dict[str, PrimExpr], axis: int) -> PrimExpr:
        return o[_SPATIAL[axis]] * window.strides[axis] - window.pad_before[axis]

    def source(index: Sequence[PrimExpr], otherwise: PrimExpr, acc: DataType) -> PrimExpr:
        o = dict(zip(layout, index))
        pos, conds = dict(o), []
        for axis, s in enumerate(_SPATIAL):
            pos[s] = start(o, axis) + taps[s] * window.dilation[axis]
            conds.append(in_range(pos[s], d[s]))
        return guarded(conds, cast(data[layout_index(layout, **pos)], acc), otherwise)

    acc = data.dtype
    if kind == "max":
        lowest = const(data.dtype.min_value(), data.dtype)
        return te_.compute(
            shape, lambda *i: te_.max(source(i, lowest, acc), axis=[*taps.values()]), "max_pool2d"
        )
    zero = fconst(0.0, acc)
    total = te_.compute(
        shape, lambda *i: te_.sum(source(i, zero, acc), axis=[*taps.values()]), "pool_sum"
    )

    def average(*index: PrimExpr) -> PrimExpr:
        o = dict(zip(layout, index))
        n: PrimExpr = const(1, "int64")
        for axis, s in enumerate(_SPATIAL):
            lo = -window.pad_before[axis] if count_include_pad else 0
            hi = d[s] + window.pad_after[axis] if count_include_pad else d[s]
            n = n * _taps_in(start(o, axis), pool[axis], window.dilation[axis], lo, hi)
        return total[index] / cast(n, acc)

    return te_.compute(shape, average, "avg_pool2d")


def _legalize_pool(bb: BlockBuilder, call: Call) -> Expr:
    pool, window, ceil_mode, layout = _pool_attrs(call)
    kind = "avg" if op_name(call) == "nn.avg_pool2d" else "max"
    kwargs = {
        "kind": kind,
        "pool": pool,
        "window": window,
        "ceil_mode": ceil_mode,
        "count_include_pad": bool(call.attrs.get("count_include_pad", False)),
        "layout": layout,
    }
    return te_call(bb, _pool_te, call.args, kwargs, f"{kind}_pool2d")


# -- adaptive average pooling -------------------------------------------------------------


def _adaptive_size(call: Call) -> tuple[int, int] | None:
    value = call.attrs.get("output_size")
    if value is None:
        return None
    sizes = int_tuple(call, "output_size", (1, 2), minimum=1)
    return (sizes[0], sizes[0]) if len(sizes) == 1 else (sizes[0], sizes[1])


def _infer_adaptive(call: Call, ctx: InferContext) -> StructInfo:
    x = float_tensor(call, 0, "data")
    size = _adaptive_size(call)
    layout = layout_attr(call, "layout", "NC" + _SPATIAL)
    require_ndim(call, x, 4, "data")
    if x.values is None or size is None:
        return x
    dims = layout_dims(layout, x.values)
    dims["H"], dims["W"] = const(size[0], "int64"), const(size[1], "int64")
    return TensorStructInfo(ShapeExpr(tuple(dims[letter] for letter in layout)), x.dtype)


def _bins(size: PrimExpr, bins: int, i: PrimExpr) -> tuple[PrimExpr, PrimExpr]:
    """The input range ``[start, end)`` that output bin `i` of `bins` averages."""
    return floordiv(i * size, bins), floordiv((i + 1) * size + bins - 1, bins)


def _widest_bin(size: PrimExpr, bins: int) -> PrimExpr:
    if isinstance(size, IntImm):
        widths = [-(-(i + 1) * size.value // bins) - (i * size.value) // bins for i in range(bins)]
        return const(max(widths), "int64")
    return simplify(floordiv(size + bins - 1, bins) + 1)


def _adaptive_te(data: te_.Tensor, size: tuple[int, int] | None, layout: str) -> te_.Tensor:
    d = layout_dims(layout, data.shape)
    bins = {"H": size[0], "W": size[1]} if size is not None else None
    dims = dict(d)
    if bins is not None:
        dims["H"], dims["W"] = const(bins["H"], "int64"), const(bins["W"], "int64")
    shape = tuple(dims[letter] for letter in layout)
    acc = data.dtype
    taps = {}
    for s in _SPATIAL:
        widest = _widest_bin(d[s], bins[s]) if bins is not None else const(1, "int64")
        taps[s] = te_.reduce_axis((0, widest), "r" + s.lower())

    def ranges(o: dict[str, PrimExpr], s: str) -> tuple[PrimExpr, PrimExpr]:
        if bins is None:
            return o[s], o[s] + 1
        return _bins(d[s], bins[s], o[s])

    def summed(*index: PrimExpr) -> Any:
        o = dict(zip(layout, index))
        pos, conds = dict(o), []
        for s in _SPATIAL:
            begin, end = ranges(o, s)
            pos[s] = begin + taps[s]
            conds.append(pos[s] < end)
        value = guarded(conds, data[layout_index(layout, **pos)], fconst(0.0, acc))
        return te_.sum(value, axis=[*taps.values()])

    total = te_.compute(shape, summed, "pool_sum")

    def average(*index: PrimExpr) -> PrimExpr:
        o = dict(zip(layout, index))
        n: PrimExpr = const(1, "int64")
        for s in _SPATIAL:
            begin, end = ranges(o, s)
            n = n * (end - begin)
        return total[index] / cast(n, acc)

    return te_.compute(shape, average, "adaptive_avg_pool2d")


def _legalize_adaptive(bb: BlockBuilder, call: Call) -> Expr:
    kwargs = {"size": _adaptive_size(call), "layout": layout_attr(call, "layout", "NCHW")}
    return te_call(bb, _adaptive_te, call.args, kwargs, "adaptive_avg_pool2d")


_WINDOW = {
    "pool_size": attr(int, tuple, default=1),
    "strides": attr(int, tuple, default=1),
    "padding": attr(int, tuple, default=0),
    "dilation": attr(int, tuple, default=1),
    "ceil_mode": attr(bool, default=False),
}
_LAYOUT = attr(str, default="NCHW")
_AVG = {**_WINDOW, "count_include_pad": attr(bool, default=False), "layout": _LAYOUT}
_ADAPTIVE = {"output_size": attr(int, tuple, type(None)), "layout": _LAYOUT}
register_op(
    "nn.max_pool2d",
    infer=_infer_pool,
    num_args=1,
    attrs_schema={**_WINDOW, "layout": _LAYOUT},
    legalize=_legalize_pool,
)
register_op(
    "nn.avg_pool2d", infer=_infer_pool, num_args=1, attrs_schema=_AVG, legalize=_legalize_pool
)
register_op(
    "nn.adaptive_avg_pool2d",
    infer=_infer_adaptive,
    num_args=1,
    attrs_schema=_ADAPTIVE,
    legalize=_legalize_adaptive,
)


def _make(name: str, data: ArgExpr, attrs: dict[str, Any], span: Span | None) -> Call:
    call = make_call(name, (data,), attrs, span=span)
    pool, window, _, _ = _pool_attrs(call)
    expanded = {"pool_size": pool, "strides": window.strides, "dilation": window.dilation}
    return make_call(name, (data,), {**attrs, **expanded, "padding": window.padding}, span=span)


def max_pool2d(
    data: ArgExpr,
    pool_size: int | tuple[int, ...] = 1,
    strides: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    ceil_mode: bool = False,
    layout: str = "NCHW",
    span: Span | None = None,
) -> Call:
    """The maximum of each window. Script: ``R.nn.max_pool2d(x, pool_size=(2, 2), ...)``."""
    attrs: dict[str, Any] = {"pool_size": pool_size, "strides": strides, "padding": padding}
    attrs |= {"dilation": dilation, "ceil_mode": ceil_mode, "layout": layout}
    return _make("nn.max_pool2d", data, attrs, span)


def avg_pool2d(
    data: ArgExpr,
    pool_size: int | tuple[int, ...] = 1,
    strides: int | tuple[int, ...] = 1,
    padding: int | tuple[int, ...] = 0,
    dilation: int | tuple[int, ...] = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = False,
    layout: str = "NCHW",
    span: Span | None = None,
) -> Call:
    """The mean of each window. Script: ``R.nn.avg_pool2d(x, pool_size=(2, 2), ...)``."""
    attrs: dict[str, Any] = {"pool_size": pool_size, "strides": strides, "padding": padding}
    attrs |= {"dilation": dilation, "ceil_mode": ceil_mode}
    attrs |= {"count_include_pad": count_include_pad, "layout": layout}
    return _make("nn.avg_pool2d", data, attrs, span)


def adaptive_avg_pool2d(
    data: ArgExpr,
    output_size: int | tuple[int, ...] | None = None,
    layout: str = "NCHW",
    span: Span | None = None,
) -> Call:
    """Average into an `output_size` grid of near-equal bins (None: the input's size).

    Script: ``R.nn.adaptive_avg_pool2d(x, output_size=(1, 1))``.
    """
    call = make_call(
        "nn.adaptive_avg_pool2d", (data,), {"output_size": output_size, "layout": layout}, span=span
    )
    size = _adaptive_size(call)
    layout_attr(call, "layout", "NC" + _SPATIAL)
    attrs = {"output_size": size, "layout": layout}
    return make_call("nn.adaptive_avg_pool2d", (data,), attrs, span=span)
