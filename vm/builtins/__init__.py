"""The VM's builtin packed functions (``vm.builtin.<name>``), one module per concept.

Importing this package registers them all in the global function registry.
"""

from . import check, closure, memory, scalar, shape, tuples
from .check import parse_dtype
from .registry import builtin, builtin_names, resolve_builtin
from .shape import split_err_ctx

__all__ = [
    "builtin",
    "builtin_names",
    "check",
    "closure",
    "memory",
    "parse_dtype",
    "resolve_builtin",
    "scalar",
    "shape",
    "split_err_ctx",
    "tuples",
]
