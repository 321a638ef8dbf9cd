"""R dialect expressions: names, dialect members, tuples, indexing, and operators on sizes.

Literals, dicts, slices and arithmetic on sizes (``n * m``) read as in the T dialect. Graph
values have no Python operators: ``x + y`` on tensors is an error naming ``R.add``.
"""

from __future__ import annotations

import ast
import difflib
from typing import Any

from loom.ir import graph as g
from loom.ir import tir

from .. import relax as relax_dialect
from ..relax.ops import OpNamespace, op_names
from ..relax.sinfo import StructInfoConstruct
from .core import describe
from .evaluator import MISSING
from .relax_check import sinfo_text
from .relax_module import ModuleRef
from .relax_parser import R, RelaxParser, Sizes
from .relax_sinfo import seed_struct_info
from .tir_expr import binary_op
from .tir_parser import TIR

_OPERATOR_OPS = {
    ast.Add: "add",
    ast.Sub: "subtract",
    ast.Mult: "multiply",
    ast.Div: "divide",
    ast.FloorDiv: "floor_divide",
    ast.Pow: "power",
    ast.MatMult: "matmul",
    ast.Lt: "less",
    ast.LtE: "less_equal",
    ast.Gt: "greater",
    ast.GtE: "greater_equal",
    ast.Eq: "equal",
    ast.NotEq: "not_equal",
    ast.USub: "negative",
    ast.Not: "logical_not",
}


@R.expr(ast.Name)
def _name(p: RelaxParser, node: ast.Name) -> Any:
    value = p.evaluator.lookup(node.id)
    if value is not MISSING:
        return value
    if p.in_shape and p.sizes is Sizes.DECLARE:
        return p.declare_size(node.id, node)
    if node.id in p.closed_dataflow:
        raise p.error(
            f"{node.id} is a dataflow variable of the block at line {p.closed_dataflow[node.id]}"
            "; it is not visible after the block (list it in R.output(...) to use it here)",
            node,
        )
    raise p.error(f"name {node.id!r} is not defined", node)


@R.expr(ast.Attribute)
def _attribute(p: RelaxParser, node: ast.Attribute) -> Any:
    base = p.visit_expr(node.value)
    if base is relax_dialect or isinstance(base, OpNamespace):
        return _relax_member(p, base, node)
    if isinstance(base, ModuleRef):
        with p.attach(node):
            return base.function(node.attr)
    return TIR.exprs[ast.Attribute](p, node)


def _relax_member(p: RelaxParser, base: Any, node: ast.Attribute) -> Any:
    try:
        return getattr(base, node.attr)
    except AttributeError:
        pass
    alias = ast.unparse(node.value)
    prefix = base.prefix if isinstance(base, OpNamespace) else ""
    known = list(op_names(prefix))
    known = [name[len(prefix) + 1 :] if prefix else name for name in known]
    if not prefix:
        known += list(relax_dialect.__all__)
    close = difflib.get_close_matches(node.attr, known, n=1)
    notes = (f"did you mean {alias}.{close[0]}?",) if close else ()
    what = "a registered graph operator" if prefix else "part of the script language"
    raise p.error(f"{alias}.{node.attr} is not {what}", node, notes)


@R.expr(ast.Tuple, ast.List)
def _sequence(p: RelaxParser, node: ast.Tuple | ast.List) -> Any:
    items = TIR.exprs[ast.Tuple](p, node)
    if not any(isinstance(v, g.Expr) for v in items):
        return items  # sizes, struct infos, attribute values: Python sequences
    if any(isinstance(e, ast.Starred) for e in node.elts):
        return p.graph_value(tuple(items), node)
    # Each field is converted against its own node, so it keeps its own span.
    fields = tuple(p.operand(v, e) for v, e in zip(items, node.elts))
    return p.normalize(g.Tuple(fields, span=p.span(node)), node)


@R.expr(ast.Subscript)
def _subscript(p: RelaxParser, node: ast.Subscript) -> Any:
    names = p.take_names()
    base = p.visit_expr(node.value)
    if isinstance(base, StructInfoConstruct):
        return seed_struct_info(p, base, node, names)
    if isinstance(base, g.Expr):
        return _tuple_item(p, base, node)
    index = p.visit_expr(node.slice)
    try:
        return base[index]
    except Exception as err:
        raise p.error(f"cannot subscript {describe(base)}: {err}", node) from None


