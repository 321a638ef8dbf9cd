"""Loom: a Python-embedded machine-learning compiler with one IR for graphs and loop programs.

The repository root is this package. Its imports are absolute (``loom.``) so that a tool which
imports the root folder under another name (pytest collecting it as a test package does) gets
these same modules instead of a second copy of the tree.
"""

from loom import ffi, ir
from loom.codegen import build
from loom.compiler import compile
from loom.ffi import Device, NDArray, cpu, cuda
from loom.ir import LoomError
from loom.vm import VirtualMachine

__version__ = "0.1.0"

__all__ = [
    "Device",
    "LoomError",
    "NDArray",
    "VirtualMachine",
    "__version__",
    "build",
    "compile",
    "cpu",
    "cuda",
    "ffi",
    "ir",
]
