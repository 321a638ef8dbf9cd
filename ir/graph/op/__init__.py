"""The graph operator library: one function per operator building a checked `Call`.

Importing this package registers the operators. Each has struct-info inference; its
legalization (the `legalize` slot of the registry) is attached by the legalization library.
"""

from .binary import add, divide, multiply, subtract
from .builtin import call_dps, call_packed, shape_of
from .linalg import matmul
from .manipulation import flatten, reshape
from .unary import exp, negative, relu

__all__ = [
    "add",
    "call_dps",
    "call_packed",
    "divide",
    "exp",
    "flatten",
    "matmul",
    "multiply",
    "negative",
    "relu",
    "reshape",
    "shape_of",
    "subtract",
]
