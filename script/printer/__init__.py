"""The script printer: IR -> docs -> canonical TVMScript text, as script/FORMAT.md specifies.

`script` prints a module or a function (prim_func or graph function) as a whole Python file
(with its imports) that parses back to structurally equal IR; `expr_text`, `stmt_text` and
`relax_text` print fragments, naming free variables and buffers after their hints.
"""

from __future__ import annotations

from typing import Any

from loom.ir import BaseFunc, IRModule, LoomError
from loom.ir.graph import Expr as GraphExpr
from loom.ir.graph import StructInfo
from loom.ir.tir import PrimExpr, Stmt

from . import render
from .context import Context
from .header import file_text
from .module import FUNCTION_PRINTERS, Session, function_doc, module_doc
from .namer import Namer
from .relax_expr import RelaxPrinter
from .tir_expr import ExprPrinter
from .tir_stmt import StmtPrinter

__all__ = ["FUNCTION_PRINTERS", "expr_text", "relax_text", "script", "stmt_text"]


def script(obj: Any) -> str:
    """Print an IRModule or a function as a Python file; other IR as its bare text.

    A Stmt, PrimExpr, graph expression or struct info prints as a fragment (see `expr_text`,
    `stmt_text`, `relax_text`).
    """
    if isinstance(obj, IRModule):
        session = Session(obj)
        doc, dialects = module_doc(obj, session)
        return file_text(dialects, render.stmt(doc), session.constants.text())
    if isinstance(obj, BaseFunc):
        symbol = getattr(obj, "attrs", {}).get("global_symbol")
        func_name = Namer().fresh(symbol if isinstance(symbol, str) else "main")
        session = Session()
        func_doc, dialects = function_doc(obj, func_name, session)
        return file_text(dialects, render.stmt(func_doc), session.constants.text())
    if isinstance(obj, Stmt):
        return stmt_text(obj)
    if isinstance(obj, PrimExpr):
        return expr_text(obj)
    if isinstance(obj, GraphExpr | StructInfo):
        return relax_text(obj)
    raise LoomError(f"cannot print a {type(obj).__name__} as script")


def expr_text(expr: PrimExpr) -> str:
    """One expression as text; free variables and buffers print by their (deduplicated) hints."""
    return render.expr(ExprPrinter(Context(function=False))(expr))


def stmt_text(stmt: Stmt) -> str:
    """A statement as lines of text, unindented, without a trailing newline."""
    printer = StmtPrinter(ExprPrinter(Context(function=False)))
    return "\n".join(render.stmts(printer.docs(stmt)))


def relax_text(node: GraphExpr | StructInfo) -> str:
    """A graph expression or struct info as text; variables print by their (deduplicated) hints.

    Large constants print as references into a ``metadata`` table that the fragment omits.
    """
    printer = RelaxPrinter(Context(function=False))
    doc = printer.sinfo(node) if isinstance(node, StructInfo) else printer(node)
    return render.expr(doc)
