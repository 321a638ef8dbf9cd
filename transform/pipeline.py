"""`default_pipeline(target)`: the graph passes from a user's module to VM-ready code.

Read top to bottom, it is the order of compilation. The prim_funcs it leaves behind (legalized
operators, user kernels, shape functions) are compiled by ``loom.build``, which runs the TIR
lowering pipeline (`loom.transform.tir.lower_tir_pipeline`) on them; ``loom.compile`` then
turns the graph functions into bytecode (`loom.vm.compiler`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .graph import (
    CanonicalizeBindings,
    InsertShapeChecks,
    LegalizeOps,
    LowerCallDPS,
    Normalize,
    StaticPlanBlockMemory,
    ToNonDataflow,
    VMShapeLower,
)
from .pass_infra import Pass, Sequential
from .tir import DefaultCPUSchedule

if TYPE_CHECKING:
    from loom.codegen import Target


def default_pipeline(target: str | Target = "llvm") -> Sequential:
    """The graph lowering passes for `target`, as one `Sequential` named ``DefaultPipeline``.

    Dataflow form is left early: from the shape checks on, passes bind operations with effects
    (assertions, allocations, kernels writing their outputs), which dataflow blocks may not hold.
    Prim_funcs nobody scheduled get the default CPU schedule (parallel outer loops, vector inner
    loops) once legalization has made them; `loom.build` lowers them afterwards.
    """
    from loom.codegen import as_target  # codegen imports this package: import it late

    target = as_target(target)  # a bad target fails here, before any pass runs
    cpu_schedule: list[Pass] = [DefaultCPUSchedule()] if target.kind == "llvm" else []
    passes: list[Pass] = [
        Normalize(),  # derive struct info; bind every call's result to a variable
        ToNonDataflow(),  # from here on, bindings may have effects
        InsertShapeChecks(),  # assert what inference assumed, while the ops are still there
        LegalizeOps(),  # operators -> call_dps of generated prim_funcs
        *cpu_schedule,  # kernels nobody scheduled: parallel outer loops, vector inner loops
        CanonicalizeBindings(),  # drop the copies legalization leaves
        LowerCallDPS(),  # call_dps -> output allocation + direct kernel call
        CanonicalizeBindings(),  # tuple outputs read back through their fields
        StaticPlanBlockMemory(),  # intermediates share storage across disjoint lifetimes
        VMShapeLower(),  # shape heap, signature checks, computed sizes
    ]
    return Sequential(tuple(passes), name="DefaultPipeline")


__all__ = ["default_pipeline"]
