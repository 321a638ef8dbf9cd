"""IRModules to docs: ``@I.ir_module class Module:`` with each function in module order.

Each function kind registers its printer in `FUNCTION_PRINTERS` with the dialect it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loom.ir import BaseFunc, IRModule, LoomError
from loom.ir.tir import PrimFunc

from .context import Context
from .doc import ClassDoc, ExprStmtDoc, StmtDoc, call, name
from .namer import is_legal_name
from .tir_expr import ExprPrinter
from .tir_func import prim_func_doc

# Function class -> (printer taking the function and its name, dialect alias it uses).
FUNCTION_PRINTERS: dict[type, tuple[Callable[[Any, str], StmtDoc], str]] = {
    PrimFunc: (prim_func_doc, "T"),
}


def function_doc(func: BaseFunc, func_name: str) -> tuple[StmtDoc, str]:
    """The doc of one function and the dialect it needs."""
    entry = FUNCTION_PRINTERS.get(type(func))
    if entry is None:
        raise LoomError(f"cannot print a function of type {type(func).__name__}")
    printer, dialect = entry
    return printer(func, func_name), dialect


def module_doc(mod: IRModule) -> tuple[ClassDoc, set[str]]:
    """The class doc of `mod` and the dialects it uses."""
    body: list[StmtDoc] = []
    dialects = {"I"}
    if mod.attrs:
        exprs = ExprPrinter(Context(function=False))
        attrs = exprs.attrs(mod.attrs, "I.module_attrs")
        body.append(ExprStmtDoc(call("I.module_attrs", attrs)))
    seen: set[str] = set()
    for gv, func in mod.functions.items():
        if not is_legal_name(gv.name_hint):
            raise LoomError(f"cannot print function {gv.name_hint!r}: not a usable Python name")
        if gv.name_hint in seen:
            raise LoomError(f"cannot print module: two functions are named {gv.name_hint!r}")
        seen.add(gv.name_hint)
        doc, dialect = function_doc(func, gv.name_hint)
        body.append(doc)
        dialects.add(dialect)
    return ClassDoc("Module", (name("I.ir_module"),), tuple(body)), dialects
