"""The doc layer between IR and text: small Python-syntax trees that the IR printers build.

`render.py` turns them into text; parentheses come from the precedence table here, never from
the IR printers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Prec(IntEnum):
    """Python operator precedence, lowest first (only the levels the printer writes)."""

    OR = 1
    AND = 2
    NOT = 3
    CMP = 4
    ADD = 5
    MUL = 6
    UNARY = 7  # a negative literal such as ``-3`` parses as unary minus
    ATOM = 8


# Binary operators by spelling; all but the comparisons associate to the left.
BINARY_PREC = {
    "or": Prec.OR,
    "and": Prec.AND,
    "==": Prec.CMP,
    "!=": Prec.CMP,
    "<": Prec.CMP,
    "<=": Prec.CMP,
    ">": Prec.CMP,
    ">=": Prec.CMP,
    "+": Prec.ADD,
    "-": Prec.ADD,
    "*": Prec.MUL,
    "/": Prec.MUL,
    "//": Prec.MUL,
    "%": Prec.MUL,
}
UNARY_PREC = {"not": Prec.NOT}


# ---------------------------------------------------------------------------------------------
# Expressions


@dataclass(frozen=True, slots=True)
class ExprDoc:
    """Base of expression docs."""


@dataclass(frozen=True, slots=True)
class IdDoc(ExprDoc):
    """An identifier."""

    name: str


@dataclass(frozen=True, slots=True)
class LiteralDoc(ExprDoc):
    """Literal text such as ``5``, ``-3``, ``1.5``, ``"s"``, ``True``, with its precedence."""

    text: str
    prec: Prec = Prec.ATOM


@dataclass(frozen=True, slots=True)
class AttrDoc(ExprDoc):
    """``value.name``."""

    value: ExprDoc
    name: str


@dataclass(frozen=True, slots=True)
class CallDoc(ExprDoc):
    """``callee(args..., key=value...)``; keywords print in the order given."""

    callee: ExprDoc
    args: tuple[ExprDoc, ...] = ()
    kwargs: tuple[tuple[str, ExprDoc], ...] = ()


@dataclass(frozen=True, slots=True)
class SliceDoc(ExprDoc):
    """``start:stop``; only valid as an index of an `IndexDoc`."""

    start: ExprDoc
    stop: ExprDoc


@dataclass(frozen=True, slots=True)
class IndexDoc(ExprDoc):
    """``value[i, j]``; no indices prints ``value[()]``."""

    value: ExprDoc
    indices: tuple[ExprDoc, ...]


@dataclass(frozen=True, slots=True)
class TupleDoc(ExprDoc):
    """``(a, b)``, ``(a,)`` or ``()``."""

    items: tuple[ExprDoc, ...]


@dataclass(frozen=True, slots=True)
class ListDoc(ExprDoc):
    """``[a, b]``."""

    items: tuple[ExprDoc, ...]


@dataclass(frozen=True, slots=True)
class DictDoc(ExprDoc):
    """``{k: v, ...}`` in the order given."""

    items: tuple[tuple[ExprDoc, ExprDoc], ...]


@dataclass(frozen=True, slots=True)
class OperationDoc(ExprDoc):
    """An infix binary operator (a key of `BINARY_PREC`) or ``not`` with one operand."""

    op: str
    operands: tuple[ExprDoc, ...]


def call(callee: ExprDoc | str, *args: ExprDoc, **kwargs: ExprDoc) -> CallDoc:
    """Build a call doc; a string callee is a dotted name such as ``"T.exp"``."""
    return CallDoc(name(callee) if isinstance(callee, str) else callee, args, tuple(kwargs.items()))


def name(dotted: str) -> ExprDoc:
    """``"T.axis.remap"`` as nested attribute docs."""
    head, *rest = dotted.split(".")
    doc: ExprDoc = IdDoc(head)
    for part in rest:
        doc = AttrDoc(doc, part)
    return doc


# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(frozen=True, slots=True)
class StmtDoc:
    """Base of statement docs."""


@dataclass(frozen=True, slots=True)
class ExprStmtDoc(StmtDoc):
    """An expression on a line of its own."""

    expr: ExprDoc


@dataclass(frozen=True, slots=True)
class AssignDoc(StmtDoc):
    """``a, b = rhs``, ``x: annotation = rhs`` (one target), or a bare ``x: annotation``."""

    targets: tuple[ExprDoc, ...]
    rhs: ExprDoc | None
    annotation: ExprDoc | None = None


@dataclass(frozen=True, slots=True)
class ReturnDoc(StmtDoc):
    """``return value``."""

    value: ExprDoc


@dataclass(frozen=True, slots=True)
class AssertDoc(StmtDoc):
    """``assert cond, message``."""

    cond: ExprDoc
    message: ExprDoc


@dataclass(frozen=True, slots=True)
class ForDoc(StmtDoc):
    """``for a, b in iter:`` and its body."""

    targets: tuple[ExprDoc, ...]
    iter: ExprDoc
    body: tuple[StmtDoc, ...]


@dataclass(frozen=True, slots=True)
class WhileDoc(StmtDoc):
    """``while cond:`` and its body."""

    cond: ExprDoc
    body: tuple[StmtDoc, ...]


@dataclass(frozen=True, slots=True)
class IfDoc(StmtDoc):
    """``if cond:``; an else branch that is exactly one `IfDoc` renders as ``elif``."""

    cond: ExprDoc
    then: tuple[StmtDoc, ...]
    orelse: tuple[StmtDoc, ...] = ()


@dataclass(frozen=True, slots=True)
class WithDoc(StmtDoc):
    """``with rhs as target:`` (or without ``as``) and its body."""

    target: ExprDoc | None
    rhs: ExprDoc
    body: tuple[StmtDoc, ...]


@dataclass(frozen=True, slots=True)
class FunctionDoc(StmtDoc):
    """A decorated ``def``; each param is an `AssignDoc` with one target and no rhs."""

    name: str
    params: tuple[AssignDoc, ...]
    decorators: tuple[ExprDoc, ...]
    returns: ExprDoc | None
    body: tuple[StmtDoc, ...]


@dataclass(frozen=True, slots=True)
class ClassDoc(StmtDoc):
    """A decorated ``class``; a blank line goes before each function in its body."""

    name: str
    decorators: tuple[ExprDoc, ...]
    body: tuple[StmtDoc, ...]
