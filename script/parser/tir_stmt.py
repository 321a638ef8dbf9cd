"""T dialect statements: stores, bindings, control flow, asserts and expression statements.

``x = <PrimExpr>`` and ``x: T.int32 = v`` are lets over the rest of the body; ``x = <Python
value>`` binds a parse-time value; a declaring construct (``n = T.int32()``, ``A =
T.alloc_buffer(...)``) names what it declares. An ``if`` on a Python value picks its branch
at parse time.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from loom.ir import tir

from .construct import DTypeConstructor
from .core import Binding, Wrap, describe
from .evaluator import MISSING
from .tir_expr import binary_op, buffer_indices
from .tir_parser import TIR, TIRParser


def _target_buffer(p: TIRParser, target: ast.Subscript) -> tir.Buffer:
    base_node = target.value
    if isinstance(base_node, ast.Name) and p.evaluator.lookup(base_node.id) is MISSING:
        raise p.error(f"cannot store into {base_node.id!r}: no buffer has that name", base_node)
    base = p.visit_expr(base_node)
    buffer = p.buffer_of(base)
    if buffer is None:
        raise p.error(f"cannot store into {describe(base)}: it is not a buffer", base_node)
    return buffer


def _store(
    p: TIRParser, target: ast.Subscript, value: Any, value_node: ast.AST, stmt: ast.stmt
) -> tir.BufferStore:
    buffer = _target_buffer(p, target)
    indices = buffer_indices(p, buffer, target)
    lanes = max((i.dtype.lanes for i in indices), default=1)
    expected = buffer.dtype.with_lanes(lanes)
    expr = p.as_expr(value, value_node, expected)
    if expr.dtype != expected:
        raise p.error(
            f"cannot store a value of dtype {expr.dtype} into {buffer.name}, "
            f"a buffer of {expected}",
            value_node,
        )
    return tir.BufferStore(buffer, expr, indices, span=p.span(stmt))


def _bind_names(p: TIRParser, target: ast.expr, binding: Binding) -> None:
    names = p.target_names(target)
    if len(names) != len(binding.values):
        raise p.error(
            f"this declares {len(binding.values)} value(s) but the assignment has "
            f"{len(names)} target(s)",
            target,
        )
    for name, value in zip(names, binding.values):
        p.scope.bind(name.id, value)


def bind_python(p: TIRParser, target: ast.expr, value: Any) -> None:
    """Bind a parse-time Python value to a name or unpack it into a tuple of names."""
    if isinstance(target, ast.Name):
        p.scope.bind(target.id, value)
        return
    if not isinstance(target, ast.Tuple | ast.List):
        raise p.error("expected a name or a tuple of names here", target)
    try:
        items = list(value)
    except TypeError:
        raise p.error(f"cannot unpack {describe(value)}", target) from None
    if len(items) != len(target.elts):
        raise p.error(f"cannot unpack {len(items)} value(s) into {len(target.elts)}", target)
    for elt, item in zip(target.elts, items):
        bind_python(p, elt, item)


def _let(p: TIRParser, name: ast.Name, value: tir.PrimExpr, stmt: ast.stmt) -> Wrap:
    var = tir.Var(name.id, value.dtype, span=p.span(name))
    p.scope.bind(name.id, var)
    return Wrap(lambda body: tir.LetStmt(var, value, body, span=p.span(stmt)))


def _assign(p: TIRParser, target: ast.expr, value_node: ast.expr, stmt: ast.stmt) -> Any:
    if isinstance(target, ast.Subscript):
        return _store(p, target, p.visit_expr(value_node), value_node, stmt)
    if (
        isinstance(target, ast.Tuple | ast.List)
        and isinstance(value_node, ast.Tuple | ast.List)
        and len(target.elts) == len(value_node.elts)
    ):
        # Elementwise, values first: ``n, m = T.int32(), T.int32()``, ``a, b = b, a``.
        values = [(t, v, _rhs(p, t, v)) for t, v in zip(target.elts, value_node.elts)]
        wraps = [_bind_value(p, t, value, v, stmt) for t, v, value in values]
        return _chain([w for w in wraps if w is not None])
    return _bind_value(p, target, _rhs(p, target, value_node), value_node, stmt)


def _rhs(p: TIRParser, target: ast.expr, value_node: ast.expr) -> Any:
    elts = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
    names = tuple(e.id for e in elts if isinstance(e, ast.Name))
    return p.visit_expr_raw(value_node, names if len(names) == len(elts) else None)


def _bind_value(
    p: TIRParser, target: ast.expr, value: Any, value_node: ast.expr, stmt: ast.stmt
) -> Wrap | None:
    if isinstance(value, Binding):
        _bind_names(p, target, value)
        return Wrap(value.wrap) if value.wrap is not None else None
    if isinstance(target, ast.Subscript):
        raise p.error("store into buffer elements one assignment at a time", target)
    if isinstance(value, tir.PrimExpr):
        if not isinstance(target, ast.Name):
            raise p.error("a PrimExpr can only be bound to one name", target)
        return _let(p, target, value, stmt)
    bind_python(p, target, value)
    return None


def _chain(wraps: list[Wrap]) -> Wrap | None:
    if not wraps:
        return None
    if len(wraps) == 1:
        return wraps[0]

    def build(body: tir.Stmt) -> tir.Stmt:
        for wrap in reversed(wraps):
            body = wrap.build(body)
        return body

    return Wrap(build)


@TIR.stmt(ast.Assign)
def _assign_stmt(p: TIRParser, node: ast.Assign) -> Any:
    if len(node.targets) != 1:
        raise p.error("chained assignment (a = b = ...) is not supported", node)
    return _assign(p, node.targets[0], node.value, node)


@TIR.stmt(ast.AugAssign)
def _augassign(p: TIRParser, node: ast.AugAssign) -> Any:
    target = node.target
    if isinstance(target, ast.Subscript):
        # A[i] += v is A[i] = A[i] + v.
        buffer = _target_buffer(p, target)
        current = tir.BufferLoad(buffer, buffer_indices(p, buffer, target), span=p.span(target))
        value = binary_op(p, node.op, current, p.visit_expr(node.value), target, node.value)
        return _store(p, target, p.stamp(value, p.span(node)), node.value, node)
    load = copy.copy(target)
    load.ctx = ast.Load()
    expr = ast.BinOp(load, node.op, node.value)
    ast.copy_location(expr, node)
    expr.end_lineno, expr.end_col_offset = node.end_lineno, node.end_col_offset
    return _assign(p, target, expr, node)


@TIR.stmt(ast.AnnAssign)
def _annassign(p: TIRParser, node: ast.AnnAssign) -> Any:
    if not isinstance(node.target, ast.Name):
        raise p.error("an annotated binding needs a name", node.target)
    name = node.target.id
    annotation = p.visit_expr_raw(node.annotation, (name,))
    if isinstance(annotation, DTypeConstructor):
        var = tir.Var(name, annotation.dtype, span=p.span(node.target))
    elif isinstance(annotation, Binding) and isinstance(annotation.values[0], tir.Var):
        var = annotation.values[0]  # x: T.int32(is_size_var=True) = ...
    else:
        raise p.error("a let binding is annotated with a dtype, e.g. x: T.int32 = ...", node)
    if node.value is None:
        raise p.error(
            f"{name} has no value; declare a variable with {name} = T.{var.dtype}()", node
        )
    value = p.as_expr(p.visit_expr(node.value), node.value, var.dtype)
    if value.dtype != var.dtype:
        raise p.error(f"cannot bind {name}: {var.dtype} to a {value.dtype} value", node.value)
    p.scope.bind(name, var)
    return Wrap(lambda body: tir.LetStmt(var, value, body, span=p.span(node)))


@TIR.stmt(ast.Expr)
def _expr_stmt(p: TIRParser, node: ast.Expr) -> Any:
    if isinstance(node.value, ast.Constant) and node.value.value is Ellipsis:
        return _noop(p, node)
    value = p.visit_expr_raw(node.value)
    if isinstance(value, Binding):
        return Wrap(value.wrap) if value.wrap is not None else None
    if isinstance(value, tir.Stmt):
        return value
    if isinstance(value, tir.PrimExpr):
        return tir.Evaluate(value, span=p.span(node))
    if value is None or (isinstance(node.value, ast.Constant) and isinstance(value, str)):
        return None  # a Python call for its effect, or a string used as a comment
    raise p.error(f"this statement has no effect: it is {describe(value)}", node)


def _noop(p: TIRParser, node: ast.stmt) -> tir.Stmt:
    span = p.span(node)
    return tir.Evaluate(p.stamp(tir.const(0), span), span=span)


@TIR.stmt(ast.Pass)
def _pass(p: TIRParser, node: ast.Pass) -> tir.Stmt:
    return _noop(p, node)


def _condition(p: TIRParser, node: ast.expr) -> tir.PrimExpr:
    cond = p.as_expr(p.visit_expr(node), node)
    if not cond.dtype.is_bool:
        raise p.error(f"a condition must be bool, not {cond.dtype}", node)
    return cond


def _branch(p: TIRParser, body: list[ast.stmt], owner: ast.AST) -> tir.Stmt:
    with p.enter():
        return p.visit_body(body, owner)


def _truth(p: TIRParser, node: ast.expr) -> bool:
    value = p.evaluator.eval_python(node)
    try:
        return bool(value)
    except Exception as err:
        raise p.error(f"the truth of this Python value is unknown: {err}", node) from err


@TIR.stmt(ast.If)
def _if(p: TIRParser, node: ast.If) -> Any:
    if p.evaluator.is_python(node.test):
        chosen = node.body if _truth(p, node.test) else node.orelse
        with p.enter(keep_python=True):
            return p.visit_stmts(chosen)
    cond = _condition(p, node.test)
    then_case = _branch(p, node.body, node)
    else_case = _branch(p, node.orelse, node.orelse[0]) if node.orelse else None
    return tir.IfThenElse(cond, then_case, else_case, span=p.span(node))


@TIR.stmt(ast.While)
def _while(p: TIRParser, node: ast.While) -> tir.Stmt:
    if node.orelse:
        raise p.error("while ... else is not supported", node.orelse[0])
    if p.evaluator.is_python(node.test):
        raise p.error("a while condition must be a PrimExpr, not a Python value", node.test)
    cond = _condition(p, node.test)
    return tir.While(cond, _branch(p, node.body, node), span=p.span(node))


@TIR.stmt(ast.Assert)
def _assert(p: TIRParser, node: ast.Assert) -> Wrap:
    cond = _condition(p, node.test)
    message = "" if node.msg is None else p.visit_expr(node.msg)
    if isinstance(message, tir.StringImm):
        message = message.value
    if not isinstance(message, str):
        raise p.error("an assert message must be a string", node.msg or node)
    return Wrap(lambda body: tir.AssertStmt(cond, message, body, span=p.span(node)))


_UNSUPPORTED = {
    ast.Return: "a prim_func returns nothing: remove the return",
    ast.Break: "break is not supported in TIR",
    ast.Continue: "continue is not supported in TIR",
    ast.FunctionDef: "nested functions are not supported in a prim_func",
    ast.ClassDef: "classes are not supported in a prim_func",
    ast.Try: "try is not supported in a prim_func",
    ast.Raise: "raise is not supported in a prim_func; use assert",
    ast.Delete: "del is not supported in a prim_func",
    ast.Import: "imports belong outside the prim_func",
    ast.ImportFrom: "imports belong outside the prim_func",
    ast.Global: "global is not supported in a prim_func",
    ast.Nonlocal: "nonlocal is not supported in a prim_func",
}


def _unsupported(p: TIRParser, node: ast.stmt) -> None:
    raise p.error(_UNSUPPORTED[type(node)], node)


TIR.stmt(*_UNSUPPORTED)(_unsupported)
