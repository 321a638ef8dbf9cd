r"""The VM's instruction set: four register-based opcodes; every other operation is a builtin.

The bytecode compiler (`loom.vm` codegen) emits these instructions, the `Executable` stores and
serializes them, and the interpreter pre-decodes them into closures when a VM is created.

**Frames and registers.** Each call of a VM function gets a fresh frame of ``num_registers``
registers. The first ``len(params)`` registers hold the arguments (register ``i`` = parameter
``i``); the rest are temporaries, initially ``None``. A register holds any runtime value: an
`NDArray`, a `Shape`, a Python ``int``/``float``/``bool``/``str``, a `DataType`, a ``tuple`` of
values (a VM tuple), a `Storage`, a `Closure`, a `PackedFunc`, or ``None`` (the null value).

**Arguments.** An instruction operand (`Arg`) is one of

=========== =================================================================================
``Reg(i)``   the value in register ``i`` of the current frame (printed ``%i``)
``Imm(v)``   the Python ``int`` ``v`` itself (printed ``v``); bools, floats and strings go
             through the constant pool
``ConstIdx`` the constant ``i`` of the executable's constant pool (printed ``c[i]``)
``FuncIdx``  entry ``i`` of the function table as a value (printed ``@i``, or ``@name`` by
             `Executable.as_text`): a VM function becomes a `Closure` with nothing captured,
             a packed function or a kernel its `PackedFunc`; passed to builtins such as
             ``make_closure``
=========== =================================================================================

**Opcodes** (``pc`` is the index of the current instruction in its function):

============================================= ======================================================
``Call(dst, func_index, args)``                call function-table entry ``func_index`` with the
                                               decoded ``args``; store the result in register
                                               ``dst`` (``None`` when the callee returns nothing);
                                               ``pc += 1``. A VM-function entry pushes a frame; a
                                               packed-function or kernel entry is one `PackedFunc`
                                               call. Printed ``%dst = call @i(args)``.
``Ret(result)``                                return the value of register ``result`` to the
                                               caller and pop the frame. Printed ``ret %result``.
``Goto(offset)``                               ``pc += offset`` (relative; 0 would loop forever and
                                               is rejected). Printed ``goto +offset``.
``If(cond, false_offset)``                     if the value in register ``cond`` is true, fall
                                               through (``pc += 1``); otherwise ``pc +=
                                               false_offset``. ``cond`` holds a Python bool or
                                               int, as produced by ``vm.builtin.read_if_cond``.
                                               Printed ``if %cond else +false_offset``.
============================================= ======================================================

Validation (on construction and on load) makes every index valid and rejects a function whose
last instruction is not ``ret`` or ``goto`` (it could run off its end), a jump outside
``[0, len(instructions))`` and a direct call of a VM function with the wrong argument count.
A graph-level ``If`` becomes::

    %c = call @vm.builtin.read_if_cond(%x)
    if %c else +3          # pc+0
    %r = ...then...        # pc+1
    goto +2                # pc+2
    %r = ...else...        # pc+3
    ret %r                 # pc+4
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reg:
    """A register of the current frame."""

    index: int

    def __str__(self) -> str:
        return f"%{self.index}"


@dataclass(frozen=True, slots=True)
class Imm:
    """An immediate Python int (shape dims, indices, flags)."""

    value: int

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class ConstIdx:
    """An entry of the executable's constant pool."""

    index: int

    def __str__(self) -> str:
        return f"c[{self.index}]"


@dataclass(frozen=True, slots=True)
class FuncIdx:
    """An entry of the executable's function table, passed as a value."""

    index: int

    def __str__(self) -> str:
        return f"@{self.index}"


Arg = Reg | Imm | ConstIdx | FuncIdx
"""An instruction operand."""


@dataclass(frozen=True, slots=True)
class Call:
    """Call function-table entry ``func_index`` and store its result in register ``dst``."""

    dst: int
    func_index: int
    args: tuple[Arg, ...] = ()

    def __str__(self) -> str:
        return f"%{self.dst} = call @{self.func_index}({', '.join(map(str, self.args))})"


@dataclass(frozen=True, slots=True)
class Ret:
    """Return register ``result`` from the current function."""

    result: int

    def __str__(self) -> str:
        return f"ret %{self.result}"


@dataclass(frozen=True, slots=True)
class Goto:
    """Jump ``offset`` instructions (relative to this one)."""

    offset: int

    def __str__(self) -> str:
        return f"goto {self.offset:+d}"


@dataclass(frozen=True, slots=True)
class If:
    """Fall through when register ``cond`` is true, else jump ``false_offset`` (relative)."""

    cond: int
    false_offset: int

    def __str__(self) -> str:
        return f"if %{self.cond} else {self.false_offset:+d}"


Instruction = Call | Ret | Goto | If
"""One bytecode instruction."""

OPCODES: dict[str, type] = {"call": Call, "ret": Ret, "goto": Goto, "if": If}
"""Opcode names as they appear in the serialized format, mapped to their classes."""

ARG_KINDS: dict[str, type] = {"reg": Reg, "imm": Imm, "const": ConstIdx, "func": FuncIdx}
"""Operand kind names as they appear in the serialized format, mapped to their classes."""

BUILTIN_PREFIX = "vm.builtin."
"""Global registry prefix of the VM's builtin packed functions."""
