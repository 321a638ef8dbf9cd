"""Where parsing starts: a decorated function or class, or script text (`from_source`)."""

from __future__ import annotations

import ast
import builtins
import contextlib
from types import FrameType, FunctionType, ModuleType
from typing import Any, overload

from loom.ir import BaseFunc, IRModule, ParseError, tir

from .evaluator import Scope
from .ir_module import (
    FUNCTION_PARSERS,
    ModuleParser,
    bind_python_value,
    check_class_decorator,
    function_parser,
    parse_ir_module,
)
from .source import source_of_class, source_of_function, source_of_text

_SCRIPT_PACKAGES = ("loom.script", "tvm.script")


def _frame_locals(frame: FrameType, func: FunctionType | None = None) -> dict[str, Any]:
    names = {} if frame.f_locals is frame.f_globals else dict(frame.f_locals)
    if func is not None and func.__closure__:
        for name, cell in zip(func.__code__.co_freevars, func.__closure__):
            with contextlib.suppress(ValueError):  # a cell not yet filled
                names[name] = cell.cell_contents
    return names


@overload
def parse_function_object(func: FunctionType, frame: FrameType) -> tir.PrimFunc: ...


@overload
def parse_function_object(
    func: FunctionType, frame: FrameType, kind: str, options: dict[str, Any] | None = None
) -> BaseFunc: ...


def parse_function_object(
    func: FunctionType,
    frame: FrameType,
    kind: str = "tir.prim_func",
    options: dict[str, Any] | None = None,
) -> BaseFunc:
    """Parse a function decorated with ``@T.prim_func`` (or `kind`: ``"relax.function"``).

    `frame` applied the decorator; `options` are the decorator's arguments.
    """
    source, node = source_of_function(func)
    scope = Scope(func.__globals__, _frame_locals(frame, func))
    return FUNCTION_PARSERS[kind](source, scope, node, options=options or {})


def parse_class_object(cls: type, frame: FrameType) -> IRModule:
    """Parse a class decorated with ``@I.ir_module``; `frame` applied the decorator."""
    source, node = source_of_class(cls, frame)
    names = _frame_locals(frame)
    names.update((k, v) for k, v in vars(cls).items() if not k.startswith("__"))
    return parse_ir_module(source, Scope(frame.f_globals, names), node, executed=True)


def from_source(text: str, extra_vars: dict[str, Any] | None = None) -> IRModule | BaseFunc:
    """Parse script text holding one ``@I.ir_module`` class or one function.

    The function is a ``@T.prim_func`` (a `tir.PrimFunc`) or an ``@R.function`` (a graph
    `Function`). Import lines are skipped, but read to learn the names the dialects go by
    (``from tvm.script import tir as T`` works as well as the Loom import); without them,
    ``T``, ``R`` and ``I`` are the dialects. `extra_vars` are Python values the script may use
    by name. Top-level ``NAME = value`` lines are evaluated as Python values too.
    """
    source = source_of_text(text)
    scope = Scope({"__builtins__": builtins, **_dialect_names(source.tree)}, extra_vars)
    p = ModuleParser(source, scope)
    definitions: list[ast.FunctionDef | ast.ClassDef] = []
    for index, stmt in enumerate(source.tree.body):
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            continue
        if index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # the docstring
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            bind_python_value(p, stmt)
        elif isinstance(stmt, ast.FunctionDef | ast.ClassDef):
            definitions.append(stmt)
        else:
            raise p.error("from_source expects imports and one @I.ir_module or @T.prim_func", stmt)
    if len(definitions) != 1:
        where = definitions[1] if definitions else None
        message = "from_source expects exactly one @I.ir_module class or @T.prim_func function"
        if where is None:
            raise ParseError(message + ", found none")
        raise p.error(message, where)
    node = definitions[0]
    if isinstance(node, ast.ClassDef):
        check_class_decorator(p, node)
        return parse_ir_module(source, scope, node, executed=False)
    parse = function_parser(p, node)
    return parse(source, scope.child(), node)


def _dialect_names(tree: ast.Module) -> dict[str, ModuleType]:
    """The names the text imports the dialects under; ``T``, ``R`` and ``I`` by default."""
    from loom.script import ir as ir_dialect
    from loom.script import relax as relax_dialect
    from loom.script import tir as tir_dialect

    dialects = {"tir": tir_dialect, "ir": ir_dialect, "relax": relax_dialect}
    names: dict[str, ModuleType] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module in _SCRIPT_PACKAGES:
            for alias in stmt.names:
                if alias.name in dialects:
                    names[alias.asname or alias.name] = dialects[alias.name]
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                package, _, dialect = alias.name.rpartition(".")
                if package in _SCRIPT_PACKAGES and dialect in dialects and alias.asname:
                    names[alias.asname] = dialects[dialect]
    for default, module in (("T", tir_dialect), ("I", ir_dialect), ("R", relax_dialect)):
        if module not in names.values():
            names.setdefault(default, module)
    return names
