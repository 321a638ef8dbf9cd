"""Normalizations: layer_norm, rms_norm, group_norm, and batch_norm for inference.

Statistics are computed in two passes (the mean, then the mean squared deviation), which is
stable where ``E[x^2] - E[x]^2`` cancels. ``batch_norm`` here is the inference form: it uses the
given moving statistics and returns only the normalized tensor. TVM's ``R.nn.batch_norm``
returns a tuple (output, new moving mean, new moving variance) because it also serves training;
inference graphs only ever read field 0, and a single tensor keeps them free of tuple plumbing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ...span import Span
from ...tir import PrimExpr, floordiv, unary
from ...tir import te as te_
from ..expr import ArgExpr, Call, Expr
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .axes import normalize_axes, normalize_axis
from .base import make_call, op_name, same_dtype, tensor_arg
from .lowering import cast
from .shape_checks import (
    assume_shapes,
    axes_attr,
    float_attr,
    float_tensor,
    int_attr,
    known_rank,
    op_error,
    prove_divisible,
    prove_equal,
    size_text,
)
from .te_util import count, fconst

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _epsilon(call: Call) -> float:
    eps = float_attr(call, "epsilon")
    if eps < 0:
        raise op_error(call, f"epsilon must be non-negative, not {eps}")
    return eps


_ROLES = {
    "nn.layer_norm": ("gamma", "beta"),
    "nn.rms_norm": ("weight",),
    "nn.group_norm": ("gamma", "beta"),
    "nn.batch_norm": ("gamma", "beta", "moving_mean", "moving_var"),
}


def _check_params(call: Call, ctx: InferContext, x: TensorStructInfo, axes: Sequence[int]) -> None:
    """The arguments after `x` must have the shape of `x` at `axes`."""
    params = [tensor_arg(call, i) for i in range(1, len(call.args))]
    for role, param in zip(_ROLES[op_name(call)], params):
        if param.ndim not in (-1, len(axes)):
            raise op_error(call, f"{role} must have rank {len(axes)}, not {param.ndim}")
        if x.values is None or param.values is None:
            continue
        assume_shapes(ctx, x, param)
        for axis, size in zip(axes, param.values):
            expect = x.values[axis]
            what = f"{role} has size {size_text(size)} where data axis {axis} has"
            prove_equal(call, ctx, size, expect, f"{what} {size_text(expect)}")


def _data(call: Call) -> TensorStructInfo:
    """The normalized tensor; every argument must share its (float) dtype."""
    x = float_tensor(call, 0, "data")
    same_dtype(call, [tensor_arg(call, i) for i in range(len(call.args))])
    return x


def _infer_axes_norm(call: Call, ctx: InferContext) -> StructInfo:
    x = _data(call)
    axes = axes_attr(call, "axes")
    _epsilon(call)
    if x.ndim == -1:
        return x
    _check_params(call, ctx, x, normalize_axes(call, axes, x.ndim, "axes"))
    return x


def _infer_batch_norm(call: Call, ctx: InferContext) -> StructInfo:
    x = _data(call)
    axis = int_attr(call, "axis")
    _epsilon(call)
    if x.ndim == -1:
        return x
    _check_params(call, ctx, x, [normalize_axis(call, axis, x.ndim)])
    return x


def _group_axes(call: Call, ndim: int) -> tuple[int, Sequence[int]]:
    channel = normalize_axis(call, int_attr(call, "channel_axis"), ndim, "channel_axis")
    raw = call.attrs.get("axes")
    if raw is None:
        axes = [d for d in range(1, ndim) if d != channel]
    else:
        axes = normalize_axes(call, axes_attr(call, "axes"), ndim, "axes")
    if channel in axes:
        raise op_error(call, f"axes {tuple(axes)} must not contain the channel axis {channel}")
    return channel, axes


def _infer_group_norm(call: Call, ctx: InferContext) -> StructInfo:
    x = _data(call)
    groups = int_attr(call, "num_groups", minimum=1)
    _epsilon(call)
    if x.ndim == -1:
        return x
    channel, _ = _group_axes(call, x.ndim)
    _check_params(call, ctx, x, [channel])
    if x.values is not None:
        assume_shapes(ctx, x)
        c = x.values[channel]
        prove_divisible(
            call, ctx, c, groups, f"{size_text(c)} channels do not split into {groups} groups"
        )
    return x


# -- legalization -------------------------------------------------------------------------


def _kept(index: Sequence[PrimExpr], reduced: Sequence[int]) -> tuple[PrimExpr, ...]:
    return tuple(i for d, i in enumerate(index) if d not in reduced)


def _with_axes(
    kept: Sequence[PrimExpr], axes: Sequence[int], values: Sequence[PrimExpr], ndim: int
) -> tuple[PrimExpr, ...]:
    """A full index from the kept dims' indices and one value per reduced axis."""
    at = dict(zip(axes, values))
    rest = iter(kept)
    return tuple(at[d] if d in at else next(rest) for d in range(ndim))


