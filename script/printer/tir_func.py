"""PrimFuncs to docs: the signature, the header lines, then the body.

Header order (FORMAT.md): ``T.func_attr``, free-variable declarations, ``T.match_buffer``
lines, then declarations of buffers the body uses that nothing defines.
"""

from __future__ import annotations

from loom.ir import LoomError
from loom.ir.tir import Buffer, PrimFunc

from . import tir_buffer
from .context import Context
from .doc import AssignDoc, ExprDoc, ExprStmtDoc, FunctionDoc, IdDoc, StmtDoc, call, name
from .refs import referenced
from .tir_expr import ExprPrinter
from .tir_stmt import StmtPrinter
from .values import dtype_name, var_type


def prim_func_doc(func: PrimFunc, func_name: str) -> FunctionDoc:
    """The ``@T.prim_func def func_name(...)`` doc of `func`."""
    ctx = Context(function=True)
    exprs = ExprPrinter(ctx)
    params, matches = _signature(exprs, func)
    attr_line = None
    if func.attrs:
        attr_line = ExprStmtDoc(call("T.func_attr", exprs.attrs(func.attrs, "T.func_attr")))
    attrs_use_free_vars = bool(ctx.var_decls)
    match_lines = [
        tir_buffer.define(exprs, "T.match_buffer", buffer, (handle,)) for handle, buffer in matches
    ]
    ctx.in_body = True
    body = StmtPrinter(exprs).docs(func.body)

    header: list[StmtDoc] = []
    if attr_line is not None and not attrs_use_free_vars:
        header.append(attr_line)
    header.extend(ctx.var_decls)
    if attr_line is not None and attrs_use_free_vars:
        header.append(attr_line)  # after the declarations of the variables it uses
    header.extend(match_lines)
    header.extend(ctx.buffer_decls)
    returns = None if func.ret_type is None else dtype_name(func.ret_type)
    decorators = (name("T.prim_func"),)
    return FunctionDoc(func_name, tuple(params), decorators, returns, (*header, *body))


def _signature(
    exprs: ExprPrinter, func: PrimFunc
) -> tuple[list[AssignDoc], list[tuple[ExprDoc, Buffer]]]:
    """Param docs, and the (handle doc, buffer) pairs that need a ``T.match_buffer`` line.

    A buffer param prints inline as ``A: T.Buffer(...)`` when its layout is constant and the
    handle param itself is not referred to anywhere else; otherwise as a ``T.handle`` param.
    """
    ctx = exprs.ctx
    used = set(referenced(func.body, func.attrs, tuple(func.buffer_map.values())))
    params: list[AssignDoc] = []
    matches: list[tuple[ExprDoc, Buffer]] = []
    for param in func.params:
        buffer = func.buffer_map.get(param)
        if ctx.lookup(param) is not None or (buffer is not None and ctx.lookup(buffer)):
            raise LoomError(f"cannot print a function that lists param {param.name_hint!r} twice")
        if buffer is None:
            params.append(AssignDoc((ctx.define(param, param.name_hint),), None, var_type(param)))
        elif tir_buffer.has_constant_layout(buffer) and param not in used:
            annotation = tir_buffer.buffer_call(exprs, "T.Buffer", buffer)
            params.append(AssignDoc((tir_buffer.bind(exprs, buffer),), None, annotation))
        else:
            buffer_doc = ctx.define(buffer, buffer.name)
            assert isinstance(buffer_doc, IdDoc)
            handle = ctx.define(param, "var_" + buffer_doc.name)
            params.append(AssignDoc((handle,), None, var_type(param)))
            matches.append((handle, buffer))
    return params, matches
