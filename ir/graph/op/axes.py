"""Axis attributes of graph operators: read them, normalize negative axes, reject bad ones.

Attribute *types* are checked by the registry when a call is built; the checks here need the
operand's rank, so inference runs them and reports a `StructInfoError` at the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...diagnostics import StructInfoError
from ..expr import Call
from .base import op_name


def int_attr(call: Call, key: str) -> int | None:
    """The int (or None) attribute `key` of `call`."""
    value = call.attrs[key]
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise StructInfoError(
            f"attribute {key!r} of R.{op_name(call)} must be an int, not {value!r}", call.span
        )
    return value


def int_tuple_attr(call: Call, key: str) -> tuple[int, ...] | None:
    """The attribute `key` of `call` as a tuple of ints (an int is a 1-tuple), or None."""
    value: Any = call.attrs[key]
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if not isinstance(value, tuple) or any(
        isinstance(v, bool) or not isinstance(v, int) for v in value
    ):
        raise StructInfoError(
            f"attribute {key!r} of R.{op_name(call)} must be a tuple of ints, not {value!r}",
            call.span,
        )
    return value


def as_tuple(value: Any) -> Any:
    """A builder's int or list of ints as the tuple the attribute holds; anything else as is.

    (The registry then rejects a value of the wrong type with a message naming it.)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


def normalize_axis(call: Call, axis: int, ndim: int, name: str = "axis") -> int:
    """`axis` in ``range(ndim)``, counting a negative axis from the end; `name` is its role."""
    if not -ndim <= axis < ndim:
        raise StructInfoError(
            f"R.{op_name(call)}: {name} {axis} is out of range for a tensor of rank {ndim}",
            call.span,
        )
    return axis + ndim if axis < 0 else axis


def normalize_axes(
    call: Call, axes: Sequence[int], ndim: int, name: str = "axis"
) -> tuple[int, ...]:
    """Each axis normalized (see `normalize_axis`), in the given order; no axis twice."""
    out = tuple(normalize_axis(call, a, ndim, name) for a in axes)
    if len(set(out)) != len(out):
        raise StructInfoError(
            f"R.{op_name(call)}: axes {tuple(axes)} name an axis twice (rank {ndim})", call.span
        )
    return out


__all__ = ["as_tuple", "int_attr", "int_tuple_attr", "normalize_axes", "normalize_axis"]
