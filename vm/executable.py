"""`Executable`: what the VM runs; the function table, the constant pool and the kernel library.

The bytecode compiler (or `loom.vm.assembler` by hand) builds one; `save`/`load` write and read
it as one file (`loom.vm.serialize`), and `VirtualMachine` runs it. Nothing here needs the
compiler.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ffi import NDArray, Shape, array
from ..ir import DataType
from .errors import VMError
from .isa import Call, ConstIdx, FuncIdx, Instruction

if TYPE_CHECKING:
    from ..ffi import Module


@dataclass(frozen=True, slots=True)
class VMFunction:
    """A bytecode function: its registers ``0..len(params)-1`` receive the arguments."""

    name: str
    params: tuple[str, ...]
    num_registers: int
    instructions: tuple[Instruction, ...]


@dataclass(frozen=True, slots=True)
class ExternFunction:
    """A packed function looked up by name in the global registry when a VM is created."""

    name: str


@dataclass(frozen=True, slots=True)
class KernelFunction:
    """A compiled kernel: function `name` of the executable's kernel library."""

    name: str


FunctionEntry = VMFunction | ExternFunction | KernelFunction
"""One entry of the function table (what `isa.Call.func_index` and `isa.FuncIdx` index)."""

Constant = NDArray | Shape | DataType | int | float | bool | str | None | tuple
"""A constant-pool value; tuples hold constants."""


class Executable:
    """A VM program: functions, constants and compiled kernels, validated on construction.

    Args:
        functions: the function table.
        constants: the constant pool (numpy arrays are copied into NDArrays).
        kernels: the runtime module (``loom.build``'s result or a loaded library) that defines
            every `KernelFunction`; None when there are none.

    Raises:
        VMError: the program is malformed (an index out of range, a jump outside its function,
            a function that can run off its end, a missing kernel, an unsupported constant).
    """

    def __init__(
        self,
        functions: Sequence[FunctionEntry],
        constants: Sequence[Any] = (),
        kernels: Module | None = None,
    ):
        from .validate import validate_executable

        self.functions: tuple[FunctionEntry, ...] = tuple(functions)
        self.constants: tuple[Constant, ...] = tuple(
            _constant(c, i) for i, c in enumerate(constants)
        )
        self.kernels = kernels
        # (suffix, bytes) of the kernel library as saved; filled by `load` or the first `save`.
        self._library: tuple[str, bytes] | None = None
        validate_executable(self)
        self.function_index: dict[str, int] = {
            f.name: i for i, f in enumerate(self.functions) if isinstance(f, VMFunction)
        }

    @property
    def vm_function_names(self) -> list[str]:
        """Names of the bytecode functions, in table order."""
        return list(self.function_index)

    def __getitem__(self, name: str) -> VMFunction:
        index = self.function_index.get(name)
        if index is None:
            known = ", ".join(self.function_index) or "none"
            raise VMError(f"the executable has no VM function {name!r} (it has: {known})")
        entry = self.functions[index]
        assert isinstance(entry, VMFunction)
        return entry

    # -- files ------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write this executable to one file (format: `loom.vm.serialize`)."""
        from .serialize import write_executable

        write_executable(self, os.fspath(path))

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Executable:
        """Read an executable that `save` wrote; damaged or foreign files raise `VMError`."""
        from .serialize import read_executable

        return read_executable(os.fspath(path))

    # -- text -------------------------------------------------------------------------------

    def describe_arg(self, arg: Any) -> str:
        """An operand as `as_text` prints it: functions by name, scalar constants inline."""
        if isinstance(arg, FuncIdx):
            return f"@{self.functions[arg.index].name}"
        if isinstance(arg, ConstIdx):
            value = self.constants[arg.index]
            if isinstance(value, NDArray | tuple):
                return f"c[{arg.index}]"
            return describe_constant(value)  # short scalars read better inline
        return str(arg)

    def describe_instruction(self, instr: Instruction) -> str:
        """One instruction as `as_text` prints it."""
        if isinstance(instr, Call):
            args = ", ".join(self.describe_arg(a) for a in instr.args)
            return f"%{instr.dst} = call @{self.functions[instr.func_index].name}({args})"
        return str(instr)

    def as_text(self) -> str:
        """The whole program, readably: functions with numbered instructions, then constants."""
        lines: list[str] = []
        for i, entry in enumerate(self.functions):
            if isinstance(entry, VMFunction):
                params = ", ".join(entry.params)
                lines.append(
                    f"[{i}] vm function {entry.name}({params})  # {entry.num_registers} registers"
                )
                width = len(str(len(entry.instructions) - 1))
                for pc, instr in enumerate(entry.instructions):
                    lines.append(f"  {pc:>{width}}: {self.describe_instruction(instr)}")
            elif isinstance(entry, ExternFunction):
                lines.append(f"[{i}] extern {entry.name}")
            else:
                lines.append(f"[{i}] kernel {entry.name}")
        if self.constants:
            lines.append("constants:")
            lines.extend(f"  c[{i}] = {describe_constant(c)}" for i, c in enumerate(self.constants))
        return "\n".join(lines)

    def stats(self) -> str:
        """A short summary: functions by kind, instruction and constant counts, kernel library."""
        vm = [f for f in self.functions if isinstance(f, VMFunction)]
        externs = sum(isinstance(f, ExternFunction) for f in self.functions)
        kernels = sum(isinstance(f, KernelFunction) for f in self.functions)
        instrs = sum(len(f.instructions) for f in vm)
        const_bytes = sum(c.nbytes for c in self.constants if isinstance(c, NDArray))
        library = "none" if self.kernels is None else repr(self.kernels)
        return "\n".join(
            [
                f"functions: {len(vm)} vm ({instrs} instructions), {externs} extern, "
                f"{kernels} kernel",
                f"constants: {len(self.constants)} ({const_bytes} bytes of tensors)",
                f"kernel library: {library}",
            ]
        )

    def __repr__(self) -> str:
        return f"<Executable: {', '.join(self.function_index) or 'no VM functions'}>"


def describe_constant(value: Any) -> str:
    """A short readable form of a constant (tensors by dtype and shape, not contents)."""
    if isinstance(value, NDArray):
        if value.size <= 8:
            return f"tensor {value.dtype} {list(value.shape)} {value.numpy().tolist()}"
        return f"tensor {value.dtype} {list(value.shape)}"
    if isinstance(value, Shape):
        return f"shape {list(value)}"
    if isinstance(value, DataType):
        return f"dtype {value}"
    if isinstance(value, tuple):
        return "(" + ", ".join(describe_constant(v) for v in value) + ")"
    return repr(value)


_SCALARS = (bool, int, float, str, type(None), DataType, Shape)


def _constant(value: Any, index: int) -> Constant:
    """Check one constant-pool entry; host arrays become (CPU) NDArrays."""
    if isinstance(value, np.ndarray | np.generic) and not isinstance(value, np.bool_):
        value = array(np.asarray(value))
    if isinstance(value, NDArray):
        if not value.device.is_cpu:
            value = value.copyto("cpu")
        return value
    if type(value) in _SCALARS:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if type(value) is tuple:
        return tuple(_constant(v, index) for v in value)
    raise VMError(
        f"constant c[{index}] has unsupported type {type(value).__name__}: the constant pool holds "
        "tensors, shapes, dtypes, ints, floats, bools, strings, None and tuples of these"
    )
