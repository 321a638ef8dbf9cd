"""R struct info in scripts: ``R.Tensor``, ``R.Shape``, ``R.Tuple``, ``R.Object``, ``R.Prim``, ...

``R.Callable`` too, and the seed form ``R.Tensor[(n, d), "float32"]``.
Sizes are int64 expressions over the function's size variables. A string size (``"n"``,
``"n * m"``, as printed in signatures) is read as an expression. Where an annotation may define
sizes (a parameter, a ``R.match_cast`` pattern), a size name not defined yet declares a new
variable; elsewhere it is an error at the name.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import graph as g
from loom.ir import tir

from ..relax.sinfo import StructInfoConstruct
from .construct import to_dtype
from .core import Args, describe
from .evaluator import MISSING
from .relax_parser import INT64, R, RelaxParser, Sizes

_SINFO_HINT = 'expected a struct info such as R.Tensor((n, 4), "float32")'


def read_struct_info(p: RelaxParser, node: ast.expr, sizes: Sizes) -> g.StructInfo:
    """Evaluate the annotation at `node` as struct info; `sizes` says what new names mean."""
    saved = p.sizes
    p.sizes = sizes
    try:
        value = p.visit_expr(node)
    finally:
        p.sizes = saved
    return as_sinfo(p, value, node)


def as_sinfo(p: RelaxParser, value: Any, node: ast.AST) -> g.StructInfo:
    """A struct info value (a bare constructor such as ``R.Object`` included)."""
    if isinstance(value, StructInfoConstruct):
        return p.stamp(value.bare(), p.span(node))
    if isinstance(value, g.StructInfo):
        return value
    raise p.error(f"{_SINFO_HINT}, not {describe(value)}", node)


def size_of(p: RelaxParser, node: ast.expr) -> tir.PrimExpr:
    """A size in a shape: an int64 expression (a literal is an int64 constant)."""
    return p.as_size(_size_value(p, node), node)


def prim_value_of(p: RelaxParser, node: ast.expr) -> tir.PrimExpr:
    """The value of ``R.Prim(value=...)``: literals read as in the T dialect (3 is int32)."""
    saved = p.in_prim
    p.in_prim = True
    try:
        return p.as_expr(_size_value(p, node), node)
    finally:
        p.in_prim = saved


def _size_value(p: RelaxParser, node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _string_size(p, node, node.value)
    saved = p.in_shape
    p.in_shape = True
    try:
        value = p.visit_expr(node)
    finally:
        p.in_shape = saved
    return _string_size(p, node, value) if isinstance(value, str) else value


def _string_size(p: RelaxParser, node: ast.expr, text: str) -> tir.PrimExpr:
    """``"n"``, ``"n * m"``: the size expression a string spells."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise p.error(f"the size {text!r} is not an expression", node) from None
    for sub in ast.walk(tree):
        if isinstance(sub, ast.expr):
            ast.copy_location(sub, node)
            sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
    for sub in ast.walk(tree.body):
        if not isinstance(sub, _SIZE_SYNTAX):
            raise p.error(f"unsupported syntax in the size {text!r}", node)
        if not isinstance(sub, ast.Name) or p.evaluator.lookup(sub.id) is not MISSING:
            continue
        if p.sizes is not Sizes.DECLARE:
            raise p.error(
                f"symbolic size {sub.id!r} is not defined (sizes are defined by the parameters' "
                "annotations, by R.match_cast, or declared with n = T.int64())",
                node,
            )
    saved = p.in_shape
    p.in_shape = True
    try:
        value = p.visit_expr(tree.body)
    finally:
        p.in_shape = saved
    return p.as_expr(value, node, INT64)


_SIZE_SYNTAX = (
    ast.Name,
    ast.Constant,
    ast.BinOp,
    ast.UnaryOp,
    ast.operator,
    ast.unaryop,
    ast.Load,
    ast.Call,
    ast.Attribute,
)


def _sizes(p: RelaxParser, args: Args, name: str) -> tuple[tir.PrimExpr, ...] | Any:
    """A shape argument: a tuple of sizes, or the evaluated value when not written as one."""
    item = args.all[name]
    if isinstance(item, ast.Tuple | ast.List):
        return tuple(size_of(p, elt) for elt in item.elts)
    value = args.value(name)
    if isinstance(value, tuple | list):
        node = args.node_of(name)
        return tuple(p.as_size(v, node) for v in value)
    return value


def _dtype(p: RelaxParser, args: Args) -> Any:
    value = args.value("dtype")
    if value is None:
        return None
    with p.attach(args.node_of("dtype")):
        return to_dtype(value)


