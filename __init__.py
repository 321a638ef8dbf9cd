"""Loom: a Python-embedded machine-learning compiler with one IR for graphs and loop programs."""

from . import ir
from .ir import LoomError

__version__ = "0.1.0"

__all__ = ["LoomError", "__version__", "ir"]

from . import ffi
from .ffi import Device, NDArray, cpu, cuda

__all__ += ["Device", "NDArray", "cpu", "cuda", "ffi"]

from .codegen import build  # noqa: E402  (after the ffi runtime it builds on)

__all__ += ["build"]