Stat = Callable[[Sequence[PrimExpr]], PrimExpr]


def _moments(x: te_.Tensor, axes: Sequence[int], centered: bool = True) -> tuple[Stat, Stat]:
    """The mean and the mean squared deviation along `axes`, as functions of a full index.

    Uncentered (rms_norm), the deviation is from zero: the mean square.
    """
    t, ndim = x.dtype, x.ndim
    kept_shape = _kept(x.shape, axes)
    n = cast(count(x.shape, axes), t)
    total = None
    if centered:
        r = [te_.reduce_axis((0, x.shape[a]), f"k{a}") for a in axes]
        total = te_.compute(
            kept_shape, lambda *i: te_.sum(x[_with_axes(i, axes, r, ndim)], axis=r), "x_sum"
        )

    def mean(index: Sequence[PrimExpr]) -> PrimExpr:
        return fconst(0.0, t) if total is None else total[_kept(index, axes)] / n

    r2 = [te_.reduce_axis((0, x.shape[a]), f"k{a}") for a in axes]

    def deviation(*i: PrimExpr) -> Any:
        full = _with_axes(i, axes, r2, ndim)
        d = x[full] - mean(full)
        return te_.sum(d * d, axis=r2)

    squares = te_.compute(kept_shape, deviation, "x_sq_sum")
    return mean, lambda index: squares[_kept(index, axes)] / n


def _layer_norm_te(
    x: te_.Tensor, gamma: te_.Tensor, beta: te_.Tensor, axes: list[int], epsilon: float
) -> te_.Tensor:
    mean, var = _moments(x, axes)
    eps = fconst(epsilon, x.dtype)

    def body(*i: PrimExpr) -> PrimExpr:
        at = tuple(i[a] for a in axes)
        scale = unary("rsqrt", var(i) + eps)
        return (x[i] - mean(i)) * scale * gamma[at] + beta[at]

    return te_.compute(x.shape, body, "layer_norm")


def _rms_norm_te(x: te_.Tensor, weight: te_.Tensor, axes: list[int], epsilon: float) -> te_.Tensor:
    _, mean_square = _moments(x, axes, centered=False)
    eps = fconst(epsilon, x.dtype)

    def body(*i: PrimExpr) -> PrimExpr:
        scale = unary("rsqrt", mean_square(i) + eps)
        return x[i] * scale * weight[tuple(i[a] for a in axes)]

    return te_.compute(x.shape, body, "rms_norm")


