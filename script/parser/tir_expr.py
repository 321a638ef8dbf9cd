"""T dialect expressions: names, literals, operators, calls and buffer loads.

Literals stay Python values until an operator or a construct needs them as IR, so that a literal
beside a typed operand takes its dtype (``i64 + 1``) and ``-3`` is one constant.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable
from functools import partial
from typing import Any

from loom.ir import tir

from .construct import Construct, DTypeConstructor
from .core import Args, describe
from .evaluator import MISSING
from .python_call import call_python, dtype_call
from .tir_parser import TIR, TIRParser

# Nodes are built directly, not through Python's operators: for comparisons Python tries the
# right operand's reflected method first when its class is a subclass (``x < size_var`` would
# become ``size_var > x``). The bitwise operators keep PrimExpr's int-or-bool dispatch.
_ARITH: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", partial(tir.binary, tir.Add)),
    ast.Sub: ("-", partial(tir.binary, tir.Sub)),
    ast.Mult: ("*", partial(tir.binary, tir.Mul)),
    ast.Div: ("/", partial(tir.binary, tir.Div)),
    ast.FloorDiv: ("//", partial(tir.binary, tir.FloorDiv)),
    ast.Mod: ("%", partial(tir.binary, tir.FloorMod)),
    ast.BitAnd: ("&", operator.and_),
    ast.BitOr: ("|", operator.or_),
    ast.BitXor: ("^", operator.xor),
    ast.LShift: ("<<", operator.lshift),
    ast.RShift: (">>", operator.rshift),
    ast.Pow: ("**", tir.pow_),
}

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: partial(tir.binary, tir.EQ),
    ast.NotEq: partial(tir.binary, tir.NE),
    ast.Lt: partial(tir.binary, tir.LT),
    ast.LtE: partial(tir.binary, tir.LE),
    ast.Gt: partial(tir.binary, tir.GT),
    ast.GtE: partial(tir.binary, tir.GE),
}


@TIR.expr(ast.Constant)
def _constant(p: TIRParser, node: ast.Constant) -> Any:
    return node.value


@TIR.expr(ast.Name)
def _name(p: TIRParser, node: ast.Name) -> Any:
    value = p.evaluator.lookup(node.id)
    if value is not MISSING:
        return value
    if p.declare_undefined:
        var = tir.Var(node.id, "int32", span=p.span(node))
        p.scope.bind_outermost(node.id, var)
        return var
    raise p.error(f"name {node.id!r} is not defined", node)


@TIR.expr(ast.Attribute)
def _attribute(p: TIRParser, node: ast.Attribute) -> Any:
    base = p.visit_expr(node.value)
    if getattr(base, "__loom_dialect__", None) is not None:
        return _dialect_member(p, base, node)
    try:
        return getattr(base, node.attr)
    except AttributeError:
        raise p.error(f"{describe(base)} has no attribute {node.attr!r}", node) from None


def _dialect_member(p: TIRParser, dialect: Any, node: ast.Attribute) -> Any:
    alias = ast.unparse(node.value)
    public = getattr(dialect, "__all__", ())
    if node.attr in public:
        return getattr(dialect, node.attr)
    try:
        return getattr(dialect, node.attr)  # dtype spellings such as T.float32x4
    except AttributeError:
        close = difflib.get_close_matches(node.attr, public, n=1)
        notes = (f"did you mean {alias}.{close[0]}?",) if close else ()
        message = f"{alias}.{node.attr} is not part of the script language"
        raise p.error(message, node, notes) from None


def binary_op(
    p: TIRParser, op: ast.operator, left: Any, right: Any, left_node: ast.AST, right_node: ast.AST
) -> Any:
    """Apply an arithmetic operator to two script values, converting literals first."""
    symbol, apply = _ARITH.get(type(op), ("@", None))
    if apply is None:
        raise p.error(f"the operator {symbol} has no meaning in TIR", right_node)
    left, right = _operands(p, left, right, left_node, right_node)
    try:
        return apply(left, right)
    except TypeError:
        raise p.error(
            f"unsupported operands for {symbol}: {describe(left)} and {describe(right)}",
            right_node,
        ) from None


def _operands(
    p: TIRParser, left: Any, right: Any, left_node: ast.AST, right_node: ast.AST
) -> tuple[tir.PrimExpr, tir.PrimExpr]:
    # The left operand is converted first (a literal beside a typed operand takes its dtype);
    # converting both here keeps the operand order, which reflected operators would swap.
    if not isinstance(left, tir.PrimExpr):
        like = right.dtype if isinstance(right, tir.PrimExpr) else None
        left = p.as_expr(left, left_node, like)
    return left, p.as_expr(right, right_node, left.dtype)


@TIR.expr(ast.BinOp)
def _binop(p: TIRParser, node: ast.BinOp) -> Any:
    left = p.visit_expr(node.left)
    right = p.visit_expr(node.right)
    return binary_op(p, node.op, left, right, node.left, node.right)


@TIR.expr(ast.UnaryOp)
def _unaryop(p: TIRParser, node: ast.UnaryOp) -> Any:
    operand = node.operand
    number = operand.value if isinstance(operand, ast.Constant) else None
    if isinstance(node.op, ast.USub | ast.UAdd) and type(number) in (int, float):
        # A negative literal is one constant: ``-3`` is IntImm(-3), not ``0 - 3``.
        assert isinstance(number, int | float)
        return -number if isinstance(node.op, ast.USub) else number
    value = p.as_expr(p.visit_expr(operand), operand)
    if isinstance(node.op, ast.USub):
        return tir.binary(tir.Sub, tir.const(0, value.dtype), value)
    if isinstance(node.op, ast.UAdd):
        return value
    if isinstance(node.op, ast.Not):
        return tir.Not(value)
    return ~value


@TIR.expr(ast.BoolOp)
def _boolop(p: TIRParser, node: ast.BoolOp) -> tir.PrimExpr:
    cls = tir.And if isinstance(node.op, ast.And) else tir.Or
    result = p.as_expr(p.visit_expr(node.values[0]), node.values[0])
    for item in node.values[1:]:
        result = tir.binary(cls, result, p.as_expr(p.visit_expr(item), item))
    return result


@TIR.expr(ast.Compare)
def _compare(p: TIRParser, node: ast.Compare) -> tir.PrimExpr:
    left, left_node = p.visit_expr(node.left), node.left
    result: tir.PrimExpr | None = None
    for op, right_node in zip(node.ops, node.comparators):
        apply = _COMPARE.get(type(op))
        if apply is None:
            raise p.error(f"the comparison {type(op).__name__} has no meaning in TIR", node)
        right = p.visit_expr(right_node)
        a, b = _operands(p, left, right, left_node, right_node)
        test = apply(a, b)
        result = test if result is None else tir.binary(tir.And, result, test)
        left, left_node = right, right_node
    assert result is not None  # a Compare has at least one operator
    return result


@TIR.expr(ast.IfExp)
def _ifexp(p: TIRParser, node: ast.IfExp) -> Any:
    if p.evaluator.is_python(node.test):
        value = p.evaluator.eval_python(node.test)
        try:
            chosen = node.body if value else node.orelse
        except Exception as err:
            raise p.error(f"the truth of this Python value is unknown: {err}", node.test) from err
        return p.visit_expr(chosen)
    cond = p.as_expr(p.visit_expr(node.test), node.test)
    return tir.if_then_else(cond, p.visit_expr(node.body), p.visit_expr(node.orelse))


@TIR.expr(ast.Call)
def _call(p: TIRParser, node: ast.Call) -> Any:
    names = p.take_names()
    func = p.visit_expr(node.func)
    if isinstance(func, Construct):
        handler = p.table.calls.get(func.name) if func.dialect == p.table.dialect else None
        if handler is None:
            raise p.error(f"{func.script_name} cannot be used here", node.func)
        return handler(p, p.construct_args(func, node), names)
    if isinstance(func, DTypeConstructor):
        return dtype_call(p, func, node, names)
    return call_python(p, func, node)


@TIR.expr(ast.Subscript)
def _subscript(p: TIRParser, node: ast.Subscript) -> Any:
    names = p.take_names()
    base = p.visit_expr(node.value)
    if isinstance(base, Construct) and base.name == "Buffer":
        return _buffer_seed_form(p, base, node, names)
    buffer = p.buffer_of(base)
    if buffer is not None:
        return tir.BufferLoad(buffer, buffer_indices(p, buffer, node), span=p.span(node))
    index = p.visit_expr(node.slice)
    try:
        return base[index]
    except Exception as err:
        raise p.error(f"cannot subscript {describe(base)}: {err}", node) from None


def _buffer_seed_form(
    p: TIRParser, construct: Construct, node: ast.Subscript, names: tuple[str, ...] | None
) -> Any:
    """``T.Buffer[(n, d), "float32"]``: the arguments of ``T.Buffer(...)`` in brackets."""
    key = node.slice
    if isinstance(key, ast.Tuple) and key.elts and _has_dtype(key.elts):
        positional: list[Any] = list(key.elts)
    else:
        positional = [key]
    args = Args(p, construct, node, positional, {})
    return p.table.calls["Buffer"](p, args, names)


def _has_dtype(elts: list[ast.expr]) -> bool:
    """Whether ``T.Buffer[...]`` lists ``shape, dtype, ...`` rather than only a shape."""
    if isinstance(elts[0], ast.Tuple | ast.List):
        return True
    return any(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elts[1:])


def buffer_indices(p: TIRParser, buffer: tir.Buffer, node: ast.Subscript) -> tuple[Any, ...]:
    """The indices of ``A[i, j]``: integer expressions, one per dimension."""
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    indices: list[tir.PrimExpr] = []
    for elt in elts:
        if isinstance(elt, ast.Slice):
            raise p.error(
                f"a slice of {buffer.name} is only valid as a region "
                "(T.reads, T.writes, T.match_buffer)",
                elt,
            )
        value = p.visit_expr(elt)
        items = value if isinstance(value, tuple | list) and len(elts) == 1 else [value]
        for item in items:
            index = p.as_expr(item, elt)
            if not index.dtype.is_integer:
                raise p.error(
                    f"an index into {buffer.name} must be an integer, not {index.dtype}", elt
                )
            indices.append(index)
    if len(indices) != buffer.ndim:
        raise p.error(
            f"buffer {buffer.name} has {buffer.ndim} dimension(s) but is indexed with "
            f"{len(indices)} index(es)",
            node,
        )
    return tuple(indices)


@TIR.expr(ast.Tuple, ast.List, ast.Set)
def _sequence(p: TIRParser, node: ast.Tuple | ast.List | ast.Set) -> Any:
    items: list[Any] = []
    for elt in node.elts:
        if isinstance(elt, ast.Starred):
            value = p.visit_expr(elt.value)
            try:
                items.extend(value)
            except TypeError:
                raise p.error(f"cannot unpack {describe(value)} with *", elt) from None
        else:
            items.append(p.visit_expr(elt))
    if isinstance(node, ast.Set):
        try:
            return set(items)
        except TypeError:
            raise p.error("a set of unhashable values", node) from None
    return tuple(items) if isinstance(node, ast.Tuple) else items


@TIR.expr(ast.Dict)
def _dict(p: TIRParser, node: ast.Dict) -> dict:
    result: dict = {}
    for key, value in zip(node.keys, node.values):
        if key is None:
            items = p.visit_expr(value)
            if not isinstance(items, dict):
                raise p.error(f"cannot unpack {describe(items)} with **", value)
            result.update(items)
            continue
        item = p.visit_expr(key)
        try:
            hash(item)
        except TypeError:
            raise p.error(f"{describe(item)} cannot be a dict key", key) from None
        result[item] = p.visit_expr(value)
    return result


@TIR.expr(ast.Slice)
def _slice(p: TIRParser, node: ast.Slice) -> slice:
    parts = (node.lower, node.upper, node.step)
    return slice(*(None if part is None else p.visit_expr(part) for part in parts))


@TIR.expr(ast.JoinedStr, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
def _python_only(p: TIRParser, node: ast.expr) -> Any:
    return p.evaluator.eval_python(node)
