"""Passes over IRModules: the pass infrastructure and the lowering passes.

`Pass`, `PrimFuncPass` and `Sequential` define and compose passes; `PassContext` carries the
opt level, config and instruments they run under. `tir` holds the TIR lowering passes and
`lower_tir_pipeline`; `graph` the graph lowering passes; `default_pipeline(target)` composes
what ``loom.compile`` runs.
"""

from . import graph, tir
from .context import ConfigOption, PassContext, config_options, register_config
from .instruments import (
    PassInstrument,
    PassTime,
    PassTiming,
    PrintIR,
    VerifyIR,
    check_round_trip,
    check_well_formed,
)
from .pass_infra import Pass, PrimFuncPass, Sequential, run_pass
from .pipeline import default_pipeline

__all__ = [
    "ConfigOption",
    "Pass",
    "PassContext",
    "PassInstrument",
    "PassTime",
    "PassTiming",
    "PrimFuncPass",
    "PrintIR",
    "Sequential",
    "VerifyIR",
    "check_round_trip",
    "check_well_formed",
    "config_options",
    "default_pipeline",
    "graph",
    "register_config",
    "run_pass",
    "tir",
]