def _group_norm_te(
    x: te_.Tensor,
    gamma: te_.Tensor,
    beta: te_.Tensor,
    num_groups: int,
    channel: int,
    axes: list[int],
    epsilon: float,
) -> te_.Tensor:
    t, ndim = x.dtype, x.ndim
    per_group = floordiv(x.shape[channel], num_groups)
    outer = [d for d in range(ndim) if d != channel and d not in axes]
    stats_shape = (*(x.shape[d] for d in outer), num_groups)
    n = cast(count(x.shape, axes) * per_group, t)

    def full(stat: Sequence[PrimExpr], rc: PrimExpr, r: Sequence[PrimExpr]) -> tuple:
        at = dict(zip(outer, stat[:-1])) | dict(zip(axes, r))
        at[channel] = stat[-1] * per_group + rc
        return tuple(at[d] for d in range(ndim))

    def stats_index(i: Sequence[PrimExpr]) -> tuple[PrimExpr, ...]:
        return (*(i[d] for d in outer), floordiv(i[channel], per_group))

    rc = te_.reduce_axis((0, per_group), "kc")
    r = [te_.reduce_axis((0, x.shape[a]), f"k{a}") for a in axes]
    total = te_.compute(stats_shape, lambda *s: te_.sum(x[full(s, rc, r)], axis=[rc, *r]), "x_sum")
    rc2 = te_.reduce_axis((0, per_group), "kc")
    r2 = [te_.reduce_axis((0, x.shape[a]), f"k{a}") for a in axes]

    def deviation(*s: PrimExpr) -> Any:
        d = x[full(s, rc2, r2)] - total[s] / n
        return te_.sum(d * d, axis=[rc2, *r2])

    squares = te_.compute(stats_shape, deviation, "x_sq_sum")
    eps = fconst(epsilon, t)

    def body(*i: PrimExpr) -> PrimExpr:
        s = stats_index(i)
        c = i[channel]
        scale = unary("rsqrt", squares[s] / n + eps)
        return (x[i] - total[s] / n) * scale * gamma[c] + beta[c]

    return te_.compute(x.shape, body, "group_norm")


def _batch_norm_te(
    x: te_.Tensor,
    gamma: te_.Tensor,
    beta: te_.Tensor,
    mean: te_.Tensor,
    var: te_.Tensor,
    axis: int,
    epsilon: float,
) -> te_.Tensor:
    eps = fconst(epsilon, x.dtype)

    def body(*i: PrimExpr) -> PrimExpr:
        c = i[axis]
        return (x[i] - mean[c]) * unary("rsqrt", var[c] + eps) * gamma[c] + beta[c]

    return te_.compute(x.shape, body, "batch_norm")


def _legalize_layer_norm(bb: BlockBuilder, call: Call) -> Expr:
    axes = normalize_axes(call, axes_attr(call, "axes"), known_rank(call, 0), "axes")
    kwargs = {"axes": axes, "epsilon": _epsilon(call)}
    return te_call(bb, _layer_norm_te, call.args, kwargs, "layer_norm")


def _legalize_rms_norm(bb: BlockBuilder, call: Call) -> Expr:
    axes = normalize_axes(call, axes_attr(call, "axes"), known_rank(call, 0), "axes")
    kwargs = {"axes": axes, "epsilon": _epsilon(call)}
    return te_call(bb, _rms_norm_te, call.args, kwargs, "rms_norm")


def _legalize_group_norm(bb: BlockBuilder, call: Call) -> Expr:
    channel, axes = _group_axes(call, known_rank(call, 0))
    kwargs = {
        "num_groups": int_attr(call, "num_groups", minimum=1),
        "channel": channel,
        "axes": axes,
        "epsilon": _epsilon(call),
    }
    return te_call(bb, _group_norm_te, call.args, kwargs, "group_norm")


def _legalize_batch_norm(bb: BlockBuilder, call: Call) -> Expr:
    axis = normalize_axis(call, int_attr(call, "axis"), known_rank(call, 0))
    kwargs = {"axis": axis, "epsilon": _epsilon(call)}
    return te_call(bb, _batch_norm_te, call.args, kwargs, "batch_norm")


