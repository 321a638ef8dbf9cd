"""Struct-info inference helpers that operators share: shape arithmetic and subtyping.

Shape helpers prove what they can with the arithmetic analyzer, raise `StructInfoError` on what
is provably wrong, and return `RuntimeCheck`s for what is unknown (see `shape.py`).
"""

from .call_sizes import call_result
from .shape import RuntimeCheck, assume_sizes, broadcast_shapes, matmul_shape, reshape_shape
from .subtype import defined_size_vars, erase_to_well_defined, is_base_of, lca

__all__ = [
    "RuntimeCheck",
    "assume_sizes",
    "broadcast_shapes",
    "call_result",
    "defined_size_vars",
    "erase_to_well_defined",
    "is_base_of",
    "lca",
    "matmul_shape",
    "reshape_shape",
]
