"""Closure builtins: capture arguments with a function value, and call function values.

A function value is a `Closure` (a VM function, from a ``FuncIdx`` operand or ``make_closure``)
or a `PackedFunc` (an extern function or a kernel).
"""

from __future__ import annotations

from typing import Any

from ...ffi import PackedFunc
from ..errors import VMError
from ..values import Closure, describe_value
from .registry import builtin


@builtin("make_closure")
def make_closure(func: Any, *captured: Any) -> Closure:
    """`func` with `captured` bound as its leading arguments."""
    if type(func) is Closure:
        return func.bind(*captured)
    if isinstance(func, PackedFunc):
        return Closure(func, captured, func.name)
    raise VMError(f"make_closure: expected a function but got {describe_value(func)}")


@builtin("invoke_closure")
def invoke_closure(closure: Any, *args: Any) -> Any:
    """Call a function value with `args` (after its captured arguments)."""
    if type(closure) is Closure or isinstance(closure, PackedFunc):
        return closure(*args)
    raise VMError(f"invoke_closure: expected a function but got {describe_value(closure)}")