_EPS = attr(float, int, default=1e-5)
_AXES = attr(int, tuple, default=-1)
register_op(
    "nn.layer_norm",
    infer=_infer_axes_norm,
    num_args=3,
    attrs_schema={"axes": _AXES, "epsilon": _EPS},
    legalize=_legalize_layer_norm,
)
register_op(
    "nn.rms_norm",
    infer=_infer_axes_norm,
    num_args=2,
    attrs_schema={"axes": _AXES, "epsilon": _EPS},
    legalize=_legalize_rms_norm,
)
register_op(
    "nn.group_norm",
    infer=_infer_group_norm,
    num_args=3,
    attrs_schema={
        "num_groups": attr(int, required=True),
        "channel_axis": attr(int, default=1),
        "axes": attr(int, tuple, type(None)),
        "epsilon": _EPS,
    },
    legalize=_legalize_group_norm,
)
register_op(
    "nn.batch_norm",
    infer=_infer_batch_norm,
    num_args=5,
    attrs_schema={"axis": attr(int, default=1), "epsilon": _EPS},
    legalize=_legalize_batch_norm,
)


def layer_norm(
    data: ArgExpr,
    gamma: ArgExpr,
    beta: ArgExpr,
    axes: int | Sequence[int] = -1,
    epsilon: float = 1e-5,
    span: Span | None = None,
) -> Call:
    """Normalize over `axes`, then scale by `gamma` and shift by `beta` (shaped like `axes`).

    Script: ``R.nn.layer_norm(x, gamma, beta, axes=(-1,), epsilon=1e-05)``.
    """
    attrs = {"axes": _axes_value(axes), "epsilon": epsilon}
    return make_call("nn.layer_norm", (data, gamma, beta), attrs, span=span)


def rms_norm(
    data: ArgExpr,
    weight: ArgExpr,
    axes: int | Sequence[int] = -1,
    epsilon: float = 1e-5,
    span: Span | None = None,
) -> Call:
    """``x / sqrt(mean(x^2 over axes) + epsilon) * weight``. Script: ``R.nn.rms_norm(x, w)``."""
    attrs = {"axes": _axes_value(axes), "epsilon": epsilon}
    return make_call("nn.rms_norm", (data, weight), attrs, span=span)


def group_norm(
    data: ArgExpr,
    gamma: ArgExpr,
    beta: ArgExpr,
    num_groups: int,
    channel_axis: int = 1,
    axes: int | Sequence[int] | None = None,
    epsilon: float = 1e-5,
    span: Span | None = None,
) -> Call:
    """Normalize each group of channels over itself and `axes`; then per-channel gamma/beta.

    `axes` defaults to every axis but the first (batch) and the channel axis.
    Script: ``R.nn.group_norm(x, gamma, beta, num_groups=2, channel_axis=1, axes=(2, 3))``.
    """
    attrs = {
        "num_groups": num_groups,
        "channel_axis": channel_axis,
        "axes": None if axes is None else _axes_value(axes),
        "epsilon": epsilon,
    }
    return make_call("nn.group_norm", (data, gamma, beta), attrs, span=span)


def batch_norm(
    data: ArgExpr,
    gamma: ArgExpr,
    beta: ArgExpr,
    moving_mean: ArgExpr,
    moving_var: ArgExpr,
    axis: int = 1,
    epsilon: float = 1e-5,
    span: Span | None = None,
) -> Call:
    """Inference batch norm along the channel `axis`: the normalized tensor (not a tuple).

    Script: ``R.nn.batch_norm(x, gamma, beta, mean, var, axis=1, epsilon=1e-05)``.
    """
    args = (data, gamma, beta, moving_mean, moving_var)
    return make_call("nn.batch_norm", args, {"axis": axis, "epsilon": epsilon}, span=span)


def _axes_value(axes: int | Sequence[int]) -> tuple[int, ...]:
    return (axes,) if isinstance(axes, int) else tuple(axes)
