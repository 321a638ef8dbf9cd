"""`lower_tir_pipeline`: the TIR passes from block-based prim_funcs to codegen-ready loops.

Read top to bottom, it is the order: blocks become loops, buffers become flat memory, simple
intrinsics their exact forms; the loop transformations the schedule asked for (unroll,
vectorize) run on that flat form; the simplifier then cleans up what they produced, and storage
is planned last, on the final sizes. The packed-API wrapper and code generation follow.
"""

from __future__ import annotations

from ..pass_infra import Pass, Sequential
from .allocate_storage import AllocateStorage
from .flatten_buffers import FlattenBuffers
from .lower_blocks import LowerBlocks
from .lower_intrinsics import LowerIntrinsics
from .simplify import Simplify
from .unroll_loops import UnrollLoops
from .vectorize_loops import VectorizeLoops


def lower_tir_pipeline(opt_level: int | None = None) -> Sequential:
    """The TIR lowering passes in order, as one `Sequential` named ``LowerTIR``.

    Passes above `opt_level` are left out; with None, all are included and the
    `PassContext` opt level decides at run time (Simplify needs level 1).
    """
    passes: list[Pass] = [
        LowerBlocks(),
        FlattenBuffers(),
        LowerIntrinsics(),
        Simplify(),
        UnrollLoops(),
        VectorizeLoops(),
        Simplify(),
        AllocateStorage(),
    ]
    if opt_level is not None:
        passes = [p for p in passes if p.opt_level <= opt_level]
    return Sequential(tuple(passes), name="LowerTIR")
