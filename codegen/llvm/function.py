"""A packed prim_func (the output of `MakePackedAPI`) as one LLVM function.

Its six params are the packed C signature of `loom.ffi.abi`; the body (argument checks, then
the kernel) is emitted as is, and returns 0 at its end. With ``tir.noalias``, every pointer
variable gets its own alias scope: distinct data variables do not overlap (the contract the TIR
passes already assume).
"""

from __future__ import annotations

from llvmlite import ir

from loom.ir.tir import PrimFunc

from ..errors import CodegenError
from .emitter import FunctionEmitter
from .module import ModuleEmitter
from .types import I32, PTR, value_type

PACKED_SIGNATURE = ir.FunctionType(I32, [PTR, PTR, I32, PTR, PTR, PTR])


def emit_packed_function(
    module: ModuleEmitter, func: PrimFunc, name: str, symbol: str, fast_math: bool
) -> ir.Function:
    """Emit `func`, whose params are the packed signature, as the function `symbol`."""
    if func.attrs.get("calling_conv") != "packed":
        raise CodegenError(
            f"{name}: codegen compiles packed functions; run MakePackedAPI first (loom.build does)"
        )
    if len(func.params) != len(PACKED_SIGNATURE.args):
        raise CodegenError(f"{name}: a packed function has 6 params, not {len(func.params)}")
    fn = ir.Function(module.module, PACKED_SIGNATURE, symbol)
    fn.attributes.add("nounwind")
    state = FunctionEmitter(module, fn, name, fast_math=fast_math)
    for var, arg, ty in zip(func.params, fn.args, PACKED_SIGNATURE.args):
        if value_type(var.dtype) != ty:
            raise CodegenError(
                f"{name}: packed param {var.name_hint} must be {ty}, not {var.dtype}"
            )
        arg.name = var.name_hint
        state.env[var] = arg
    state.scopes.enabled = bool(func.attrs.get("tir.noalias"))
    state.stmts.emit(func.body)
    state.finish()
    return fn
