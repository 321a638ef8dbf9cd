"""Linear algebra: matmul (numpy semantics: batched, broadcast batch dims, 1-D operands), linear.

``linear(x, weight, bias)`` is ``x @ weight.T + bias`` with `weight` laid out (out, in) as in
torch, so a model's weights import unchanged. Both take an optional `out_dtype`: operands are
converted to it before they are multiplied and accumulated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...dtype import DataType
from ...span import Span
from ...tir import PrimExpr, const
from ...tir import te as te_
from ...tir.arith import Analyzer
from ..expr import ArgExpr, Call, Expr, ShapeExpr
from ..infer import broadcast_shapes, matmul_shape
from ..registry import InferContext, attr, register_op
from ..struct_info import StructInfo, TensorStructInfo
from ..te_call import te_call
from .base import make_call, same_dtype, tensor_arg
from .lowering import cast
from .shape_checks import dtype_attr, dtype_value, op_error
from .te_util import broadcast_read

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder


def _result_dtype(call: Call, infos: list[TensorStructInfo]) -> DataType | None:
    common = same_dtype(call, infos)
    out_dtype = dtype_attr(call, "out_dtype")
    return common if out_dtype is None else out_dtype


def _unknown_matmul_rank(a: TensorStructInfo, b: TensorStructInfo) -> int:
    if -1 in (a.ndim, b.ndim):
        return -1
    return max(a.ndim, b.ndim, 2) - (a.ndim == 1) - (b.ndim == 1)


def _infer_matmul(call: Call, ctx: InferContext) -> StructInfo:
    a, b = tensor_arg(call, 0), tensor_arg(call, 1)
    dt = _result_dtype(call, [a, b])
    if 0 in (a.ndim, b.ndim):
        raise op_error(call, "operands must have at least one dimension")
    if a.values is None or b.values is None:
        return TensorStructInfo(None, dt, _unknown_matmul_rank(a, b))
    shape, checks = matmul_shape(a.values, b.values, ctx.analyzer, call.span)
    ctx.checks.extend(checks)
    return TensorStructInfo(ShapeExpr(shape), dt)


def _infer_linear(call: Call, ctx: InferContext) -> StructInfo:
    if len(call.args) not in (2, 3):
        raise op_error(call, f"takes (x, weight) or (x, weight, bias), not {len(call.args)} args")
    x, w = tensor_arg(call, 0), tensor_arg(call, 1)
    bias = tensor_arg(call, 2) if len(call.args) == 3 else None
    dt = _result_dtype(call, [x, w] if bias is None else [x, w, bias])
    if x.ndim == 0:
        raise op_error(call, "x must have at least one dimension")
    if w.ndim not in (-1, 1, 2):
        raise op_error(call, f"weight must be (out, in) or 1-D, not of rank {w.ndim}")
    if x.values is None or w.values is None or (bias is not None and bias.values is None):
        rank = _unknown_matmul_rank(x, w)
        if bias is not None:
            rank = -1 if -1 in (rank, bias.ndim) else max(rank, bias.ndim)
        return TensorStructInfo(None, dt, rank)
    shape, checks = matmul_shape(x.values, tuple(reversed(w.values)), ctx.analyzer, call.span)
    if bias is not None and bias.values is not None:
        shape, more = broadcast_shapes(shape, bias.values, ctx.analyzer, call.span)
        checks = checks + more
    ctx.checks.extend(checks)
    return TensorStructInfo(ShapeExpr(shape), dt)


def _batch_shape(a: tuple[PrimExpr, ...], b: tuple[PrimExpr, ...]) -> list[PrimExpr]:
    """Broadcast batch dims choosing sizes exactly as `broadcast_shapes` does in inference."""
    analyzer = Analyzer()
    rank = max(len(a), len(b))
    one = const(1, "int64")
    a = (one,) * (rank - len(a)) + a
    b = (one,) * (rank - len(b)) + b
    out = []
    for x, y in zip(a, b):
        take_y = not analyzer.can_prove_equal(y, 1) and not analyzer.can_prove_equal(x, y)
        out.append(y if take_y and analyzer.can_prove_equal(x, 1) else x)
    return out


def _product_te(
    a: te_.Tensor, b: te_.Tensor, out_dtype: DataType | None, b_transposed: bool = False
) -> tuple[tuple[PrimExpr, ...], Any]:
    """The shape of ``a @ b`` and its ``(index) -> te.sum`` body; a transposed `b` is (n, k)."""
    acc = out_dtype or a.dtype
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    b_shape = (b.shape[1], b.shape[0]) if b_transposed and not b_vec else tuple(b.shape)
    batch = _batch_shape(tuple(a.shape[:-2]), tuple(b_shape[:-2]))
    rank = len(batch)
    rows = () if a_vec else (a.shape[-2],)
    cols = () if b_vec else (b_shape[-1],)
    k = te_.reduce_axis((0, a.shape[-1]), "k")

    def body(*index: PrimExpr) -> Any:
        outer, rest = index[:rank], list(index[rank:])
        i = () if a_vec else (rest.pop(0),)
        j = () if b_vec else (rest.pop(0),)
        a_val: PrimExpr = (
            a[k] if a_vec else broadcast_read(a, (*batch, *rows, a.shape[-1]), (*outer, *i, k))
        )
        b_val: PrimExpr
        if b_vec:
            b_val = b[k]
        elif b_transposed:
            b_val = b[(*j, k)]
        else:
            b_val = broadcast_read(b, (*batch, *b_shape[-2:]), (*outer, k, *j))
        return te_.sum(cast(a_val, acc) * cast(b_val, acc), axis=k)

    return (*batch, *rows, *cols), body


def _matmul_legalize_te(a: te_.Tensor, b: te_.Tensor, out_dtype: DataType | None) -> te_.Tensor:
    shape, body = _product_te(a, b, out_dtype)
    return te_.compute(shape, body, "matmul")


def _linear_legalize_te(
    x: te_.Tensor, weight: te_.Tensor, bias: te_.Tensor | None, out_dtype: DataType | None
) -> te_.Tensor:
    shape, body = _product_te(x, weight, out_dtype, b_transposed=True)
    product = te_.compute(shape, body, "matmul" if bias is None else "linear_mm")
    if bias is None:
        return product
    acc = out_dtype or x.dtype
    return te_.compute(
        shape,
        lambda *i: product[i] + cast(broadcast_read(bias, shape, i), acc),
        "linear",
    )


def _legalize_matmul(bb: BlockBuilder, call: Call) -> Expr:
    return te_call(
        bb, _matmul_legalize_te, call.args, {"out_dtype": dtype_attr(call, "out_dtype")}, "matmul"
    )


def _legalize_linear(bb: BlockBuilder, call: Call) -> Expr:
    x, w = call.args[0], call.args[1]
    bias = call.args[2] if len(call.args) == 3 else None
    attrs = {"out_dtype": dtype_attr(call, "out_dtype")}
    return te_call(bb, _linear_legalize_te, (x, w, bias), attrs, "linear")


_OUT_DTYPE = {"out_dtype": attr(DataType, str, type(None))}
register_op(
    "matmul", infer=_infer_matmul, num_args=2, attrs_schema=_OUT_DTYPE, legalize=_legalize_matmul
)
register_op("linear", infer=_infer_linear, attrs_schema=_OUT_DTYPE, legalize=_legalize_linear)


def matmul(
    a: ArgExpr, b: ArgExpr, out_dtype: str | DataType | None = None, span: Span | None = None
) -> Call:
    """``a @ b``; `out_dtype` defaults to the operands'. Script: ``R.matmul(a, b)``."""
    attrs = {"out_dtype": dtype_value(out_dtype)}
    return make_call("matmul", (a, b), attrs, span=span)


def linear(
    x: ArgExpr,
    weight: ArgExpr,
    bias: ArgExpr | None = None,
    out_dtype: str | DataType | None = None,
    span: Span | None = None,
) -> Call:
    """``x @ weight.T + bias`` with `weight` of shape (out, in). Script: ``R.linear(x, w, b)``."""
    args = (x, weight) if bias is None else (x, weight, bias)
    attrs = {"out_dtype": dtype_value(out_dtype)}
    return make_call("linear", args, attrs, span=span)
