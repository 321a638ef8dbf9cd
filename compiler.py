"""`loom.compile`: a module of graph functions and prim_funcs to a VM `Executable`.

It reads top to bottom: the graph pipeline (`loom.transform.default_pipeline`), then ``loom.build``
of every prim_func into one kernel library, then the bytecode compiler.
"""

from __future__ import annotations

from loom.codegen import Target, as_target, build
from loom.ir import IRModule, LoomError
from loom.ir.graph import Function
from loom.ir.tir import PrimFunc
from loom.transform import Pass, PassContext
from loom.transform.pipeline import default_pipeline
from loom.vm import Executable
from loom.vm.compiler import vm_codegen


def compile(
    mod: IRModule,
    target: str | Target = "llvm",
    *,
    pipeline: Pass | None = None,
) -> Executable:
    """Compile `mod` for `target` into an executable for ``loom.VirtualMachine``.

    Args:
        mod: graph functions (the VM's entry points) and the prim_funcs they call.
        target: where the kernels run; ``"llvm"`` (the host CPU) by default.
        pipeline: the graph passes to run instead of ``default_pipeline(target)``.

    Raises:
        LoomError: a subclass naming the problem (struct info, a pass, codegen).
    """
    if not isinstance(mod, IRModule):
        raise LoomError(f"loom.compile takes an IRModule, not {type(mod).__name__}")
    if not any(isinstance(f, Function) for f in mod.functions.values()):
        raise LoomError("loom.compile needs a graph function to run; use loom.build for kernels")
    target = as_target(target)
    passes = pipeline if pipeline is not None else default_pipeline(target)
    lowered = passes(mod, PassContext.current())
    kernels = IRModule.from_functions(
        {gv.name_hint: f for gv, f in lowered.functions.items() if isinstance(f, PrimFunc)}
    )
    library = build(kernels, target) if kernels.functions else None
    return vm_codegen(lowered, library)


__all__ = ["compile"]
