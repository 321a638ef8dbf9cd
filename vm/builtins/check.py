"""Run-time signature checks: a value is the tensor, shape, tuple, scalar or function expected.

Each error names err_ctx (see `loom.vm.builtins.shape`), the expectation and what came.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...ffi import NDArray, PackedFunc, Shape
from ...ir import DataType
from ..errors import VMError
from ..values import Closure, describe_value
from .registry import builtin
from .shape import split_err_ctx


@lru_cache(maxsize=256)
def parse_dtype(text: str) -> DataType:
    """A dtype from its string, cached (the VM parses the same few strings over and over)."""
    return DataType.parse(text)


def _fail(err_ctx: str, expected: str, value: Any, detail: str = "") -> VMError:
    head, _ = split_err_ctx(err_ctx)
    got = detail or describe_value(value)
    return VMError(f"{head}: expected {expected} but got {got}")


def _tensor_kind(ndim: int, dtype: str) -> str:
    parts = ["a tensor"]
    if ndim >= 0:
        parts.append(f"of rank {ndim}")
    if dtype:
        parts.append(f"{'and ' if ndim >= 0 else ''}of dtype {dtype}")
    return " ".join(parts)


@builtin("check_tensor_info")
def check_tensor_info(value: Any, ndim: int, dtype: str, err_ctx: str) -> None:
    """Check that `value` is a tensor of rank `ndim` (-1: any) and dtype `dtype` ("": any)."""
    if type(value) is not NDArray:
        raise _fail(err_ctx, _tensor_kind(ndim, dtype), value)
    if ndim >= 0 and value.ndim != ndim:
        raise _fail(err_ctx, f"rank {ndim}", value, f"rank {value.ndim} ({describe_value(value)})")
    if dtype and value.dtype != parse_dtype(dtype):
        raise _fail(
            err_ctx, f"dtype {dtype}", value, f"dtype {value.dtype} ({describe_value(value)})"
        )


@builtin("check_shape_info")
def check_shape_info(value: Any, ndim: int, err_ctx: str) -> None:
    """Check that `value` is a Shape with `ndim` dimensions (-1: any)."""
    if type(value) is not Shape:
        expected = "a shape" + (f" of {ndim} dimensions" if ndim >= 0 else "")
        raise _fail(err_ctx, expected, value)
    if ndim >= 0 and len(value) != ndim:
        raise _fail(err_ctx, f"a shape of {ndim} dimensions", value)


@builtin("check_tuple_info")
def check_tuple_info(value: Any, size: int, err_ctx: str) -> None:
    """Check that `value` is a tuple of `size` fields (-1: any)."""
    if type(value) is not tuple:
        expected = "a tuple" + (f" of {size} fields" if size >= 0 else "")
        raise _fail(err_ctx, expected, value)
    if size >= 0 and len(value) != size:
        raise _fail(err_ctx, f"a tuple of {size} fields", value)


def _prim_matches(value: Any, dt: DataType) -> bool:
    t = type(value)
    if dt.kind == "bool":
        return t is bool
    if dt.kind in ("int", "uint"):
        if t is not int:
            return False
        low = 0 if dt.kind == "uint" else -(1 << (dt.bits - 1))
        high = (1 << (dt.bits if dt.kind == "uint" else dt.bits - 1)) - 1
        return low <= value <= high
    if dt.is_float:
        return t is float or t is int
    return False


@builtin("check_prim_info")
def check_prim_info(value: Any, dtype: str, err_ctx: str) -> None:
    """Check that `value` is a scalar of `dtype` ("": any int, float or bool).

    Ints must fit the dtype; float dtypes also take ints.
    """
    if dtype:
        if not _prim_matches(value, parse_dtype(dtype)):
            raise _fail(err_ctx, f"a {dtype} scalar", value)
    elif type(value) not in (int, float, bool):
        raise _fail(err_ctx, "a scalar", value)


@builtin("check_func_info")
def check_func_info(value: Any, err_ctx: str) -> None:
    """Check that `value` is a function (a closure or a packed function)."""
    if not isinstance(value, Closure | PackedFunc):
        raise _fail(err_ctx, "a function", value)
