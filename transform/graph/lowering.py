"""`graph_lowering_passes()`: the graph lowering passes of this package, in the order they run.

`loom.transform.default_pipeline` places them among the other graph passes (shape lowering,
checks) before VM code generation.
"""

from __future__ import annotations

from ..pass_infra import Pass
from .canonicalize_bindings import CanonicalizeBindings
from .legalize_ops import LegalizeOps
from .lower_call_dps import LowerCallDPS
from .static_plan_block_memory import StaticPlanBlockMemory
from .to_non_dataflow import ToNonDataflow


def graph_lowering_passes() -> tuple[Pass, ...]:
    """Operators to kernels, then explicit memory, planned.

    Dataflow form is left before ``call_dps`` is lowered: from there on, bindings write memory.
    """
    return (
        LegalizeOps(),  # operators -> call_dps of generated prim_funcs
        CanonicalizeBindings(),  # drop the copies legalization leaves
        ToNonDataflow(),  # from here on, bindings may have effects
        LowerCallDPS(),  # call_dps -> output allocation + direct kernel call
        CanonicalizeBindings(),  # tuple outputs read back through their fields
        StaticPlanBlockMemory(),  # intermediates share storage across disjoint lifetimes
    )
