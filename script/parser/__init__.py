"""The script parser: Python AST to IR, one handler table per dialect over a shared core.

`core` dispatches and attaches spans and errors; `evaluator` is the one place Python values of
the enclosing scope are looked up and run; the ``tir_*`` modules hold the T dialect's handlers
and `ir_module` the I dialect's; `entry` is where parsing starts.
"""

# Importing the handler modules registers their handlers in the dialect tables.
from . import tir_block, tir_buffer, tir_expr, tir_func, tir_loop, tir_stmt  # noqa: F401
from .construct import Construct, DTypeConstructor
from .entry import from_source, parse_class_object, parse_function_object

__all__ = [
    "Construct",
    "DTypeConstructor",
    "from_source",
    "parse_class_object",
    "parse_function_object",
]
