"""The interpreter: decodes each VM function once into step closures, then runs register frames.

Decoding happens when a `VirtualMachine` is made. Every operand becomes a slot of the frame: the
registers first, then the function's literals (immediates, constants, function values), so a
call step only indexes the frame list. A step runs one instruction and returns the next ``pc``;
``ret %r`` returns ``~r`` (negative), which ends the loop. VM-to-VM calls are Python calls of
the callee's entry, so recursion depth is bounded (`CallState.max_depth`) and exceeding it is a
`VMError`, never a Python crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from ..ir import LoomError
from .errors import VMError
from .executable import Executable, VMFunction
from .isa import Call, ConstIdx, FuncIdx, Goto, If, Imm, Reg, Ret
from .values import Closure, describe_value

Step = Callable[[list[Any]], int]


class CallState:
    """The VM-wide call depth and its limit (one VM runs one call at a time)."""

    __slots__ = ("depth", "max_depth")

    def __init__(self, max_depth: int):
        self.depth, self.max_depth = 0, max_depth


class DecodedFunction:
    """A VM function ready to run: `entry(*args)` runs one call of it."""

    __slots__ = ("entry", "name", "num_params", "steps", "template")

    def __init__(self, fn: VMFunction, state: CallState, ex: Executable):
        self.name = fn.name
        self.num_params = len(fn.params)
        # Filled by `decode` once every function has an entry (calls may be mutually recursive).
        self.steps: list[Step] = []
        self.template: list[Any] = []
        self.entry = _make_entry(self, fn, state, ex)


def _make_entry(
    decoded: DecodedFunction, fn: VMFunction, state: CallState, ex: Executable
) -> Callable[..., Any]:
    steps, template = decoded.steps, decoded.template

    def entry(*args: Any) -> Any:
        depth = state.depth
        if depth >= state.max_depth:
            raise VMError(
                f"VM call depth exceeded {state.max_depth} calling {fn.name!r} (runaway "
                "recursion? raise VirtualMachine(max_call_depth=...) if it is intended)"
            )
        state.depth = depth + 1
        regs = [*args, *template]
        pc = 0
        try:
            while pc >= 0:
                pc = steps[pc](regs)
        except VMError as err:
            raise locate(err, ex, fn, pc, regs)  # noqa: B904 - keeps the original __cause__
        except RecursionError:
            raise locate(
                VMError(f"Python stack exhausted in {fn.name!r} (recursion too deep)"),
                ex, fn, pc, regs,
            ) from None  # fmt: skip
        except Exception as err:
            raise locate(_as_vm_error(err), ex, fn, pc, regs) from err
        finally:
            state.depth = depth
        return regs[~pc]

    return entry


def _as_vm_error(err: Exception) -> VMError:
    """A VMError for an exception that a kernel, packed function or builtin raised."""
    if isinstance(err, LoomError):
        return VMError(f"{type(err).__name__}: {err.message}", notes=err.notes)
    return VMError(f"{type(err).__name__}: {err}")


def locate(err: VMError, ex: Executable, fn: VMFunction, pc: int, regs: list[Any]) -> VMError:
    """Add where `err` happened (first frame) or a "called from" note (outer frames)."""
    instr = fn.instructions[pc]
    where = f"VM function {fn.name!r}, instruction {pc}: {ex.describe_instruction(instr)}"
    if err.function is None:
        err.function, err.pc, err.caller_notes = fn.name, pc, []
        notes = [f"in {where}"]
        operands = _register_operands(instr)
        if operands:
            values = ", ".join(
                f"%{r} = {describe_value(regs[r]) if r < len(regs) else '?'}" for r in operands
            )
            notes.append(f"operands: {values}")
        err.notes = (*err.notes, *notes)
    elif err.caller_notes and err.caller_notes[-1][0] == where:
        # Deep recursion: one note with a count, not one per frame.
        count = err.caller_notes[-1][1] + 1
        err.caller_notes[-1] = (where, count)
        err.notes = (*err.notes[:-1], f"called from {where} ({count} times)")
    else:
        err.caller_notes.append((where, 1))
        err.notes = (*err.notes, f"called from {where}")
    return err


def _register_operands(instr: Any) -> list[int]:
    if isinstance(instr, Call):
        return list(dict.fromkeys(a.index for a in instr.args if isinstance(a, Reg)))
    if isinstance(instr, If):
        return [instr.cond]
    if isinstance(instr, Ret):
        return [instr.result]
    return []


def decode(
    decoded: DecodedFunction,
    fn: VMFunction,
    callees: Sequence[Callable[..., Any]],
    values: Sequence[Any],
    constants: Sequence[Any],
) -> None:
    """Fill `decoded`'s steps and frame template.

    `callees[i]` is what ``call`` of table entry i invokes; `values[i]` what ``FuncIdx(i)`` is.
    """
    literals: dict[tuple[str, object], int] = {}
    literal_values: list[Any] = []

    def slot(arg: Any) -> int:
        if isinstance(arg, Reg):
            return arg.index
        key: tuple[str, object]
        if isinstance(arg, Imm):
            key, value = ("imm", arg.value), arg.value
        elif isinstance(arg, ConstIdx):
            key, value = ("const", arg.index), constants[arg.index]
        else:
            assert isinstance(arg, FuncIdx)
            key, value = ("func", arg.index), values[arg.index]
        index = literals.get(key)
        if index is None:
            index = literals[key] = fn.num_registers + len(literal_values)
            literal_values.append(value)
        return index

    steps: list[Step] = []
    for pc, instr in enumerate(fn.instructions):
        if isinstance(instr, Call):
            slots = [slot(a) for a in instr.args]
            steps.append(_call_step(callees[instr.func_index], instr.dst, slots, pc + 1))
        elif isinstance(instr, Ret):
            steps.append(_ret_step(instr.result))
        elif isinstance(instr, Goto):
            steps.append(_goto_step(pc + instr.offset))
        else:
            assert isinstance(instr, If)
            steps.append(_if_step(instr.cond, pc + 1, pc + instr.false_offset))
    decoded.steps[:] = steps
    decoded.template[:] = [None] * (fn.num_registers - decoded.num_params) + literal_values


def _call_step(f: Callable[..., Any], dst: int, slots: list[int], nxt: int) -> Step:
    # One specialization per small arity: indexing the frame directly beats unpacking a tuple.
    n = len(slots)
    if n == 0:

        def step(regs: list[Any]) -> int:
            regs[dst] = f()
            return nxt

    elif n == 1:
        (a,) = slots

        def step(regs: list[Any]) -> int:
            regs[dst] = f(regs[a])
            return nxt

    elif n == 2:
        a, b = slots

        def step(regs: list[Any]) -> int:
            regs[dst] = f(regs[a], regs[b])
            return nxt

    elif n == 3:
        a, b, c = slots

        def step(regs: list[Any]) -> int:
            regs[dst] = f(regs[a], regs[b], regs[c])
            return nxt

    else:
        get = itemgetter(*slots)

        def step(regs: list[Any]) -> int:
            regs[dst] = f(*get(regs))
            return nxt

    return step


def _ret_step(result: int) -> Step:
    done = ~result

    def step(regs: list[Any]) -> int:
        return done

    return step


def _goto_step(target: int) -> Step:
    def step(regs: list[Any]) -> int:
        return target

    return step


def _if_step(cond: int, then: int, otherwise: int) -> Step:
    def step(regs: list[Any]) -> int:
        value = regs[cond]
        if value is True:
            return then
        if value is False:
            return otherwise
        if type(value) is int:
            return then if value else otherwise
        raise VMError(
            f"if: the condition must be a bool or int (use vm.builtin.read_if_cond), got "
            f"{describe_value(value)}"
        )

    return step


def function_value(decoded: DecodedFunction) -> Closure:
    """The value of ``FuncIdx`` naming a VM function: a closure with nothing captured."""
    return Closure(decoded.entry, (), decoded.name, decoded.num_params)
