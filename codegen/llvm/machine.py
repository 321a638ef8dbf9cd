"""LLVM for this process: initialized once, with one cached target machine per target.

Every build reuses the target machine and its O3 pass builder, so compiling a small prim_func
costs milliseconds rather than the hundreds that setting LLVM up takes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import llvmlite.binding as llvm

from loom.ffi.jit_module import libgomp, load_system_libraries

from ..target import Target

lock = threading.RLock()
"""Held while LLVM compiles: the cached pass builder and target machine are not thread-safe."""


@dataclass(frozen=True)
class Machine:
    """A target machine and the pass builder of its optimization pipeline."""

    tm: llvm.TargetMachine
    triple: str
    data_layout: str
    pass_builder: llvm.PassBuilder


@cache
def machine(mcpu: str, mattr: str, opt_level: int) -> Machine:
    """The cached target machine for a CPU, its features and an optimization level."""
    with lock:
        load_system_libraries()
        triple = llvm.get_process_triple()
        tm = llvm.Target.from_triple(triple).create_target_machine(
            cpu=mcpu, features=mattr, opt=opt_level, reloc="pic", codemodel="default"
        )
        pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
        pto.loop_vectorization = opt_level >= 2
        pto.slp_vectorization = opt_level >= 2
        pto.loop_unrolling = opt_level >= 2
        builder = llvm.create_pass_builder(tm, pto)
        return Machine(tm, triple, str(tm.target_data), builder)


def machine_for(target: Target) -> Machine:
    """The cached target machine for `target`."""
    return machine(target.mcpu, target.mattr, target.opt_level)


__all__ = ["Machine", "libgomp", "lock", "machine", "machine_for"]
