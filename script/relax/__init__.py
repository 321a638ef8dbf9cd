"""The R dialect of the script language: graph functions. ``from loom.script import relax as R``.

``@R.function`` parses a graph function; struct info constructors (``R.Tensor``, ``R.Shape``,
``R.Tuple``, ``R.Object``, ``R.Prim``, ``R.Callable``) annotate its values; ``R.dataflow``,
``R.output``, ``R.match_cast`` and the builtins (``R.call_dps``, ``R.call_packed``, ``R.const``,
``R.shape``, ...) build its body. Every registered graph operator is ``R.<name>``
(``R.add``, ``R.nn.relu``), looked up in the operator registry when it is named.
"""

import builtins
from typing import Any

from .constructs import (
    ExternFunc,
    call_dps,
    call_dps_packed,
    call_packed,
    call_tir,
    const,
    dataflow,
    func_attr,
    match_cast,
    output,
    prim_value,
    shape,
)
from .constructs import string as str
from .decorator import DeferredFunction, function
from .ops import OpNamespace, OpRef, lookup
from .sinfo import Callable, Object, Prim, Shape, StructInfoConstruct, Tensor, Tuple

__loom_dialect__ = "relax"

__all__ = [
    "Callable", "DeferredFunction", "ExternFunc", "Object", "OpNamespace", "OpRef", "Prim",
    "Shape", "StructInfoConstruct", "Tensor", "Tuple", "call_dps", "call_dps_packed",
    "call_packed", "call_tir", "const", "dataflow", "func_attr", "function", "match_cast",
    "output", "prim_value", "shape", "str",
]  # fmt: skip


def __getattr__(name: builtins.str) -> Any:
    """The graph operators: ``R.add``, and namespaces of dotted ones (``R.nn``)."""
    if name.startswith("__"):
        raise AttributeError(name)
    found = lookup(name)
    if found is None:
        raise AttributeError(f"R.{name} is neither a construct nor a registered graph operator")
    return found


def __dir__() -> list[builtins.str]:
    from .ops import members

    return sorted({*__all__, *members()})
