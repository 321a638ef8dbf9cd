"""The script printer: IR -> docs -> canonical TVMScript text, as script/FORMAT.md specifies.

`script` prints a module or prim_func as a whole Python file (with its imports) that parses back
to structurally equal IR; `expr_text` and `stmt_text` print fragments, naming free variables and
buffers after their hints.
"""

from __future__ import annotations

from typing import Any

from loom.ir import IRModule, LoomError
from loom.ir.tir import PrimExpr, PrimFunc, Stmt

from . import render
from .context import Context
from .header import file_text
from .module import FUNCTION_PRINTERS, function_doc, module_doc
from .namer import Namer
from .tir_expr import ExprPrinter
from .tir_stmt import StmtPrinter

__all__ = ["FUNCTION_PRINTERS", "expr_text", "script", "stmt_text"]


def script(obj: Any) -> str:
    """Print an IRModule or PrimFunc as a Python file; a Stmt or PrimExpr as its bare text."""
    if isinstance(obj, IRModule):
        doc, dialects = module_doc(obj)
        return file_text(dialects, render.stmt(doc))
    if isinstance(obj, PrimFunc):
        symbol = obj.attrs.get("global_symbol")
        func_name = Namer().fresh(symbol if isinstance(symbol, str) else "main")
        doc, dialect = function_doc(obj, func_name)
        return file_text({dialect}, render.stmt(doc))
    if isinstance(obj, Stmt):
        return stmt_text(obj)
    if isinstance(obj, PrimExpr):
        return expr_text(obj)
    raise LoomError(f"cannot print a {type(obj).__name__} as script")


def expr_text(expr: PrimExpr) -> str:
    """One expression as text; free variables and buffers print by their (deduplicated) hints."""
    return render.expr(ExprPrinter(Context(function=False))(expr))


def stmt_text(stmt: Stmt) -> str:
    """A statement as lines of text, unindented, without a trailing newline."""
    printer = StmtPrinter(ExprPrinter(Context(function=False)))
    return "\n".join(render.stmts(printer.docs(stmt)))
