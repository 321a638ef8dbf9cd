"""``@T.prim_func``: parse the decorated function's source into a `PrimFunc`.

Inside an ``@I.ir_module`` class body it only marks the function (see `loom.script.deferred`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from loom.ir import tir

from ..deferred import Deferred, decorate
from ..parser.construct import Construct


class DeferredPrimFunc(Deferred):
    """A ``@T.prim_func`` method of a class body, waiting for ``@I.ir_module`` to parse it."""

    decorator = "@T.prim_func"


def _decorate(func: Any, frame: FrameType) -> tir.PrimFunc | DeferredPrimFunc:
    return decorate(func, frame, DeferredPrimFunc, "tir.prim_func", {})


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
