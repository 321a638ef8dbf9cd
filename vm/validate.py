"""Static checks of an `Executable`, run on construction and after loading a file.

They make the interpreter's invariants hold before it runs: every index is in range, every jump
stays inside its function, and no function can run off its end. The interpreter then never
checks them per instruction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import VMError
from .isa import Call, ConstIdx, FuncIdx, Goto, If, Imm, Reg, Ret

if TYPE_CHECKING:
    from .executable import Executable, VMFunction


def validate_executable(ex: Executable) -> None:
    """Raise `VMError` for the first broken rule of `ex` (see the module docstring)."""
    from .executable import ExternFunction, KernelFunction, VMFunction

    seen: dict[tuple[type, str], int] = {}
    for i, entry in enumerate(ex.functions):
        if not isinstance(entry, VMFunction | ExternFunction | KernelFunction):
            raise VMError(f"function table entry {i} is not a function entry: {entry!r}")
        if not isinstance(entry.name, str) or not entry.name:
            raise VMError(f"function table entry {i} has no name")
        key = (type(entry), entry.name)
        if key in seen:
            raise VMError(
                f"function table entries {seen[key]} and {i} are both {_kind(entry)} {entry.name!r}"
            )
        seen[key] = i
        if isinstance(entry, VMFunction):
            _check_function(ex, entry)
    _check_kernels(ex)


def _kind(entry: object) -> str:
    from .executable import ExternFunction, VMFunction

    if isinstance(entry, VMFunction):
        return "VM function"
    return "extern function" if isinstance(entry, ExternFunction) else "kernel"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_function(ex: Executable, fn: VMFunction) -> None:
    where = f"VM function {fn.name!r}"
    if not isinstance(fn.params, tuple) or not all(isinstance(p, str) for p in fn.params):
        raise VMError(f"{where}: params must be a tuple of names, got {fn.params!r}")
    if not _is_int(fn.num_registers) or fn.num_registers < len(fn.params):
        raise VMError(
            f"{where}: num_registers {fn.num_registers!r} is less than its "
            f"{len(fn.params)} parameters"
        )
    if not isinstance(fn.instructions, tuple) or not fn.instructions:
        raise VMError(f"{where} has no instructions")
    size = len(fn.instructions)
    for pc, instr in enumerate(fn.instructions):
        at = f"{where}, instruction {pc} ({instr})"
        for target in _check_instruction(ex, fn, instr, at):
            if not 0 <= pc + target < size or target == 0:
                raise VMError(
                    f"{at}: jumps to {pc + target}, outside the function's instructions "
                    f"0..{size - 1}"
                    if target
                    else f"{at}: a jump by 0 never ends"
                )
    if not isinstance(fn.instructions[-1], Ret | Goto):
        raise VMError(
            f"{where}: the last instruction ({fn.instructions[-1]}) falls through past the end; "
            "end with ret or goto"
        )


def _check_instruction(ex: Executable, fn: VMFunction, instr: object, at: str) -> tuple[int, ...]:
    """Check one instruction's operands; return its relative jump offsets."""

    def register(index: object, what: str) -> None:
        if not isinstance(index, int) or isinstance(index, bool):
            raise VMError(f"{at}: {what} {index!r} is not a register 0..{fn.num_registers - 1}")
        if not 0 <= index < fn.num_registers:
            raise VMError(f"{at}: {what} {index!r} is not a register 0..{fn.num_registers - 1}")

    if isinstance(instr, Call):
        register(instr.dst, "destination")
        if not _is_int(instr.func_index) or not 0 <= instr.func_index < len(ex.functions):
            raise VMError(f"{at}: function index {instr.func_index!r} is out of range")
        if not isinstance(instr.args, tuple):
            raise VMError(f"{at}: args must be a tuple")
        for arg in instr.args:
            _check_arg(ex, arg, register, at)
        callee = ex.functions[instr.func_index]
        params = getattr(callee, "params", None)  # a VM function's: its arity is known
        if isinstance(params, tuple) and len(params) != len(instr.args):
            raise VMError(
                f"{at}: {callee.name!r} takes {len(params)} arguments but is given "
                f"{len(instr.args)}"
            )
        return ()
    if isinstance(instr, Ret):
        register(instr.result, "result")
        return ()
    if isinstance(instr, Goto):
        if not _is_int(instr.offset):
            raise VMError(f"{at}: the offset must be an int")
        return (instr.offset,)
    if isinstance(instr, If):
        register(instr.cond, "condition")
        if not _is_int(instr.false_offset):
            raise VMError(f"{at}: the offset must be an int")
        return (instr.false_offset,)
    raise VMError(f"{at}: not an instruction: {instr!r}")


def _check_arg(ex: Executable, arg: object, register: object, at: str) -> None:
    if isinstance(arg, Reg):
        register(arg.index, "operand register")  # type: ignore[operator]
    elif isinstance(arg, Imm):
        if not _is_int(arg.value):
            raise VMError(f"{at}: immediate {arg.value!r} is not an int")
    elif isinstance(arg, ConstIdx):
        if not _is_int(arg.index) or not 0 <= arg.index < len(ex.constants):
            raise VMError(
                f"{at}: constant index {arg.index!r} is out of range "
                f"(the pool has {len(ex.constants)})"
            )
    elif isinstance(arg, FuncIdx):
        if not _is_int(arg.index) or not 0 <= arg.index < len(ex.functions):
            raise VMError(f"{at}: function operand {arg.index!r} is out of range")
    else:
        raise VMError(f"{at}: not an operand: {arg!r}")


def _check_kernels(ex: Executable) -> None:
    from ..ffi import Module
    from .executable import KernelFunction

    names = [f.name for f in ex.functions if isinstance(f, KernelFunction)]
    if ex.kernels is None:
        if names:
            raise VMError(
                f"the executable calls kernels ({', '.join(names)}) but has no kernel library"
            )
        return
    if not isinstance(ex.kernels, Module):
        raise VMError(f"the kernel library must be a loom.ffi Module, got {ex.kernels!r}")
    missing = [n for n in names if ex.kernels.get_function(n, query_imports=True) is None]
    if missing:
        raise VMError(
            f"the kernel library does not define {', '.join(map(repr, missing))} "
            f"(it defines: {', '.join(ex.kernels.function_names()) or 'nothing'})"
        )
