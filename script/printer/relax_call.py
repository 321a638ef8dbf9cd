"""Graph calls to docs: operators with their attributes, ``call_dps``, ``call_packed``, functions.

An operator call prints every attribute the call holds as a keyword, in the order of the op's
schema; values are Python literals (a dtype is its string), `tir` expressions, or tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from loom.ir import DataType, GlobalVar, LoomError
from loom.ir.graph import (
    AttrSpec,
    Call,
    ExternFunc,
    Op,
    ShapeExpr,
    Tuple,
    TupleStructInfo,
    op_info,
)

from .doc import CallDoc, ExprDoc, ListDoc, TupleDoc, call, name
from .namer import is_legal_name
from .values import attr_value, dtype_name, string

if TYPE_CHECKING:
    from .relax_expr import RelaxPrinter


def call_doc(p: RelaxPrinter, node: Call) -> ExprDoc:
    """The script form of a graph call, chosen by its callee."""
    callee = node.op
    if isinstance(callee, Op):
        return _call_dps(p, node) if callee.name == "call_dps" else _op_call(p, node)
    if isinstance(callee, ExternFunc):
        return _call_packed(p, node)
    what = f"{type(callee).__name__} {getattr(callee, 'name_hint', '')}"
    _no_extras(node, what)
    return CallDoc(p.visit(callee), tuple(p.visit(a) for a in node.args))


def _op_call(p: RelaxPrinter, node: Call) -> ExprDoc:
    """``R.<op>(args..., attr=value, ...)``, attributes in schema order."""
    assert isinstance(node.op, Op)
    if not all(is_legal_name(part) for part in node.op.name.split(".")):
        raise LoomError(f"cannot print operator {node.op.name!r}: not a dotted Python name")
    info = op_info(node.op, node.span)
    unknown = [k for k in node.attrs if k not in info.attrs_schema]
    if unknown:
        raise LoomError(
            f"cannot print R.{node.op.name}: its schema has no attribute {unknown[0]!r}"
        )
    if node.sinfo_args:
        raise LoomError(f"cannot print R.{node.op.name} with sinfo_args: the script has no form")
    kwargs = tuple(
        (key, _attr(p, node.attrs[key], info.attrs_schema[key], f"{key!r} of R.{node.op.name}"))
        for key in info.attrs_schema
        if key in node.attrs
    )
    for key, _ in kwargs:
        if not is_legal_name(key):
            raise LoomError(f"cannot print attribute {key!r} of R.{node.op.name} as a keyword")
    return CallDoc(name(f"R.{node.op.name}"), tuple(p.visit(a) for a in node.args), kwargs)


def _call_dps(p: RelaxPrinter, node: Call) -> ExprDoc:
    """``R.call_dps(cls.f, (x, w), out_sinfo=..., tir_vars=R.shape([n]))``."""
    args = node.args
    if not 2 <= len(args) <= 3 or not isinstance(args[1], Tuple) or len(node.sinfo_args) != 1:
        raise LoomError(
            "cannot print R.call_dps: it takes a callee, a tuple of arguments, optional sizes, "
            f"and one out_sinfo (got {len(args)} arguments, {len(node.sinfo_args)} sinfo_args)"
        )
    _no_extras(node, "R.call_dps", sinfo_args_allowed=True)
    callee = args[0]
    if isinstance(callee, ExternFunc):
        callee_doc = string(callee.global_symbol)
    elif isinstance(callee, GlobalVar):
        callee_doc = p.visit(callee)
    else:
        raise LoomError(f"cannot print R.call_dps of a {type(callee).__name__} callee")
    out = node.sinfo_args[0]
    if isinstance(out, TupleStructInfo):
        out_doc: ExprDoc = ListDoc(tuple(p.sinfo(f) for f in out.fields))
    else:
        out_doc = p.sinfo(out)
    kwargs: dict[str, ExprDoc] = {"out_sinfo": out_doc}
    if len(args) == 3:
        if not isinstance(args[2], ShapeExpr):
            raise LoomError(f"cannot print R.call_dps with tir_vars of {type(args[2]).__name__}")
        kwargs["tir_vars"] = p.visit(args[2])
    return call("R.call_dps", callee_doc, p.visit(args[1]), **kwargs)


def _call_packed(p: RelaxPrinter, node: Call) -> ExprDoc:
    """``R.call_packed("name", args..., sinfo_args=(...))`` (the tuple always prints)."""
    assert isinstance(node.op, ExternFunc)
    _no_extras(node, "R.call_packed", sinfo_args_allowed=True)
    args = (string(node.op.global_symbol), *(p.visit(a) for a in node.args))
    sinfo_args = TupleDoc(tuple(p.sinfo(s) for s in node.sinfo_args))
    return CallDoc(name("R.call_packed"), args, (("sinfo_args", sinfo_args),))


def _no_extras(node: Call, what: str, *, sinfo_args_allowed: bool = False) -> None:
    if node.attrs:
        raise LoomError(f"cannot print a call of {what.strip()} with attributes: no script form")
    if node.sinfo_args and not sinfo_args_allowed:
        raise LoomError(f"cannot print a call of {what.strip()} with sinfo_args: no script form")


def _attr(p: RelaxPrinter, value: Any, spec: AttrSpec | None, where: str) -> ExprDoc:
    """An attribute value: Python literals, `tir` expressions, tuples and lists of them.

    A dtype prints as its string where the attribute holds no plain strings (the parser turns
    the string back into a `DataType`); elsewhere, and inside tuples, as ``T.float16``, which
    the parser always reads as a `DataType`.
    """
    if isinstance(value, DataType):
        if spec is not None and str not in spec.types:
            return string(str(value))
        return dtype_name(value)
    if isinstance(value, tuple):
        return TupleDoc(tuple(_attr(p, v, None, where) for v in value))
    if isinstance(value, list):
        return ListDoc(tuple(_attr(p, v, None, where) for v in value))
    if isinstance(value, Mapping):
        raise LoomError(
            f"cannot print a dict as attribute {where}: op attributes have no dict form"
        )
    return attr_value(value, p.tir, f"attribute {where}")
