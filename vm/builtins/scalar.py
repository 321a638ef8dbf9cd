"""Scalar and control builtins: branch conditions, scalar values, the null value."""

from __future__ import annotations

from typing import Any

from ...ffi import NDArray
from ..errors import VMError
from ..values import describe_value
from .registry import builtin


@builtin("read_if_cond")
def read_if_cond(value: Any) -> bool:
    """The truth of a branch condition: a bool/int, or a one-element bool/int tensor."""
    t = type(value)
    if t is bool:
        return value
    if t is int:
        return value != 0
    if t is NDArray and value.size == 1 and (value.dtype.is_bool or value.dtype.is_integer):
        return bool(value.numpy().reshape(()).item())
    raise VMError(
        "read_if_cond: a condition is a bool, an int or a one-element bool/int tensor, got "
        f"{describe_value(value)}"
    )


@builtin("prim_value")
def prim_value(value: Any) -> Any:
    """A scalar (int, float, bool) as itself, so that it can be stored in a register."""
    if type(value) not in (int, float, bool):
        raise VMError(f"prim_value: expected a scalar but got {describe_value(value)}")
    return value


@builtin("null_value")
def null_value() -> None:
    """The null value."""
    return None
