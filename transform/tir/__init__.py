"""TIR lowering passes: from block-based prim_funcs to the loop-level TIR that codegen reads.

`lower_tir_pipeline()` composes them in order; each pass's docstring says what holds after it.
"""

from .allocate_storage import AllocateStorage
from .default_cpu_schedule import DefaultCPUSchedule
from .flatten_buffers import FlattenBuffers
from .lower_blocks import LowerBlocks
from .lower_intrinsics import LowerIntrinsics
from .make_packed_api import MakePackedAPI
from .pipeline import lower_tir_pipeline
from .simplify import Simplify
from .unroll_loops import UnrollLoops
from .vectorize_loops import VectorizeLoops

__all__ = [
    "AllocateStorage",
    "DefaultCPUSchedule",
    "FlattenBuffers",
    "LowerBlocks",
    "LowerIntrinsics",
    "MakePackedAPI",
    "Simplify",
    "UnrollLoops",
    "VectorizeLoops",
    "lower_tir_pipeline",
]
