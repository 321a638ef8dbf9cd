"""TIR to native code through LLVM: prim_funcs in packed form to one object file.

`compile_module` emits every (packed) prim_func of a module into one LLVM module with
llvmlite's IR builder, runs the O3 pipeline for the target CPU, and returns the object code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loom.ir import IRModule
from loom.ir.tir import PrimFunc

from ..errors import CodegenError
from ..target import Target
from .function import emit_packed_function
from .machine import machine_for
from .module import ModuleEmitter
from .optimizer import emit_object, optimize, parse_and_verify


@dataclass(frozen=True)
class Compiled:
    """The result of code generation: object code, its optimized IR, exported functions."""

    object_code: bytes
    llvm_ir: str
    exports: dict[str, str]


def _symbol(name: str) -> str:
    return "__loom_fn_" + re.sub(r"[^A-Za-z0-9_.]", "_", name)


def compile_module(mod: IRModule, target: Target, fast_math: bool | None = None) -> Compiled:
    """Compile every packed prim_func of `mod` for `target`."""
    machine = machine_for(target)
    emitter = ModuleEmitter("loom", target, machine)
    exports: dict[str, str] = {}
    fast = target.fast_math if fast_math is None else fast_math
    for gv, func in mod.functions.items():
        if not isinstance(func, PrimFunc):
            raise CodegenError(f"{gv.name_hint} is not a prim_func; codegen compiles prim_funcs")
        symbol = emitter.unique_name(_symbol(gv.name_hint))
        emit_packed_function(emitter, func, gv.name_hint, symbol, fast)
        exports[gv.name_hint] = symbol
    module = parse_and_verify(emitter.finish(exports))
    optimize(module, machine)
    return Compiled(emit_object(module, machine), str(module), exports)


__all__ = ["Compiled", "compile_module"]
