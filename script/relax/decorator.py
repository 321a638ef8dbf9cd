"""``@R.function``: parse the decorated function's source into a graph `Function`.

Inside an ``@I.ir_module`` class body the decorator only marks the function: the module
decorator parses the whole class once it exists (functions of a module refer to each other).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType, FunctionType
from typing import Any

from loom.ir import LoomError
from loom.ir.graph import Function

from .construct import RelaxConstruct


class DeferredFunction:
    """A ``@R.function`` method of a class body, waiting for ``@I.ir_module`` to parse it."""

    def __init__(self, func: FunctionType):
        self.func = func

    def __repr__(self) -> str:
        return (
            f"<graph function {self.func.__qualname__}: decorate its class with @I.ir_module "
            "to parse it>"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse: the function becomes IR only through its module."""
        raise LoomError(
            f"{self.func.__qualname__} is an @R.function in a class body; decorate the class "
            "with @I.ir_module to build the module that holds it"
        )


def _in_class_body(func: FunctionType, frame: FrameType) -> bool:
    owner = frame.f_locals.get("__qualname__")
    return (
        "__module__" in frame.f_locals
        and isinstance(owner, str)
        and func.__qualname__ == f"{owner}.{func.__name__}"
    )


def _decorate(func: Any, frame: FrameType, options: dict[str, Any]) -> Function | DeferredFunction:
    if not isinstance(func, FunctionType) or func.__name__ == "<lambda>":
        raise LoomError(f"@R.function decorates a def statement, not {func!r}")
    if _in_class_body(func, frame):
        return DeferredFunction(func)
    from ..parser import parse_function_object  # the parser imports this dialect

    result = parse_function_object(func, frame, "relax.function", options)
    assert isinstance(result, Function)
    return result


def _function(
    func: Any = None,
    *,
    pure: bool | None = None,
    private: bool = False,
    check_well_formed: bool = True,
) -> Function | DeferredFunction | Callable[[Any], Function | DeferredFunction]:
    """``@R.function``, ``@R.function(private=True)``, ``@R.function(pure=False)``.

    `pure` None: inferred (a function calling a packed function or an impure op is impure).
    `private` functions have no external symbol (stored as the attribute ``"private": True``).
    `check_well_formed` False skips the well-formedness check (TVMScript compatibility).
    """
    options = {"pure": pure, "private": private, "check_well_formed": check_well_formed}
    if func is None:

        def decorate(f: Any) -> Function | DeferredFunction:
            return _decorate(f, sys._getframe(1), options)

        return decorate
    # Frames: 0 this function, 1 Construct.__call__, 2 the code applying the decorator.
    return _decorate(func, sys._getframe(2), options)


function = RelaxConstruct("function", _function, runtime=_function)
