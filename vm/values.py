"""Runtime values that only the VM makes: `Closure` and `Storage`; and `describe_value` for errors.

Registers otherwise hold ffi values (NDArray, Shape, PackedFunc) and Python scalars and tuples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ffi import NDArray, PackedFunc, Shape
from ..ir import DataType
from .errors import VMError


class Closure:
    """A function value with captured leading arguments.

    ``closure(*args)`` calls ``func(*captured, *args)``. `func` is a VM function's entry (then
    `arity` is its parameter count, checked on each call) or a `PackedFunc` (arity None: it
    takes anything).
    """

    __slots__ = ("arity", "captured", "func", "name")

    def __init__(
        self,
        func: Callable[..., Any],
        captured: tuple[Any, ...] = (),
        name: str = "<closure>",
        arity: int | None = None,
    ):
        self.func, self.captured, self.name, self.arity = func, captured, name, arity

    def bind(self, *more: Any) -> Closure:
        """This closure with `more` captured after the current captures."""
        return Closure(self.func, self.captured + more, self.name, self.arity)

    def __call__(self, *args: Any) -> Any:
        """Call the function with the captured arguments, then `args`."""
        if self.arity is not None and len(self.captured) + len(args) != self.arity:
            raise VMError(
                f"closure of {self.name!r} expects {self.arity - len(self.captured)} arguments "
                f"but got {len(args)}"
            )
        return self.func(*self.captured, *args)

    def __repr__(self) -> str:
        return f"<Closure {self.name} capturing {len(self.captured)}>"


class Storage:
    """A block of device memory that `vm.builtin.alloc_tensor` carves tensors out of.

    ``buffer`` is a 1-d uint8 NDArray (64-byte aligned on the CPU) that owns the bytes; views
    keep the Storage alive.
    """

    __slots__ = ("__weakref__", "buffer", "dtype", "scope")

    def __init__(self, buffer: NDArray, dtype: DataType, scope: str):
        self.buffer, self.dtype, self.scope = buffer, dtype, scope

    @property
    def nbytes(self) -> int:
        """The size in bytes."""
        return self.buffer.nbytes

    @property
    def device(self) -> Any:
        """The device holding the bytes."""
        return self.buffer.device

    def __repr__(self) -> str:
        return f"<Storage {self.nbytes} bytes on {self.device} ({self.scope})>"


def describe_value(value: Any) -> str:
    """A short phrase for a runtime value, as error messages show it ("a tensor float32 [2, 3]")."""
    if isinstance(value, NDArray):
        return f"a tensor {value.dtype} {list(value.shape)}"
    if isinstance(value, Shape):
        return f"a shape {list(value)}"
    if isinstance(value, bool):
        return f"the bool {value}"
    if isinstance(value, int):
        return f"the int {value}"
    if isinstance(value, float):
        return f"the float {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} fields"
    if isinstance(value, Closure):
        return f"a closure of {value.name!r}"
    if isinstance(value, PackedFunc):
        return f"the packed function {value.name!r}"
    if isinstance(value, Storage):
        return f"a storage of {value.nbytes} bytes"
    if isinstance(value, DataType):
        return f"the dtype {value}"
    return f"a {type(value).__name__}"