def _tuple_item(p: RelaxParser, base: g.Expr, node: ast.Subscript) -> g.TupleGetItem:
    """``t[i]``: field `i` of a tuple value (a negative index counts from the end)."""
    if isinstance(node.slice, ast.Slice):
        raise p.error("a tuple value cannot be sliced; index one field at a time", node.slice)
    index = p.visit_expr(node.slice)
    if isinstance(index, tir.IntImm):
        index = index.value
    if isinstance(index, bool) or not isinstance(index, int):
        raise p.error(f"a tuple index is an int, not {describe(index)}", node.slice)
    tuple_value = p.leaf(base, node.value)
    sinfo = p.struct_info_of(tuple_value, node.value)
    if not isinstance(sinfo, g.TupleStructInfo):
        raise p.error(
            f"cannot index a value of {sinfo_text(sinfo)}: it is not a tuple (R.match_cast a "
            "value of unknown structure to an R.Tuple first)",
            node.value,
        )
    count = len(sinfo.fields)
    if not -count <= index < count:
        raise p.error(f"index {index} is out of range for a tuple of {count}", node.slice)
    return p.normalize(g.TupleGetItem(tuple_value, index % count, span=p.span(node)), node)


def _graph_operand(values: list[Any]) -> bool:
    return any(isinstance(v, g.Expr) for v in values)


def _no_operators(p: RelaxParser, op: Any, node: ast.AST) -> None:
    name = _OPERATOR_OPS.get(type(op))
    hint = f"; call R.{name}(...)" if name else ""
    raise p.error(f"graph values have no Python operators{hint}", node)


@R.expr(ast.BinOp)
def _binop(p: RelaxParser, node: ast.BinOp) -> Any:
    left, right = p.visit_expr(node.left), p.visit_expr(node.right)
    if _graph_operand([left, right]):
        _no_operators(p, node.op, node)
    return binary_op(p, node.op, left, right, node.left, node.right)  # type: ignore[arg-type]


@R.expr(ast.UnaryOp)
def _unaryop(p: RelaxParser, node: ast.UnaryOp) -> Any:
    operand = node.operand
    number = operand.value if isinstance(operand, ast.Constant) else None
    if isinstance(node.op, ast.USub | ast.UAdd) and type(number) in (int, float):
        assert isinstance(number, int | float)
        return -number if isinstance(node.op, ast.USub) else number  # one constant: -3
    value = p.visit_expr(operand)
    if isinstance(value, g.Expr):
        _no_operators(p, node.op, node)
    expr = p.as_expr(value, operand)
    if isinstance(node.op, ast.USub):
        return tir.binary(tir.Sub, tir.const(0, expr.dtype), expr)
    if isinstance(node.op, ast.UAdd):
        return expr
    if isinstance(node.op, ast.Not):
        return tir.Not(expr)
    return ~expr


_COMPARE = {
    ast.Eq: tir.EQ,
    ast.NotEq: tir.NE,
    ast.Lt: tir.LT,
    ast.LtE: tir.LE,
    ast.Gt: tir.GT,
    ast.GtE: tir.GE,
}


@R.expr(ast.Compare)
def _compare(p: RelaxParser, node: ast.Compare) -> Any:
    nodes = [node.left, *node.comparators]
    values = [p.visit_expr(n) for n in nodes]
    if _graph_operand(values):
        _no_operators(p, node.ops[0], node)
    result: tir.PrimExpr | None = None
    for i, op in enumerate(node.ops):
        cls = _COMPARE.get(type(op))
        if cls is None:
            raise p.error(f"the comparison {type(op).__name__} has no meaning on sizes", node)
        left, right = values[i], values[i + 1]
        like = right.dtype if isinstance(right, tir.PrimExpr) else None
        a = p.as_expr(left, nodes[i], like)
        test = tir.binary(cls, a, p.as_expr(right, nodes[i + 1], a.dtype))
        result = test if result is None else tir.binary(tir.And, result, test)
    assert result is not None  # a Compare has at least one operator
    return result
