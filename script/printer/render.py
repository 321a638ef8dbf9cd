"""Docs to text: the last printer stage. Adds exactly the parentheses Python precedence needs.

Binary operators associate to the left, so a right operand of equal precedence is wrapped
(``a - (b + c)``); comparisons chain in Python, so a comparison operand of a comparison is
wrapped on either side (``(a < b) == c``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .doc import (
    BINARY_PREC,
    UNARY_PREC,
    AssertDoc,
    AssignDoc,
    AttrDoc,
    CallDoc,
    ClassDoc,
    DictDoc,
    ExprDoc,
    ExprStmtDoc,
    ForDoc,
    FunctionDoc,
    IdDoc,
    IfDoc,
    IndexDoc,
    ListDoc,
    LiteralDoc,
    OperationDoc,
    Prec,
    ReturnDoc,
    SliceDoc,
    StmtDoc,
    TupleDoc,
    WhileDoc,
    WithDoc,
)

INDENT = "    "


def precedence(doc: ExprDoc) -> Prec:
    """How tightly `doc` binds when it appears as an operand."""
    if isinstance(doc, OperationDoc):
        table = UNARY_PREC if len(doc.operands) == 1 else BINARY_PREC
        return table[doc.op]
    if isinstance(doc, LiteralDoc):
        return doc.prec
    return Prec.ATOM


def expr(doc: ExprDoc) -> str:
    """Render one expression."""
    return _EXPR[type(doc)](doc)


def _call(doc: CallDoc) -> str:
    parts = [expr(a) for a in doc.args] + [f"{k}={expr(v)}" for k, v in doc.kwargs]
    return f"{_operand(doc.callee, Prec.ATOM)}({', '.join(parts)})"


def _index(doc: IndexDoc) -> str:
    inner = ", ".join(expr(i) for i in doc.indices) if doc.indices else "()"
    return f"{_operand(doc.value, Prec.ATOM)}[{inner}]"


def _tuple(doc: TupleDoc) -> str:
    if len(doc.items) == 1:
        return f"({expr(doc.items[0])},)"
    return f"({', '.join(expr(i) for i in doc.items)})"


def _operand(doc: ExprDoc, at_least: Prec, strictly_above: bool = False) -> str:
    """Render `doc`, wrapped in parentheses unless it binds at least as tightly as needed."""
    prec = precedence(doc)
    wrap = prec <= at_least if strictly_above else prec < at_least
    text = expr(doc)
    return f"({text})" if wrap else text


def _operation(doc: OperationDoc) -> str:
    if len(doc.operands) == 1:
        return f"{doc.op} {_operand(doc.operands[0], UNARY_PREC[doc.op])}"
    prec = BINARY_PREC[doc.op]
    lhs, rhs = doc.operands
    chained = prec == Prec.CMP
    left = _operand(lhs, prec, strictly_above=chained)
    right = _operand(rhs, prec, strictly_above=True)
    return f"{left} {doc.op} {right}"


_EXPR: dict[type, Callable[[Any], str]] = {
    IdDoc: lambda d: d.name,
    LiteralDoc: lambda d: d.text,
    OperationDoc: _operation,
    AttrDoc: lambda d: f"{_operand(d.value, Prec.ATOM)}.{d.name}",
    CallDoc: _call,
    IndexDoc: _index,
    SliceDoc: lambda d: f"{expr(d.start)}:{expr(d.stop)}",
    TupleDoc: _tuple,
    ListDoc: lambda d: f"[{', '.join(expr(i) for i in d.items)}]",
    DictDoc: lambda d: "{" + ", ".join(f"{expr(k)}: {expr(v)}" for k, v in d.items) + "}",
}


def _targets(targets: tuple[ExprDoc, ...]) -> str:
    return ", ".join(expr(t) for t in targets)


def stmts(docs: tuple[StmtDoc, ...] | list[StmtDoc], depth: int = 0) -> list[str]:
    """Render statements as lines indented `depth` levels (an empty body is ``pass``)."""
    if not docs:
        return [INDENT * depth + "pass"]
    lines: list[str] = []
    for doc in docs:
        lines.extend(stmt(doc, depth))
    return lines


def stmt(doc: StmtDoc, depth: int = 0) -> list[str]:
    """Render one statement (and its nested body) as lines."""
    return _STMT[type(doc)](doc, depth)


def _for(doc: ForDoc, depth: int) -> list[str]:
    head = f"{INDENT * depth}for {_targets(doc.targets)} in {expr(doc.iter)}:"
    return [head, *stmts(doc.body, depth + 1)]


def _while(doc: WhileDoc, depth: int) -> list[str]:
    return [f"{INDENT * depth}while {expr(doc.cond)}:", *stmts(doc.body, depth + 1)]


def _with(doc: WithDoc, depth: int) -> list[str]:
    target = "" if doc.target is None else f" as {expr(doc.target)}"
    return [f"{INDENT * depth}with {expr(doc.rhs)}{target}:", *stmts(doc.body, depth + 1)]


def _assign(doc: AssignDoc) -> str:
    text = _targets(doc.targets)
    if doc.annotation is not None:
        text += f": {expr(doc.annotation)}"
    if doc.rhs is not None:
        text += f" = {expr(doc.rhs)}"
    return text


def _if(doc: IfDoc, depth: int, keyword: str) -> list[str]:
    pad = INDENT * depth
    lines = [f"{pad}{keyword} {expr(doc.cond)}:", *stmts(doc.then, depth + 1)]
    if len(doc.orelse) == 1 and isinstance(doc.orelse[0], IfDoc):
        lines.extend(_if(doc.orelse[0], depth, "elif"))
    elif doc.orelse:
        lines.extend([f"{pad}else:", *stmts(doc.orelse, depth + 1)])
    return lines


def _function(doc: FunctionDoc, depth: int) -> list[str]:
    pad = INDENT * depth
    lines = [f"{pad}@{expr(d)}" for d in doc.decorators]
    params = ", ".join(_assign(p) for p in doc.params)
    returns = "" if doc.returns is None else f" -> {expr(doc.returns)}"
    lines.append(f"{pad}def {doc.name}({params}){returns}:")
    lines.extend(stmts(doc.body, depth + 1))
    return lines


def _class(doc: ClassDoc, depth: int) -> list[str]:
    pad = INDENT * depth
    lines = [f"{pad}@{expr(d)}" for d in doc.decorators]
    lines.append(f"{pad}class {doc.name}:")
    if not doc.body:
        lines.append(INDENT * (depth + 1) + "pass")
    for i, item in enumerate(doc.body):
        if i > 0 and isinstance(item, FunctionDoc | ClassDoc):
            lines.append("")
        lines.extend(stmt(item, depth + 1))
    return lines


_STMT: dict[type, Callable[[Any, int], list[str]]] = {
    ExprStmtDoc: lambda d, depth: [INDENT * depth + expr(d.expr)],
    AssignDoc: lambda d, depth: [INDENT * depth + _assign(d)],
    AssertDoc: lambda d, depth: [f"{INDENT * depth}assert {expr(d.cond)}, {expr(d.message)}"],
    ReturnDoc: lambda d, depth: [f"{INDENT * depth}return {expr(d.value)}"],
    ForDoc: _for,
    WhileDoc: _while,
    IfDoc: lambda d, depth: _if(d, depth, "if"),
    WithDoc: _with,
    FunctionDoc: _function,
    ClassDoc: _class,
}
