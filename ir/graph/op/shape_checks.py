"""Inference helpers the nn, image and linalg operators share: reading attributes, and proofs.

Attribute readers turn a call's raw attributes into validated Python values, raising a
`StructInfoError` that names the op and the attribute. The ``prove_*`` helpers follow the rule of
`loom.ir.graph.infer`: a provably false fact is an error at the call's span, an unknown one a
`RuntimeCheck` appended to the inference context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...diagnostics import StructInfoError
from ...dtype import DataType, dtype
from ...tir import PrimExpr, const, eq, floormod, ne
from ..expr import Call
from ..infer import RuntimeCheck, assume_sizes
from ..registry import InferContext
from ..struct_info import TensorStructInfo
from .base import op_name, tensor_arg


def op_error(call: Call, message: str) -> StructInfoError:
    """A `StructInfoError` at `call`, prefixed with the op's script name."""
    return StructInfoError(f"R.{op_name(call)}: {message}", call.span)


def float_tensor(call: Call, index: int, role: str) -> TensorStructInfo:
    """Argument `index` (called `role` in messages), a tensor of a float dtype (or unknown)."""
    sinfo = tensor_arg(call, index)
    if sinfo.dtype is not None and not sinfo.dtype.is_float:
        raise op_error(call, f"{role} must be a float tensor, not {sinfo.dtype}")
    return sinfo


def known_rank(call: Call, index: int) -> int:
    """The rank of tensor argument `index`, which legalization needs to know."""
    ndim = tensor_arg(call, index).ndim
    if ndim == -1:
        raise op_error(call, f"cannot legalize: argument {index} has an unknown rank")
    return ndim


def require_ndim(call: Call, sinfo: TensorStructInfo, ndim: int, role: str) -> None:
    """Raise unless `sinfo` has rank `ndim` (an unknown rank passes)."""
    if sinfo.ndim not in (-1, ndim):
        raise op_error(call, f"{role} must have rank {ndim}, not {sinfo.ndim}")


# -- attributes ---------------------------------------------------------------------------


def int_attr(call: Call, name: str, minimum: int | None = None) -> int:
    """The integer attribute `name`, at least `minimum` when given."""
    value = call.attrs.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise op_error(call, f"{name} must be an integer, not {value!r}")
    if minimum is not None and value < minimum:
        raise op_error(call, f"{name} must be at least {minimum}, not {value}")
    return value


def float_attr(call: Call, name: str) -> float:
    """The number attribute `name` as a float."""
    value = call.attrs.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise op_error(call, f"{name} must be a number, not {value!r}")
    return float(value)


def int_tuple(
    call: Call, name: str, lengths: Sequence[int], minimum: int | None = None
) -> tuple[int, ...]:
    """The attribute `name`: an int or a tuple of ints whose length is one of `lengths`."""
    value = call.attrs.get(name)
    items = (value,) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(items, tuple | list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in items
    ):
        raise op_error(call, f"{name} must be an int or a tuple of ints, not {value!r}")
    if len(items) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise op_error(call, f"{name} takes {allowed} values, got {len(items)}: {tuple(items)}")
    if minimum is not None and any(v < minimum for v in items):
        raise op_error(call, f"{name} values must be at least {minimum}, got {tuple(items)}")
    return tuple(items)


def choice_attr(call: Call, name: str, choices: Sequence[str | None]) -> Any:
    """The attribute `name`, which must be one of `choices`."""
    value = call.attrs.get(name)
    if value not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise op_error(call, f"{name} must be one of {shown}, not {value!r}")
    return value


def dtype_attr(call: Call, name: str) -> DataType | None:
    """The optional dtype attribute `name`."""
    value = call.attrs.get(name)
    return None if value is None else dtype(value)


def dtype_value(value: Any) -> Any:
    """A builder's dtype argument as calls store it: strings become `DataType`s.

    Other values pass through for the attribute schema to accept (None, a DataType) or reject.
    """
    return dtype(value) if isinstance(value, str) else value


def layout_attr(call: Call, name: str, letters: str) -> str:
    """The layout attribute `name`: an ordering of exactly the letters of `letters`."""
    value = call.attrs.get(name)
    if not isinstance(value, str) or sorted(value) != sorted(letters):
        axes = ", ".join(letters)
        raise op_error(call, f"{name} must order the axes {axes} (like {letters!r}), not {value!r}")
    return value


def axes_attr(call: Call, name: str) -> tuple[int, ...]:
    """The attribute `name`: one axis or a non-empty tuple of axes (ints)."""
    return int_tuple(call, name, range(1, 65))


# -- proofs about sizes -------------------------------------------------------------------


_INT64_LITERAL = re.compile(r"T\.int64\((-?\d+)\)")


def size_text(value: PrimExpr) -> str:
    """A size as messages show it: ``n * 4``, not ``n * T.int64(4)``."""
    return _INT64_LITERAL.sub(r"\1", str(value))


def assume_shapes(ctx: InferContext, *infos: TensorStructInfo) -> None:
    """Tell the analyzer that the symbolic sizes of `infos` are sizes (non-negative)."""
    assume_sizes(ctx.analyzer, [v for i in infos if i.values is not None for v in i.values])


def prove(call: Call, ctx: InferContext, cond: PrimExpr, message: str) -> None:
    """Require `cond`: nothing if provable, an error if provably false, else a run-time check."""
    if ctx.analyzer.can_prove(cond):
        return
    if ctx.analyzer.can_prove(ne(cond, const(True, "bool"))):
        raise op_error(call, message)
    ctx.checks.append(RuntimeCheck(cond, f"R.{op_name(call)}: {message}", call.span))


def prove_equal(call: Call, ctx: InferContext, a: PrimExpr, b: PrimExpr, message: str) -> None:
    """Require ``a == b``; `message` says what disagrees."""
    if not ctx.analyzer.can_prove_equal(a, b):
        prove(call, ctx, eq(a, b), message)


def prove_at_least(
    call: Call, ctx: InferContext, a: PrimExpr, b: PrimExpr | int, message: str
) -> None:
    """Require ``a >= b``."""
    prove(call, ctx, a >= b, message)


def prove_divisible(call: Call, ctx: InferContext, a: PrimExpr, b: int, message: str) -> None:
    """Require that `b` divides `a`."""
    rem = floormod(a, b)
    if not ctx.analyzer.can_prove_equal(rem, 0):
        prove(call, ctx, eq(rem, 0), message)


__all__ = [
    "assume_shapes",
    "axes_attr",
    "choice_attr",
    "dtype_attr",
    "dtype_value",
    "float_attr",
    "float_tensor",
    "int_attr",
    "int_tuple",
    "known_rank",
    "layout_attr",
    "op_error",
    "prove",
    "prove_at_least",
    "prove_divisible",
    "prove_equal",
    "require_ndim",
    "size_text",
]
