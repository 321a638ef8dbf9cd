"""One LLVM module under construction: declarations, constants and the runtime's entry points.

Functions share it (intrinsic and C declarations are made once), and `finish` adds the export
table (``__loom_func_names``) and the runtime pointer variables of `loom.ffi.abi`.
"""

from __future__ import annotations

from llvmlite import ir

from loom.ffi.abi import (
    FUNC_TABLE_SYMBOL,
    MODULE_CTX_SYMBOL,
    RUNTIME_POINTER_PREFIX,
    encode_func_table,
)

from ..errors import CodegenError
from ..target import Target
from .machine import Machine
from .types import I8, I32, PTR, VOID

# C signatures of the runtime functions that generated code calls (see loom.ffi.abi).
RUNTIME_FUNCTIONS: dict[str, ir.FunctionType] = {
    "LoomSetLastError": ir.FunctionType(VOID, [PTR]),
    "LoomCallPacked": ir.FunctionType(I32, [PTR, PTR, PTR, I32, PTR, PTR]),
}


class ModuleEmitter:
    """The LLVM module that every function of one build is emitted into."""

    def __init__(self, name: str, target: Target, machine: Machine):
        self.target = target
        self.module = ir.Module(name)
        self.module.triple = machine.triple
        self.module.data_layout = machine.data_layout
        self._strings: dict[str, ir.GlobalVariable] = {}
        self._runtime: dict[str, ir.GlobalVariable] = {}
        self._names: set[str] = set()
        self.uses_gomp = False

    def unique_name(self, hint: str) -> str:
        """A symbol name not used yet in this module, based on `hint`."""
        name, k = hint, 1
        while name in self._names or name in self.module.globals:
            name, k = f"{hint}.{k}", k + 1
        self._names.add(name)
        return name

    def function(self, name: str, fnty: ir.FunctionType) -> ir.Function:
        """The function `name` of type `fnty`, declared on first use (intrinsics, C functions)."""
        existing = self.module.globals.get(name)
        if existing is None:
            return ir.Function(self.module, fnty, name)
        if not isinstance(existing, ir.Function) or existing.function_type != fnty:
            raise CodegenError(
                f"C function {name!r} is used with two different signatures: "
                f"{getattr(existing, 'function_type', existing.type)} and {fnty}"
            )
        return existing

    def intrinsic(self, name: str, ret: ir.Type, args: list[ir.Type]) -> ir.Function:
        """An LLVM intrinsic such as ``llvm.exp.f32``."""
        return self.function(name, ir.FunctionType(ret, args))

    def string(self, text: str) -> ir.Constant:
        """A pointer to a NUL-terminated constant copy of `text`."""
        glob = self._strings.get(text)
        if glob is None:
            data = bytearray(text.encode("utf-8", errors="replace") + b"\0")
            ty = ir.ArrayType(I8, len(data))
            glob = ir.GlobalVariable(self.module, ty, self.unique_name(".str"))
            glob.global_constant = True
            glob.linkage = "private"
            glob.unnamed_addr = True
            glob.initializer = ir.Constant(ty, data)
            self._strings[text] = glob
        zero = ir.Constant(I32, 0)
        return glob.gep([zero, zero])  # an i8 pointer: every string has one type

    def runtime_pointer(self, name: str) -> ir.GlobalVariable:
        """The ``__loom_fp_<name>`` variable the loader fills with runtime function `name`."""
        glob = self._runtime.get(name)
        if glob is None:
            if name not in RUNTIME_FUNCTIONS:
                raise CodegenError(f"unknown runtime function {name!r}")
            glob = ir.GlobalVariable(self.module, PTR, RUNTIME_POINTER_PREFIX + name)
            glob.initializer = ir.Constant(PTR, None)
            self._runtime[name] = glob
        return glob

    def finish(self, exports: dict[str, str]) -> str:
        """Add the export table and module context; return the module's LLVM IR text."""
        # Every module declares the pointers it may call through, so the loader can always
        # fill them; the error pointer is needed by every packed function.
        self.runtime_pointer("LoomSetLastError")
        table = encode_func_table(exports)
        ty = ir.ArrayType(I8, len(table))
        names = ir.GlobalVariable(self.module, ty, FUNC_TABLE_SYMBOL)
        names.global_constant = True
        names.initializer = ir.Constant(ty, bytearray(table))
        ctx = ir.GlobalVariable(self.module, PTR, MODULE_CTX_SYMBOL)
        ctx.initializer = ir.Constant(PTR, None)
        return str(self.module)
