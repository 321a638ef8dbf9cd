"""The optimization pipeline and object emission.

LLVM's default per-module pipeline (O3 unless the target says otherwise) runs through the new
pass manager, tuned for the target machine's CPU.
"""

from __future__ import annotations

import llvmlite.binding as llvm

from ..errors import CodegenError
from .machine import Machine, lock


def parse_and_verify(text: str) -> llvm.ModuleRef:
    """Parse generated IR; a failure is a codegen bug, reported with the offending IR."""
    try:
        module = llvm.parse_assembly(text)
        module.verify()
    except RuntimeError as err:
        raise CodegenError(f"generated LLVM IR is invalid: {err}") from None
    return module


def optimize(module: llvm.ModuleRef, machine: Machine) -> None:
    """Run the default module pipeline on `module` in place."""
    with lock:
        pm = machine.pass_builder.getModulePassManager()
        pm.run(module, machine.pass_builder)


def emit_object(module: llvm.ModuleRef, machine: Machine) -> bytes:
    """Compile `module` to an ELF relocatable object."""
    with lock:
        return machine.tm.emit_object(module)