def _ndim(p: RelaxParser, args: Args) -> int:
    value = args.value("ndim")
    if isinstance(value, bool) or not isinstance(value, int):
        raise p.error(f"ndim is a Python int, not {describe(value)}", args.node_of("ndim"))
    return value


@R.call("Tensor")
def _tensor(p: RelaxParser, args: Args, names: Any) -> g.TensorStructInfo:
    shape = _sizes(p, args, "shape")
    if isinstance(shape, str) and not args.has("dtype"):  # R.Tensor("float32")
        dtype = _legacy_dtype(p, args, shape)
        shape = None
    else:
        dtype = _dtype(p, args)
    shape_var = isinstance(shape, g.Var) and isinstance(shape.struct_info, g.ShapeStructInfo)
    if shape is not None and not isinstance(shape, tuple) and not shape_var:
        raise p.error(
            f"a tensor shape is a tuple of sizes or a shape variable, not {describe(shape)}",
            args.node_of("shape"),
        )
    with p.attach(args.node):
        return g.TensorStructInfo(shape, dtype, _ndim(p, args))


def _legacy_dtype(p: RelaxParser, args: Args, text: str) -> Any:
    with p.attach(args.node_of("shape")):
        return to_dtype(text)


@R.call("Shape")
def _shape(p: RelaxParser, args: Args, names: Any) -> g.ShapeStructInfo:
    values = _sizes(p, args, "values")
    if values is not None and not isinstance(values, tuple):
        raise p.error(
            f"R.Shape takes a list of sizes, not {describe(values)}", args.node_of("values")
        )
    with p.attach(args.node):
        return g.ShapeStructInfo(values, _ndim(p, args))


@R.call("Tuple")
def _tuple(p: RelaxParser, args: Args, names: Any) -> g.TupleStructInfo:
    fields = []
    for item in args.items("fields"):
        node = item if isinstance(item, ast.AST) else args.node
        fields.append(as_sinfo(p, p.eval_item(item), node))
    return g.TupleStructInfo(tuple(fields))


@R.call("Object")
def _object(p: RelaxParser, args: Args, names: Any) -> g.ObjectStructInfo:
    return g.ObjectStructInfo()


@R.call("Prim")
def _prim(p: RelaxParser, args: Args, names: Any) -> g.PrimStructInfo:
    dtype = _dtype(p, args)
    item = args.all["value"]
    if item is None or (isinstance(item, ast.Constant) and item.value is None):
        return g.PrimStructInfo(dtype)
    node = args.node_of("value")
    value = prim_value_of(p, item) if isinstance(item, ast.expr) else p.as_expr(item, node)
    if dtype is not None and isinstance(value, tir.IntImm | tir.FloatImm) and value.dtype != dtype:
        value = tir.const(value.value, dtype)
    with p.attach(args.node):
        return g.PrimStructInfo(dtype, value)


@R.call("Callable")
def _callable(p: RelaxParser, args: Args, names: Any) -> g.FuncStructInfo:
    ret_value = args.value("ret")
    ret = g.ObjectStructInfo() if ret_value is None else as_sinfo(p, ret_value, args.node_of("ret"))
    purity = args.value("purity")
    if not isinstance(purity, bool):
        raise p.error("purity is True or False", args.node_of("purity"))
    item = args.all["params"]
    if isinstance(item, ast.Tuple | ast.List):
        params = tuple(as_sinfo(p, p.visit_expr(elt), elt) for elt in item.elts)
        return g.FuncStructInfo(params, ret, purity)
    values = args.value("params")
    if values is None:  # opaque: any arguments
        return g.FuncStructInfo(None, ret, purity)
    node = args.node_of("params")
    if not isinstance(values, tuple | list):
        message = f"R.Callable takes a tuple of parameter struct infos, not {describe(values)}"
        raise p.error(message, node)
    return g.FuncStructInfo(tuple(as_sinfo(p, v, node) for v in values), ret, purity)


def seed_struct_info(
    p: RelaxParser, construct: StructInfoConstruct, node: ast.Subscript, names: Any
) -> g.StructInfo:
    """``R.Tensor[(n, d), "float32"]``: the arguments of the call in brackets (seed form)."""
    key = node.slice
    elts = key.elts if isinstance(key, ast.Tuple) else None
    if elts and (
        isinstance(elts[0], ast.Tuple | ast.List)
        or any(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elts[1:])
    ):
        positional: list[Any] = list(elts)
    else:
        positional = [key]
    args = Args(p, construct, node, positional, {})
    return p.table.calls[construct.name](p, args, names)
