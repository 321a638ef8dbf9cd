"""Tuple builtins: VM tuples are Python tuples of runtime values."""

from __future__ import annotations

from typing import Any

from ..errors import VMError
from ..values import describe_value
from .registry import builtin


@builtin("make_tuple")
def make_tuple(*fields: Any) -> tuple[Any, ...]:
    """A tuple of the arguments."""
    return fields


@builtin("tuple_getitem")
def tuple_getitem(value: Any, index: int) -> Any:
    """Field `index` of a tuple."""
    if type(value) is not tuple:
        raise VMError(f"tuple_getitem: expected a tuple but got {describe_value(value)}")
    if type(index) is not int or not 0 <= index < len(value):
        raise VMError(f"tuple_getitem: index {index!r} is out of range for {describe_value(value)}")
    return value[index]
