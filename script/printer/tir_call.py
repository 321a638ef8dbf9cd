"""Intrinsic calls to docs: ``T.exp(x)``, ``T.call_extern("float32", "f", x)``, ...

Where the script form implies the call's dtype (``T.exp(x)`` has x's dtype), a call whose dtype
differs cannot be written down, so it is an error rather than text that parses to other IR.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from loom.ir import LoomError
from loom.ir.tir import FLOAT_UNARY, Call, Op, StringImm

from .doc import ExprDoc, call
from .values import string

if TYPE_CHECKING:
    from .tir_expr import ExprPrinter

# Ops printed as ``T.<name>(args)`` whose dtype is that of argument `index`.
_IMPLIED = {
    **dict.fromkeys(FLOAT_UNARY, (1, 0)),
    "pow": (2, 0),
    "likely": (1, 0),
    "if_then_else": (3, 1),
    "bitwise_and": (2, 0),
    "bitwise_or": (2, 0),
    "bitwise_xor": (2, 0),
    "shift_left": (2, 0),
    "shift_right": (2, 0),
    "bitwise_not": (1, 0),
}


def call_doc(exprs: ExprPrinter, op: Call) -> ExprDoc:
    """The script form of an intrinsic call."""
    if not isinstance(op.op, Op):
        raise LoomError(
            f"cannot print a TIR call of {type(op.op).__name__} {getattr(op.op, 'name_hint', '')!r}"
            ": the script format has no form for it"
        )
    name = op.op.name
    if name in _IMPLIED:
        return _implied(exprs, op, name)
    printer = _SPECIAL.get(name)
    if printer is None:
        raise LoomError(f"cannot print a call of intrinsic {name!r}: it has no script form")
    return printer(exprs, op)


def _implied(exprs: ExprPrinter, op: Call, name: str) -> ExprDoc:
    arity, index = _IMPLIED[name]
    _check_arity(op, arity)
    implied = op.args[index].dtype
    if op.dtype != implied:
        raise LoomError(
            f"cannot print T.{name} returning {op.dtype}: its script form implies {implied}"
        )
    return call(f"T.{name}", *(exprs(a) for a in op.args))


def _check_arity(op: Call, arity: int) -> None:
    if len(op.args) != arity:
        raise LoomError(
            f"cannot print T.{op.op.name} with {len(op.args)} argument(s): it takes {arity}"
        )


def _name_arg(op: Call) -> str:
    if not op.args or not isinstance(op.args[0], StringImm):
        raise LoomError(f"T.{op.op.name} needs a function name (a StringImm) as first argument")
    return op.args[0].value


def _reinterpret(exprs: ExprPrinter, op: Call) -> ExprDoc:
    _check_arity(op, 1)
    return call("T.reinterpret", string(str(op.dtype)), exprs(op.args[0]))


def _call_extern(exprs: ExprPrinter, op: Call) -> ExprDoc:
    fname = _name_arg(op)
    args = (exprs(a) for a in op.args[1:])
    return call("T.call_extern", string(str(op.dtype)), string(fname), *args)


def _call_packed(exprs: ExprPrinter, op: Call) -> ExprDoc:
    fname = _name_arg(op)
    args = tuple(exprs(a) for a in op.args[1:])
    if str(op.dtype) == "int32":
        return call("T.call_packed", string(fname), *args)
    return call("T.call_packed", string(fname), *args, dtype=string(str(op.dtype)))


def _limit(exprs: ExprPrinter, op: Call) -> ExprDoc:
    _check_arity(op, 0)
    return call(f"T.{op.op.name}", string(str(op.dtype)))


_SPECIAL: dict[str, Callable[[ExprPrinter, Call], ExprDoc]] = {
    "reinterpret": _reinterpret,
    "call_extern": _call_extern,
    "call_packed": _call_packed,
    "max_value": _limit,
    "min_value": _limit,
}
