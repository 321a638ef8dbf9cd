"""A ``@T.prim_func`` as a whole: the signature, the header lines, the root block.

Parameters are scalars (``n: T.int32``), handles (``a: T.handle``, bound to a buffer by
``T.match_buffer``) or buffers (``A: T.Buffer((128,), "float32")``). The buffer map follows
parameter order.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import DataType, Map, tir

from .construct import DTypeConstructor
from .core import Args, Binding, describe
from .evaluator import Scope
from .source import Source
from .tir_parser import TIR, FunctionFrame, TIRParser


def parse_prim_func(source: Source, scope: Scope, node: ast.FunctionDef) -> tir.PrimFunc:
    """Parse a ``def`` (its decorators already checked) into a `PrimFunc`."""
    p = TIRParser(source, scope)
    _check_arguments(p, node.args)
    frame = FunctionFrame("function")
    with p.enter(frame):
        for arg in node.args.args:
            _parameter(p, frame, arg)
        ret_type = _return_type(p, node.returns)
        body_stmts = node.body
        if _is_docstring(body_stmts[0]):
            body_stmts = body_stmts[1:]
        body = p.visit_body(body_stmts, node)
    if frame.alloc_buffers:
        body = _root_block(p, frame, body, node)
    buffer_map = {v: frame.buffer_map[v] for v in frame.params if v in frame.buffer_map}
    return tir.PrimFunc(
        tuple(frame.params),
        body,
        Map(buffer_map),
        Map(frame.attrs or {}),
        ret_type,
        span=p.span(node),
    )


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _check_arguments(p: TIRParser, args: ast.arguments) -> None:
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            raise p.error("a prim_func takes plain parameters only (no *args or **kwargs)", extra)
    for arg in [*args.posonlyargs, *args.kwonlyargs]:
        raise p.error("a prim_func takes plain parameters only", arg)
    for default in [*args.defaults, *args.kw_defaults]:
        if default is not None:
            raise p.error("prim_func parameters have no default values", default)


def _parameter(p: TIRParser, frame: FunctionFrame, arg: ast.arg) -> None:
    name = arg.arg
    if any(param.name_hint == name for param in frame.params):
        raise p.error(f"duplicate parameter {name!r}", arg)
    if arg.annotation is None:
        raise p.error(
            f"parameter {name!r} needs a type: T.Buffer((...), dtype), T.handle or a dtype "
            "such as T.int32",
            arg,
        )
    p.in_signature = True
    try:
        annotation = p.visit_expr_raw(arg.annotation, (name,))
    finally:
        p.in_signature = False
    span = p.span(arg)
    if isinstance(annotation, DTypeConstructor):
        var = tir.Var(name, annotation.dtype, span=span)
        p.scope.bind(name, var)
    elif isinstance(annotation, Binding) and isinstance(annotation.values[0], tir.Buffer):
        buffer = annotation.values[0]
        var = tir.Var(name, "handle", span=span)
        frame.buffer_map[var] = buffer
        p.scope.bind(name, buffer)
    elif isinstance(annotation, Binding) and isinstance(annotation.values[0], tir.Var):
        var = annotation.values[0]  # n: T.int32(is_size_var=True)
        p.scope.bind(name, var)
    else:
        raise p.error(
            f"parameter {name!r}: expected T.Buffer((...), dtype), T.handle or a dtype, "
            f"not {describe(annotation)}",
            arg.annotation,
        )
    frame.params.append(var)


def _return_type(p: TIRParser, node: ast.expr | None) -> DataType | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return None
    value = p.visit_expr(node)
    if not isinstance(value, DTypeConstructor):
        raise p.error("a prim_func returns a dtype such as T.int32, or nothing", node)
    return value.dtype


def _root_block(p: TIRParser, frame: FunctionFrame, body: tir.Stmt, node: ast.AST) -> tir.Stmt:
    """Wrap the body in the root block that owns function-level ``T.alloc_buffer``s."""
    span = p.span(node)
    block = tir.Block((), (), (), "root", body, alloc_buffers=tuple(frame.alloc_buffers), span=span)
    return tir.BlockRealize((), p.stamp(tir.const(True), span), block, span=span)


@TIR.call("func_attr")
def _func_attr(p: TIRParser, args: Args, names: Any) -> None:
    frame = p.innermost(FunctionFrame, "T.func_attr", args.node, "at the top of a prim_func")
    if frame.attrs is not None:
        raise p.error("a prim_func has at most one T.func_attr", args.node)
    attrs = args.value("attrs")
    if not isinstance(attrs, dict) or not all(isinstance(k, str) for k in attrs):
        raise p.error("T.func_attr takes a dict with string keys", args.node_of("attrs"))
    frame.attrs = attrs
