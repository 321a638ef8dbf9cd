"""The builtins every graph program uses: ``call_dps``, ``call_packed`` and ``shape_of``.

``call_dps(f, args, out_sinfo)`` calls a prim_func (a `GlobalVar`) or a packed function (an
`ExternFunc`) in destination-passing style: the caller allocates outputs of `out_sinfo` and the
callee writes them. ``call_packed`` is a plain (impure) call of an `ExternFunc`; it has no op.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...diagnostics import StructInfoError
from ...module import GlobalVar
from ...span import Span
from ...tir import PrimExpr, PrimFunc
from ..expr import ArgExpr, Call, ExternFunc, ShapeExpr, Tuple
from ..registry import InferContext, register_op
from ..struct_info import (
    ObjectStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)
from .base import make_call, tensor_arg


def _outputs(sinfo: StructInfo, span: Span | None) -> list[TensorStructInfo]:
    fields = sinfo.fields if isinstance(sinfo, TupleStructInfo) else (sinfo,)
    for f in fields:
        if not isinstance(f, TensorStructInfo):
            raise StructInfoError(
                f"call_dps outputs must be tensors (or a tuple of them), not {f}", span
            )
    return list(fields)  # type: ignore[arg-type]


def _infer_call_dps(call: Call, ctx: InferContext) -> StructInfo:
    callee, packed = call.args[0], call.args[1] if len(call.args) > 1 else None
    if not isinstance(callee, GlobalVar | ExternFunc):
        raise StructInfoError("call_dps calls a prim_func or an ExternFunc", call.span)
    if not isinstance(packed, Tuple) or len(call.args) > 3:
        raise StructInfoError("call_dps takes (callee, (args...), [tir_vars])", call.span)
    if len(call.sinfo_args) != 1:
        raise StructInfoError("call_dps needs exactly one out_sinfo", call.span)
    outs = _outputs(call.sinfo_args[0], call.span)
    tir_vars = call.args[2] if len(call.args) == 3 else None
    if tir_vars is not None and not isinstance(tir_vars, ShapeExpr):
        raise StructInfoError("call_dps passes extra sizes as a shape expression", call.span)
    inputs = [tensor_arg(Call(call.op, packed.fields), i) for i in range(len(packed.fields))]
    if isinstance(callee, GlobalVar) and ctx.module is not None:
        if callee.name_hint not in ctx.module:
            raise StructInfoError(
                f"call_dps of an undefined function {callee.name_hint!r}", call.span
            )
        func = ctx.module[callee.name_hint]
        if not isinstance(func, PrimFunc):
            raise StructInfoError(
                f"call_dps calls a prim_func; {callee.name_hint} is a {type(func).__name__}",
                call.span,
            )
        n_scalars = len(tir_vars.values) if tir_vars is not None else 0
        _check_params(func, callee.name_hint, inputs + outs, n_scalars, call.span)
    return call.sinfo_args[0]


def _check_params(
    func: PrimFunc, name: str, tensors: list[TensorStructInfo], n_scalars: int, span: Span | None
) -> None:
    expected = len(tensors) + n_scalars
    if len(func.params) != expected:
        raise StructInfoError(
            f"call_dps passes {len(tensors)} tensors and {n_scalars} sizes to {name}, which "
            f"takes {len(func.params)} parameters",
            span,
        )
    for i, (param, sinfo) in enumerate(zip(func.params, tensors)):
        buffer = func.buffer_map.get(param)
        role = f"parameter {i} ({param.name_hint}) of {name}"
        if buffer is None:
            raise StructInfoError(f"{role} is not a buffer but receives a tensor", span)
        if sinfo.ndim != -1 and sinfo.ndim != buffer.ndim:
            raise StructInfoError(
                f"{role} has rank {buffer.ndim} but receives a tensor of rank {sinfo.ndim}", span
            )
        if sinfo.dtype is not None and sinfo.dtype != buffer.dtype:
            raise StructInfoError(
                f"{role} has dtype {buffer.dtype} but receives a tensor of dtype {sinfo.dtype}",
                span,
            )


def _infer_shape_of(call: Call, ctx: InferContext) -> StructInfo:
    x = tensor_arg(call, 0)
    if x.values is not None:
        return ShapeStructInfo(x.values)
    return ShapeStructInfo(ndim=x.ndim)


register_op("call_dps", infer=_infer_call_dps)
register_op("shape_of", infer=_infer_shape_of, num_args=1)


def call_dps(
    callee: GlobalVar | ExternFunc | str,
    args: Sequence[ArgExpr],
    out_sinfo: StructInfo,
    tir_vars: ShapeExpr | Sequence[PrimExpr] | None = None,
    span: Span | None = None,
) -> Call:
    """Call `callee` in destination-passing style. A str callee is an external function.

    Script: ``R.call_dps(cls.f, (x, w), out_sinfo=R.Tensor((n, m), "float32"))``.
    """
    if isinstance(callee, str):
        callee = ExternFunc(callee, span=span)
    call_args: tuple[ArgExpr, ...] = (callee, Tuple(tuple(args), span=span))
    if tir_vars is not None:
        if not isinstance(tir_vars, ShapeExpr):
            tir_vars = ShapeExpr(tuple(tir_vars), span=span)
        call_args += (tir_vars,)
    return make_call("call_dps", call_args, sinfo_args=(out_sinfo,), span=span)


def call_packed(
    name: str | ExternFunc,
    *args: ArgExpr,
    sinfo_args: StructInfo | Sequence[StructInfo] | None = None,
    span: Span | None = None,
) -> Call:
    """Call a packed function by name (impure); `sinfo_args` describe its result.

    `sinfo_args` default to ``R.Object``. Script: ``R.call_packed("f", x, sinfo_args=R.Object)``.
    """
    callee = name if isinstance(name, ExternFunc) else ExternFunc(name, span=span)
    if sinfo_args is None:
        sinfo_args = (ObjectStructInfo(),)
    elif isinstance(sinfo_args, StructInfo):
        sinfo_args = (sinfo_args,)
    return Call(callee, args, sinfo_args=tuple(sinfo_args), span=span)


def shape_of(x: ArgExpr, span: Span | None = None) -> Call:
    """The shape of tensor `x` as a shape value. Script: ``R.shape_of(x)``."""
    return make_call("shape_of", (x,), span=span)
