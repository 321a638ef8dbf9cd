"""``@R.function``: parse the decorated function's source into a graph `Function`.

Inside an ``@I.ir_module`` class body the decorator only marks the function: the module
decorator parses the whole class once it exists (functions of a module refer to each other).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from loom.ir.graph import Function

from ..deferred import Deferred, decorate
from .construct import RelaxConstruct


class DeferredFunction(Deferred):
    """A ``@R.function`` method of a class body, waiting for ``@I.ir_module`` to parse it."""

    decorator = "@R.function"


def _decorate(func: Any, frame: FrameType, options: dict[str, Any]) -> Function | DeferredFunction:
    return decorate(func, frame, DeferredFunction, "relax.function", options)


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
