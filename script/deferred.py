"""Function decorators of every dialect: parse a function now, or defer it to its module.

Inside an ``@I.ir_module`` class body a function decorator only marks the function (functions
of a module refer to each other); the module decorator parses the whole class once it exists.
"""

from __future__ import annotations

from types import FrameType, FunctionType
from typing import Any, ClassVar

from loom.ir import LoomError


class Deferred:
    """A decorated method of a class body, waiting for ``@I.ir_module`` to parse it."""

    decorator: ClassVar[str]

    def __init__(self, func: FunctionType):
        self.func = func

    def __repr__(self) -> str:
        return (
            f"<{self.decorator} {self.func.__qualname__}: decorate its class with @I.ir_module "
            "to parse it>"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse: the function becomes IR only through its module."""
        raise LoomError(
            f"{self.func.__qualname__} is decorated with {self.decorator} in a class body; "
            "decorate the class with @I.ir_module to build the module that holds it"
        )


def decorate(
    func: Any, frame: FrameType, deferred: type[Deferred], kind: str, options: dict[str, Any]
) -> Any:
    """Parse `func` as a function of `kind`, or mark it `deferred` in a class body."""
    if not isinstance(func, FunctionType) or func.__name__ == "<lambda>":
        raise LoomError(f"{deferred.decorator} decorates a def statement, not {func!r}")
    if _in_class_body(func, frame):
        return deferred(func)
    from .parser import parse_function_object  # the parser imports the dialects

    return parse_function_object(func, frame, kind, options)


def _in_class_body(func: FunctionType, frame: FrameType) -> bool:
    owner = frame.f_locals.get("__qualname__")
    return (
        "__module__" in frame.f_locals
        and isinstance(owner, str)
        and func.__qualname__ == f"{owner}.{func.__name__}"
    )
