"""The TIR reference interpreter: runs a prim_func on numpy arrays, slowly and exactly.

Compiled code is tested against it, so its semantics are spelled out where they are decided:
values and casts in `values.py`, operators in `arith.py`, intrinsics in `intrinsics.py`,
arguments in `args.py`, memory and bounds in `memory.py`, blocks in `block.py`.
"""

from .intrinsics import Externals, register_intrinsic
from .run import interpret

__all__ = ["Externals", "interpret", "register_intrinsic"]
