"""IRModules to docs: ``@I.ir_module class Module:`` with each function in module order.

Each function kind registers its printer in `FUNCTION_PRINTERS` with the dialect it needs. The
functions of one file share a `Session`: the module (to resolve calls) and the metadata table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from loom.ir import BaseFunc, IRModule, LoomError
from loom.ir.graph import Function
from loom.ir.tir import PrimFunc

from .context import Context
from .doc import ClassDoc, ExprStmtDoc, IdDoc, StmtDoc, call, name
from .header import DIALECTS
from .namer import is_legal_name
from .relax_const import ConstantTable
from .relax_func import MODULE_CLASS, graph_func_doc
from .tir_expr import ExprPrinter
from .tir_func import prim_func_doc


@dataclass
class Session:
    """What the functions of one printed file share."""

    module: IRModule | None = None
    constants: ConstantTable = field(default_factory=ConstantTable)


def _prim_func(func: PrimFunc, func_name: str, session: Session) -> StmtDoc:
    return prim_func_doc(func, func_name)


def _graph_func(func: Function, func_name: str, session: Session) -> StmtDoc:
    return graph_func_doc(func, func_name, session.module, session.constants)


# Function class -> (printer taking the function, its name and the session; dialect it uses).
FUNCTION_PRINTERS: dict[type, tuple[Callable[[Any, str, Session], StmtDoc], str]] = {
    PrimFunc: (_prim_func, "T"),
    Function: (_graph_func, "R"),
}


def function_doc(
    func: BaseFunc, func_name: str, session: Session | None = None
) -> tuple[StmtDoc, set[str]]:
    """The doc of one function and the dialects its text uses."""
    entry = FUNCTION_PRINTERS.get(type(func))
    if entry is None:
        raise LoomError(f"cannot print a function of type {type(func).__name__}")
    printer, dialect = entry
    doc = printer(func, func_name, session or Session())
    return doc, {dialect} | dialects_used(doc)


def module_doc(mod: IRModule, session: Session | None = None) -> tuple[ClassDoc, set[str]]:
    """The class doc of `mod` and the dialects it uses."""
    session = session or Session(mod)
    body: list[StmtDoc] = []
    dialects = {"I"}
    if mod.attrs:
        exprs = ExprPrinter(Context(function=False))
        attrs = exprs.attrs(mod.attrs, "I.module_attrs")
        body.append(ExprStmtDoc(call("I.module_attrs", attrs)))
        dialects |= dialects_used(body[0])
    seen: set[str] = set()
    for gv, func in mod.functions.items():
        if not is_legal_name(gv.name_hint):
            raise LoomError(f"cannot print function {gv.name_hint!r}: not a usable Python name")
        if gv.name_hint in seen:
            raise LoomError(f"cannot print module: two functions are named {gv.name_hint!r}")
        seen.add(gv.name_hint)
        doc, used = function_doc(func, gv.name_hint, session)
        body.append(doc)
        dialects |= used
    return ClassDoc(MODULE_CLASS, (name("I.ir_module"),), tuple(body)), dialects


def dialects_used(doc: Any) -> set[str]:
    """The dialect aliases (``T``, ``R``, ``I``) that a doc refers to.

    The namer never hands these names out, so every ``IdDoc`` spelling one is the dialect.
    """
    found: set[str] = set()
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, IdDoc):
            if item.name in DIALECTS:
                found.add(item.name)
        elif is_dataclass(item):
            stack.extend(getattr(item, f.name) for f in fields(item))
        elif isinstance(item, tuple):
            stack.extend(item)
    return found
