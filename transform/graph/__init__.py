"""Graph lowering passes: from operator calls to explicit memory, ready for the VM compiler.

`graph_lowering_passes()` lists them in order: legalize operators to ``call_dps`` of
generated prim_funcs, leave dataflow form, lower ``call_dps`` to allocation plus call, plan
memory statically (storage reused between tensors whose lifetimes do not overlap).
"""

from .canonicalize_bindings import CanonicalizeBindings
from .insert_shape_checks import InsertShapeChecks
from .legalize_ops import RUNTIME_OPS, LegalizeOps, is_runtime_op
from .lower_call_dps import LowerCallDPS, is_call_dps
from .lowering import graph_lowering_passes
from .memory_stats import MemoryReport, allocated_bytes, memory_planning_report
from .normalize import Normalize
from .rewrite import BindingRewriter, canonical_blocks, map_functions
from .static_plan_block_memory import UPPER_BOUND_ATTR, StaticPlanBlockMemory
from .to_non_dataflow import ToNonDataflow
from .vm_shape_lower import LOWERED_ATTR, VMShapeLower

__all__ = [
    "LOWERED_ATTR",
    "RUNTIME_OPS",
    "UPPER_BOUND_ATTR",
    "BindingRewriter",
    "CanonicalizeBindings",
    "InsertShapeChecks",
    "LegalizeOps",
    "LowerCallDPS",
    "MemoryReport",
    "Normalize",
    "StaticPlanBlockMemory",
    "ToNonDataflow",
    "VMShapeLower",
    "allocated_bytes",
    "canonical_blocks",
    "graph_lowering_passes",
    "is_call_dps",
    "is_runtime_op",
    "map_functions",
    "memory_planning_report",
]
