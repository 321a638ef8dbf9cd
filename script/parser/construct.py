"""The objects script namespaces (`T`, `I`) expose and the parser gives meaning to.

A `Construct` is a name such as ``T.grid`` or ``T.axis.remap``: its Python signature documents
the syntax and is what the parser binds call arguments against; called outside a script it
raises (or runs a runtime fallback, e.g. ``T.Buffer(...)`` in an eagerly evaluated annotation).
A `DTypeConstructor` is ``T.int32`` and friends: an annotation, a variable declaration
(``T.int32()``), a constant (``T.int32(3)``) or a cast (``T.int32(x)``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from loom.ir import DataType, LoomError, dtype, tir

DIALECT_ALIASES = {"tir": "T", "ir": "I"}


class Construct:
    """A script construct of `dialect` called `name`, with the signature of `spec`."""

    def __init__(
        self,
        dialect: str,
        name: str,
        spec: Callable[..., Any],
        runtime: Callable[..., Any] | None = None,
    ):
        self.dialect = dialect
        self.name = name
        self.signature = inspect.signature(spec)
        self.runtime = runtime
        self.__doc__ = spec.__doc__
        self.__name__ = name.rsplit(".", 1)[-1]
        self.__qualname__ = name

    @property
    def script_name(self) -> str:
        """How a script spells it, e.g. ``T.axis.remap``."""
        return f"{DIALECT_ALIASES.get(self.dialect, self.dialect)}.{self.name}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the runtime fallback, or say the construct belongs in a script."""
        if self.runtime is None:
            raise LoomError(
                f"{self.script_name} only has a meaning inside a script "
                "(a @T.prim_func function or an @I.ir_module class)"
            )
        return self.runtime(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<script construct {self.script_name}{self.signature}>"


def construct(
    dialect: str, name: str | None = None, runtime: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Any]], Construct]:
    """Make a `Construct` from a function whose signature and docstring describe the syntax."""

    def wrap(spec: Callable[..., Any]) -> Construct:
        return Construct(dialect, name or spec.__name__, spec, runtime)

    return wrap


class DTypeConstructor:
    """``T.<dtype>``: an annotation, and a constructor of variables, constants and casts."""

    def __init__(self, dtype_: str | DataType):
        self.dtype = dtype(dtype_)
        self.__name__ = str(self.dtype)

    def __call__(self, value: Any = None, *, is_size_var: bool = False) -> tir.PrimExpr:
        """Declare a variable (``T.int32()``), make a constant (``T.int32(3)``) or cast.

        ``is_size_var=True`` declares a non-negative variable (a `SizeVar`).
        """
        return make_typed(self.dtype, value, is_size_var, "v")

    def __repr__(self) -> str:
        return f"T.{self.dtype}"


def make_typed(t: DataType, value: Any, is_size_var: bool, name: str) -> tir.PrimExpr:
    """The value a dtype constructor call means (see `DTypeConstructor.__call__`)."""
    if value is None:
        return (tir.SizeVar if is_size_var else tir.Var)(name, t)
    if is_size_var:
        raise LoomError("is_size_var only applies to a variable declaration: T.int32()")
    if isinstance(value, tir.PrimExpr):
        return value if value.dtype == t else tir.Cast(t, value)
    if isinstance(value, str):
        if not t.is_float:
            raise LoomError(f"T.{t} takes a number, not the string {value!r}")
        try:
            number = float(value)
        except ValueError:
            raise LoomError(f"T.{t}({value!r}): not a number") from None
        return tir.const(number, t)
    if isinstance(value, bool | int | float):
        return tir.const(value, t)
    raise LoomError(f"T.{t} cannot convert a {type(value).__name__}")


def to_dtype(value: Any) -> DataType:
    """Read a dtype argument: ``"float32"``, ``T.float32``, a `DataType` or a numpy dtype."""
    if isinstance(value, DTypeConstructor):
        return value.dtype
    if isinstance(value, DataType | str | np.dtype) or (
        isinstance(value, type) and issubclass(value, np.generic)
    ):
        return dtype(value)
    raise LoomError(f'expected a dtype such as "float32", not a {type(value).__name__}')
