"""Joining and splitting along an axis: concat and split.

concat joins a tuple of tensors; split cuts one at indices or into equal sections (a tuple).

Sizes off the axis must agree: provably different ones are errors, unknown ones run-time checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from ...diagnostics import StructInfoError
from ...dtype import DataType
from ...span import Span
from ...tir import PrimExpr, const, eq, floordiv, floormod, if_then_else, ne
from ...tir.arith import Analyzer
from ...tir.te import Tensor, compute
from ..expr import ArgExpr, Call, ShapeExpr, Tuple
from ..infer import RuntimeCheck, assume_sizes
from ..infer.shape import dim_text
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo, TupleStructInfo
from .axes import int_attr, normalize_axis
from .base import make_call, op_name, tensor_arg
from .lowering import INDEX, lower, result_shape, shape_analyzer, tensor_fields, unravel_index

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _require(call: Call, ctx: InferContext, cond: PrimExpr, error: str, check: str) -> None:
    """`cond` holds: proved, refuted (`error`), or left to a run-time check (`check`)."""
    if ctx.analyzer.can_prove(cond):
        return
    if ctx.analyzer.can_prove(ne(cond, const(True, "bool"))):
        raise StructInfoError(f"R.{op_name(call)}: {error}", call.span)
    ctx.checks.append(RuntimeCheck(cond, f"R.{op_name(call)}: {check}", call.span))


# -- concat --------------------------------------------------------------------------------


def _field(call: Call, sinfo: StructInfo, i: int) -> TensorStructInfo:
    if not isinstance(sinfo, TensorStructInfo):
        raise StructInfoError(
            f"R.concat: field {i} of the tuple must be a tensor, not {type(sinfo).__name__}",
            call.span,
        )
    return sinfo


def _common_dtype(call: Call, parts: Sequence[TensorStructInfo]) -> DataType | None:
    known = {str(p.dtype) for p in parts if p.dtype is not None}
    if len(known) > 1:
        raise StructInfoError(
            f"R.concat needs tensors of one dtype, got {' and '.join(sorted(known))}", call.span
        )
    return None if any(p.dtype is None for p in parts) else parts[0].dtype


def _infer_concat(call: Call, ctx: InferContext) -> StructInfo:
    sinfo = getattr(call.args[0], "struct_info", None)
    if not isinstance(sinfo, TupleStructInfo) or not sinfo.fields:
        raise StructInfoError("R.concat takes a non-empty tuple of tensors", call.span)
    parts = [_field(call, f, i) for i, f in enumerate(sinfo.fields)]
    dt = _common_dtype(call, parts)
    axis = int_attr(call, "axis")
    if axis is None:  # flatten every part, then join
        if any(p.values is None for p in parts):
            return TensorStructInfo(None, dt, 1)
        total = sum((_count(p.values) for p in parts), const(0, INDEX))  # type: ignore[arg-type]
        return TensorStructInfo(ShapeExpr((ctx.analyzer.simplify(total),)), dt)
    ranks = {p.ndim for p in parts if p.ndim != -1}
    if len(ranks) > 1:
        raise StructInfoError(
            f"R.concat needs tensors of one rank, got ranks {sorted(ranks)}", call.span
        )
    if not ranks:
        return TensorStructInfo(None, dt, -1)
    ndim = ranks.pop()
    axis = normalize_axis(call, axis, ndim)
    if any(p.values is None for p in parts):
        return TensorStructInfo(None, dt, ndim)
    first = parts[0].values
    assert first is not None
    assume_sizes(ctx.analyzer, [v for p in parts for v in p.values or ()])
    for i, p in enumerate(parts[1:], 1):
        assert p.values is not None
        for d in range(ndim):
            if d == axis or ctx.analyzer.can_prove_equal(p.values[d], first[d]):
                continue
            a, b = dim_text(first[d]), dim_text(p.values[d])
            _require(
                call,
                ctx,
                eq(p.values[d], first[d]),
                f"tensor {i} has size {b} on axis {d}, tensor 0 has {a}",
                f"size {b} of tensor {i} on axis {d} must equal {a}",
            )
    total = sum((p.values[axis] for p in parts[1:]), first[axis])  # type: ignore[index]
    shape = tuple(ctx.analyzer.simplify(total) if d == axis else v for d, v in enumerate(first))
    return TensorStructInfo(ShapeExpr(shape), dt)


def _count(values: Sequence[PrimExpr]) -> PrimExpr:
    out: PrimExpr = const(1, INDEX)
    for v in values:
        out = out * v
    return out


def _legalize_concat(bb: BlockBuilder, call: Call) -> Call:
    axis = int_attr(call, "axis")

    def fn(parts: list[Tensor], shape: tuple[PrimExpr, ...]) -> Tensor:
        analyzer = shape_analyzer(shape, *(p.shape for p in parts))
        if axis is None:
            sizes = [analyzer.simplify(_count(p.shape)) for p in parts]
            at = 0
        else:
            at = normalize_axis(call, axis, len(shape))
            sizes = [p.shape[at] for p in parts]

        def element(*i: PrimExpr) -> PrimExpr:
            # The last part is the fallback; earlier ones are chosen lazily, from the back.
            bounds = [const(0, INDEX)]
            for size in sizes:
                bounds.append(analyzer.simplify(bounds[-1] + size))
            value: PrimExpr | None = None
            for k in range(len(parts) - 1, -1, -1):
                p, local = parts[k], analyzer.simplify(i[at] - bounds[k])
                if axis is None:
                    load = p[unravel_index(local, p.shape)]
                else:
                    load = p[tuple(local if d == at else v for d, v in enumerate(i))]
                value = load if value is None else if_then_else(i[at] < bounds[k + 1], load, value)
            assert value is not None
            return value

        return compute(shape, element, "T_concat")

    return lower(bb, call, fn, tensor_fields(bb, call.args[0]), shape=result_shape(call))


# -- split ---------------------------------------------------------------------------------


def _cuts(call: Call, size: PrimExpr, analyzer: Analyzer) -> list[tuple[PrimExpr, PrimExpr]]:
    """(begin, extent) of each piece along an axis of `size`."""
    spec = call.attrs["indices_or_sections"]
    if isinstance(spec, int):
        extent = analyzer.simplify(floordiv(size, spec))
        return [(analyzer.simplify(extent * k), extent) for k in range(spec)]
    bounds = [const(0, INDEX), *(const(v, INDEX) for v in spec), size]
    return [
        (bounds[k], analyzer.simplify(bounds[k + 1] - bounds[k])) for k in range(len(bounds) - 1)
    ]


def _check_split(call: Call, ctx: InferContext, size: PrimExpr) -> None:
    spec = call.attrs["indices_or_sections"]
    if isinstance(spec, int):
        rem = floormod(size, spec)
        if not ctx.analyzer.can_prove_equal(rem, 0):
            _require(
                call,
                ctx,
                eq(rem, 0),
                f"cannot split size {dim_text(size)} into {spec} equal sections",
                f"{spec} sections must divide size {dim_text(size)}",
            )
        return
    last = const(spec[-1], INDEX) if spec else const(0, INDEX)
    _require(
        call,
        ctx,
        last <= size,
        f"split index {spec[-1] if spec else 0} is beyond size {dim_text(size)}",
        f"split index {spec[-1] if spec else 0} must be at most size {dim_text(size)}",
    )


def _check_spec(call: Call) -> None:
    spec = call.attrs["indices_or_sections"]
    if isinstance(spec, int):
        if spec < 1:
            raise StructInfoError(f"R.split needs at least 1 section, not {spec}", call.span)
        return
    if any(isinstance(v, bool) or not isinstance(v, int) for v in spec):
        raise StructInfoError(f"R.split indices must be ints, not {spec}", call.span)
    if any(v < 0 for v in spec) or any(a > b for a, b in pairwise(spec)):
        raise StructInfoError(
            f"R.split indices must be non-negative and ascending, not {spec}", call.span
        )


def _infer_split(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    _check_spec(call)
    spec = call.attrs["indices_or_sections"]
    count = spec if isinstance(spec, int) else len(spec) + 1
    if x.ndim == -1:
        return TupleStructInfo(tuple(TensorStructInfo(None, x.dtype, -1) for _ in range(count)))
    axis = normalize_axis(call, int_attr(call, "axis") or 0, x.ndim)
    if x.values is None:
        return TupleStructInfo(tuple(TensorStructInfo(None, x.dtype, x.ndim) for _ in range(count)))
    assume_sizes(ctx.analyzer, x.values)
    _check_split(call, ctx, x.values[axis])
    pieces = []
    for _, extent in _cuts(call, x.values[axis], ctx.analyzer):
        shape = tuple(extent if d == axis else v for d, v in enumerate(x.values))
        pieces.append(TensorStructInfo(ShapeExpr(shape), x.dtype))
    return TupleStructInfo(tuple(pieces))


def _legalize_split(bb: BlockBuilder, call: Call) -> Call:
    def fn(x: Tensor) -> list[Tensor]:
        axis = normalize_axis(call, int_attr(call, "axis") or 0, x.ndim)
        analyzer = shape_analyzer(x.shape)
        outs = []
        for k, (begin, extent) in enumerate(_cuts(call, x.shape[axis], analyzer)):
            shape = tuple(extent if d == axis else v for d, v in enumerate(x.shape))

            def element(*i: PrimExpr, begin: PrimExpr = begin) -> PrimExpr:
                return x[tuple(v + begin if d == axis else v for d, v in enumerate(i))]

            outs.append(compute(shape, element, f"T_split_{k}"))
        return outs

    sinfo = call.struct_info
    if not isinstance(sinfo, TupleStructInfo) or any(
        not isinstance(f, TensorStructInfo) or f.values is None for f in sinfo.fields
    ):
        raise StructInfoError(
            f"cannot legalize R.split: its result {sinfo} needs known shapes", call.span
        )
    return lower(bb, call, fn, call.args[0])


register_op(
    "concat",
    infer=_infer_concat,
    num_args=1,
    attrs_schema={"axis": attr(int, type(None), default=0)},
    legalize=_legalize_concat,
)
register_op(
    "split",
    infer=_infer_split,
    num_args=1,
    attrs_schema={
        "indices_or_sections": attr(int, tuple, required=True),
        "axis": attr(int, default=0),
    },
    legalize=_legalize_split,
)


def concat(
    tensors: ArgExpr | Sequence[ArgExpr], axis: int | None = 0, span: Span | None = None
) -> Call:
    """The tensors joined along `axis` (None: flattened, then joined).

    Script: ``R.concat((a, b), axis=1)``.
    """
    if isinstance(tensors, Sequence):
        tensors = Tuple(tuple(tensors), span=span)
    return make_call("concat", (tensors,), {"axis": axis}, span=span)


def split(
    x: ArgExpr,
    indices_or_sections: int | Sequence[int],
    axis: int = 0,
    span: Span | None = None,
) -> Call:
    """`x` cut along `axis` into equal sections, or at ascending indices (a tuple result).

    Script: ``R.split(x, 2, axis=1)``, ``R.split(x, [1, 3])``.
    """
    spec = indices_or_sections
    if isinstance(spec, list):
        spec = tuple(spec)
    return make_call("split", (x,), {"indices_or_sections": spec, "axis": axis}, span=span)
