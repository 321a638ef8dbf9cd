"""Helpers operator definitions share: building checked calls and reading argument struct info."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...diagnostics import StructInfoError
from ...span import Span
from ..expr import ArgExpr, Call
from ..registry import Op, op_info
from ..struct_info import StructInfo, TensorStructInfo


def make_call(
    name: str,
    args: tuple[ArgExpr, ...],
    attrs: Mapping[str, Any] | None = None,
    sinfo_args: tuple[StructInfo, ...] = (),
    span: Span | None = None,
) -> Call:
    """A call of the registered op `name`, its attributes checked against the op's schema."""
    info = op_info(name, span)
    call = Call(info.op, args, info.check_attrs(attrs or {}, span), sinfo_args, span=span)
    info.check_arity(call)
    return call


def op_name(call: Call) -> str:
    """The name of the operator `call` invokes, for messages."""
    return call.op.name if isinstance(call.op, Op) else type(call.op).__name__


def tensor_arg(call: Call, index: int) -> TensorStructInfo:
    """The struct info of argument `index`, which must be a tensor."""
    arg = call.args[index]
    sinfo = getattr(arg, "struct_info", None)
    if not isinstance(sinfo, TensorStructInfo):
        what = type(sinfo).__name__ if sinfo is not None else "no struct info"
        raise StructInfoError(
            f"argument {index} of R.{op_name(call)} must be a tensor, not {what}", call.span
        )
    return sinfo


def same_dtype(call: Call, infos: list[TensorStructInfo]) -> Any:
    """The common dtype of `infos` (None if any is unknown); raise if two known ones differ."""
    known = {str(i.dtype) for i in infos if i.dtype is not None}
    if len(known) > 1:
        raise StructInfoError(
            f"R.{op_name(call)} needs operands of one dtype, got {' and '.join(sorted(known))}",
            call.span,
        )
    if any(i.dtype is None for i in infos):
        return None
    return infos[0].dtype
