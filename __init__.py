"""Loom: a Python-embedded machine-learning compiler with one IR for graphs and loop programs."""

from . import ir
from .ir import LoomError

__version__ = "0.1.0"

__all__ = ["LoomError", "__version__", "ir"]
