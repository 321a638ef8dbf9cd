"""`loom.build`: a prim_func (or a module of them) to a runtime module of native code.

The pipeline reads top to bottom: lower the TIR (`loom.transform.tir.lower_tir_pipeline`), wrap
each function in the packed calling convention (`MakePackedAPI`), emit and optimize LLVM IR for
the target, and link the object code into the process. The returned module runs and saves the
same object code.
"""

from __future__ import annotations

from loom.ffi.jit_module import ObjectModule
from loom.ir import IRModule
from loom.ir.tir import PrimFunc
from loom.transform import PassContext, register_config
from loom.transform.tir import MakePackedAPI, lower_tir_pipeline

from .errors import CodegenError
from .llvm import compile_module
from .target import Target, as_target

register_config(
    "codegen.llvm.fast_math",
    bool,
    False,
    "let LLVM reassociate float math and assume no NaN or infinity (as Target fast_math)",
)


def _as_module(inputs: PrimFunc | IRModule) -> IRModule:
    if isinstance(inputs, PrimFunc):
        name = str(inputs.attrs.get("global_symbol", "main"))
        return IRModule.from_functions({name: inputs})
    if not isinstance(inputs, IRModule):
        raise CodegenError(f"build takes a PrimFunc or an IRModule, not {type(inputs).__name__}")
    others = [gv.name_hint for gv, f in inputs.functions.items() if not isinstance(f, PrimFunc)]
    if others:
        raise CodegenError(
            f"build compiles prim_funcs; {', '.join(others)} are graph functions (use "
            "loom.compile for a whole model)"
        )
    if not inputs.functions:
        raise CodegenError("build needs at least one prim_func")
    return inputs


def lower(mod: IRModule) -> IRModule:
    """The TIR lowering pipeline, then the packed-API wrapper: what codegen compiles."""
    return MakePackedAPI()(lower_tir_pipeline()(mod))


def build(inputs: PrimFunc | IRModule, target: str | Target | None = "llvm") -> ObjectModule:
    """Compile a prim_func, or every prim_func of a module, to native code.

    Returns a runtime module: ``rt["f"](*args)`` takes NDArrays, numpy arrays and Python numbers
    (one per param), ``rt.save("f.so")`` writes a shared library and ``rt.save("f.o")`` the
    object file, both loadable with `loom.ffi.load_module`. A prim_func is exported under its
    ``global_symbol`` (else ``"main"``); module functions under their names.
    """
    target = as_target(target)
    mod = lower(_as_module(inputs))
    fast_math = target.fast_math or bool(PassContext.current().get_config("codegen.llvm.fast_math"))
    compiled = compile_module(mod, target, fast_math)
    return ObjectModule(compiled.object_code, "loom.build", source=compiled.llvm_ir)
