"""The virtual machine: bytecode (`isa`), executables, builtins and the interpreter.

The graph compiler lowers graph functions to VM bytecode in an `Executable`; a
`VirtualMachine` runs it, calling compiled kernels and packed functions through `loom.ffi`.
"""

from . import builtins, isa
from .assembler import ExecutableBuilder, FunctionAssembler, Label
from .errors import VMError
from .executable import Executable, ExternFunction, FunctionEntry, KernelFunction, VMFunction
from .isa import Call, ConstIdx, FuncIdx, Goto, If, Imm, Reg, Ret
from .profiler import ProfileReport, ProfileRow
from .serialize import FORMAT_VERSION, MAGIC
from .values import Closure, Storage
from .vm import VirtualMachine, VMFunctionHandle

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "Call",
    "Closure",
    "ConstIdx",
    "Executable",
    "ExecutableBuilder",
    "ExternFunction",
    "FuncIdx",
    "FunctionAssembler",
    "FunctionEntry",
    "Goto",
    "If",
    "Imm",
    "KernelFunction",
    "Label",
    "ProfileReport",
    "ProfileRow",
    "Reg",
    "Ret",
    "Storage",
    "VMError",
    "VMFunction",
    "VMFunctionHandle",
    "VirtualMachine",
    "builtins",
    "isa",
]
