"""The bytecode compiler: lowered graph functions to an `Executable` (compile time only).

The runtime (`loom.vm`'s executable, interpreter and builtins) does not import this package.
"""

from .codegen import SHAPE_LOWERED_ATTR, VMCodegenError, vm_codegen

__all__ = ["SHAPE_LOWERED_ATTR", "VMCodegenError", "vm_codegen"]
