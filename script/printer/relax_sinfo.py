"""Struct info to docs: ``R.Tensor((n, 4), dtype="float32")``, ``R.Tuple(...)``, ``R.Callable``.

Sizes go through the printer's `shape_value`/`prim` (in a signature, an expression over symbolic
variables prints as a string, since Python evaluates annotations before the function exists).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from loom.ir import LoomError
from loom.ir.graph import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    ShapeExpr,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
    Var,
)

from .doc import ExprDoc, ListDoc, LiteralDoc, TupleDoc, call, name
from .values import integer, string

if TYPE_CHECKING:
    from .relax_expr import RelaxPrinter


def sinfo_doc(p: RelaxPrinter, sinfo: StructInfo) -> ExprDoc:
    """The annotation that spells `sinfo`."""
    printer = _PRINTERS.get(type(sinfo))
    if printer is None:
        raise LoomError(f"cannot print struct info of type {type(sinfo).__name__}")
    return printer(p, sinfo)


def _object(p: RelaxPrinter, sinfo: ObjectStructInfo) -> ExprDoc:
    return name("R.Object")


def _prim(p: RelaxPrinter, sinfo: PrimStructInfo) -> ExprDoc:
    """``R.Prim(value=n)`` (the value implies the dtype), ``R.Prim("int64")``, or ``R.Prim``."""
    if sinfo.value is not None:
        return call("R.Prim", value=p.prim(sinfo.value))
    if sinfo.dtype is not None:
        return call("R.Prim", string(str(sinfo.dtype)))
    return name("R.Prim")


def _shape(p: RelaxPrinter, sinfo: ShapeStructInfo) -> ExprDoc:
    """``R.Shape([n, 4])``, ``R.Shape(ndim=2)``, or ``R.Shape``."""
    if sinfo.values is not None:
        return call("R.Shape", ListDoc(tuple(p.shape_value(v) for v in sinfo.values)))
    if sinfo.ndim != -1:
        return call("R.Shape", ndim=integer(sinfo.ndim))
    return name("R.Shape")


def _tensor(p: RelaxPrinter, sinfo: TensorStructInfo) -> ExprDoc:
    """``R.Tensor((n, 4), dtype="float32")``, ``R.Tensor(s, ...)``, ``R.Tensor(ndim=2)``, ...

    `ndim` prints only where the shape does not give it.
    """
    args: tuple[ExprDoc, ...] = ()
    rank_known = False
    if isinstance(sinfo.shape, ShapeExpr):
        args = (TupleDoc(tuple(p.shape_value(v) for v in sinfo.shape.values)),)
        rank_known = True
    elif isinstance(sinfo.shape, Var):
        args = (p.visit(sinfo.shape),)
        shape_info = sinfo.shape.struct_info
        rank_known = isinstance(shape_info, ShapeStructInfo) and shape_info.ndim == sinfo.ndim
    kwargs: dict[str, ExprDoc] = {}
    if sinfo.dtype is not None:
        kwargs["dtype"] = string(str(sinfo.dtype))
    if sinfo.ndim != -1 and not rank_known:
        kwargs["ndim"] = integer(sinfo.ndim)
    if not args and not kwargs:
        return name("R.Tensor")
    return call("R.Tensor", *args, **kwargs)


def _tuple(p: RelaxPrinter, sinfo: TupleStructInfo) -> ExprDoc:
    """``R.Tuple(a, b)``; ``R.Tuple()`` when empty."""
    return call("R.Tuple", *(sinfo_doc(p, f) for f in sinfo.fields))


def _func(p: RelaxPrinter, sinfo: FuncStructInfo) -> ExprDoc:
    """``R.Callable((params...), ret)``; ``None`` params for an opaque callable."""
    params: ExprDoc = LiteralDoc("None")
    if sinfo.params is not None:
        params = TupleDoc(tuple(sinfo_doc(p, s) for s in sinfo.params))
    ret = sinfo_doc(p, sinfo.ret)
    if sinfo.purity:
        return call("R.Callable", params, ret)
    return call("R.Callable", params, ret, purity=LiteralDoc("False"))


_PRINTERS: dict[type, Callable[[Any, Any], ExprDoc]] = {
    ObjectStructInfo: _object,
    PrimStructInfo: _prim,
    ShapeStructInfo: _shape,
    TensorStructInfo: _tensor,
    TupleStructInfo: _tuple,
    FuncStructInfo: _func,
}
