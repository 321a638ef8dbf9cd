"""The I dialect of the script language: modules. ``from loom.script import ir as I``.

``@I.ir_module`` parses a class whose methods are the module's functions; ``I.module_attrs``
in the class body sets the module's attributes; ``metadata = I.metadata("...")`` at the top of a
printed file holds its large constants (``metadata["constants"][i]``).
"""

from __future__ import annotations

import sys
from typing import Any

from loom.ir import IRModule, LoomError

from .parser import parse_class_object
from .parser.construct import Construct

__loom_dialect__ = "ir"


def _ir_module(cls: Any) -> IRModule:
    """``@I.ir_module``: parse a class of ``@T.prim_func`` methods into an `IRModule`."""
    if not isinstance(cls, type):
        raise LoomError(f"@I.ir_module decorates a class, not {cls!r}")
    # Frames: 0 this function, 1 Construct.__call__, 2 the code applying the decorator.
    return parse_class_object(cls, sys._getframe(2))


def _module_attrs(attrs: dict) -> None:
    """``I.module_attrs({...})`` in an ``@I.ir_module`` class body: the module's attributes."""
    frame = sys._getframe(2)
    if "__module__" not in frame.f_locals or "__qualname__" not in frame.f_locals:
        raise LoomError("I.module_attrs is only valid in the body of an @I.ir_module class")


def _metadata(text: str) -> dict[str, list[Any]]:
    """``I.metadata("<base64 of an .npz>")``: the tables of arrays a printed file refers to."""
    from .metadata import decode_constants

    return decode_constants(text)


ir_module = Construct("ir", "ir_module", _ir_module, runtime=_ir_module)
module_attrs = Construct("ir", "module_attrs", _module_attrs, runtime=_module_attrs)
metadata = Construct("ir", "metadata", _metadata, runtime=_metadata)

__all__ = ["ir_module", "metadata", "module_attrs"]
