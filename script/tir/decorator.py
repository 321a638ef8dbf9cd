"""``@T.prim_func``: parse the decorated function's source into a `PrimFunc`.

Inside an ``@I.ir_module`` class body the decorator only marks the function: the module
decorator parses the whole class once it exists.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType, FunctionType
from typing import Any

from loom.ir import LoomError, tir

from ..parser import parse_function_object
from ..parser.construct import Construct


class DeferredPrimFunc:
    """A ``@T.prim_func`` method of a class body, waiting for ``@I.ir_module`` to parse it."""

    def __init__(self, func: FunctionType):
        self.func = func

    def __repr__(self) -> str:
        return (
            f"<prim_func {self.func.__qualname__}: decorate its class with @I.ir_module "
            "to parse it>"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse: the function becomes IR only through its module."""
        raise LoomError(
            f"{self.func.__qualname__} is a @T.prim_func in a class body; decorate the class "
            "with @I.ir_module to build the module that holds it"
        )


def _in_class_body(func: FunctionType, frame: FrameType) -> bool:
    owner = frame.f_locals.get("__qualname__")
    return (
        "__module__" in frame.f_locals
        and isinstance(owner, str)
        and func.__qualname__ == f"{owner}.{func.__name__}"
    )


def _decorate(func: Any, frame: FrameType) -> tir.PrimFunc | DeferredPrimFunc:
    if not isinstance(func, FunctionType) or func.__name__ == "<lambda>":
        raise LoomError(f"@T.prim_func decorates a def statement, not {func!r}")
    if _in_class_body(func, frame):
        return DeferredPrimFunc(func)
    return parse_function_object(func, frame)


def _prim_func(
    func: Any = None, *, private: bool = False, check_well_formed: bool = True
) -> tir.PrimFunc | DeferredPrimFunc | Callable[[Any], tir.PrimFunc | DeferredPrimFunc]:
    """``@T.prim_func`` or ``@T.prim_func(private=True)``: parse a function as TIR.

    `private` and `check_well_formed` are accepted for TVMScript compatibility; the printed
    form never carries them.
    """
    if func is None:

        def decorate(f: Any) -> tir.PrimFunc | DeferredPrimFunc:
            return _decorate(f, sys._getframe(1))

        return decorate
    # Frames: 0 this function, 1 Construct.__call__, 2 the code applying the decorator.
    return _decorate(func, sys._getframe(2))


prim_func = Construct("tir", "prim_func", _prim_func, runtime=_prim_func)
