"""Docs for plain values: strings, numbers, dtypes, variable types and attribute values.

Attribute dicts (``T.func_attr``, ``annotations=``, ``T.block_attr``) hold Python values and
PrimExprs; a constant PrimExpr prints in its typed form (``T.int32(1)``) so that the parser can
tell it from the Python value ``1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from loom.ir import DataType, LoomError
from loom.ir.tir import FloatImm, IntImm, PrimExpr, SizeVar, StringImm, Var

from .doc import CallDoc, DictDoc, ExprDoc, ListDoc, LiteralDoc, Prec, TupleDoc, call, name

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(text: str) -> str:
    """A double-quoted Python string literal of `text`.

    Like ``json.dumps`` for ordinary text, but non-printable characters use Python escapes, so
    that any string (astral characters and lone surrogates included) reads back unchanged.
    """
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def string(text: str) -> LiteralDoc:
    """A string literal doc."""
    return LiteralDoc(quote(text))


def integer(value: int) -> LiteralDoc:
    """An int literal doc; a negative one binds like unary minus."""
    return LiteralDoc(str(value), Prec.UNARY if value < 0 else Prec.ATOM)


def float_value(value: float) -> LiteralDoc:
    """The argument of ``T.float32(...)``: ``1.5``, ``-0.0``, or ``"inf"``/``"-inf"``/``"nan"``."""
    if math.isnan(value):
        return string("nan")
    if math.isinf(value):
        return string("inf" if value > 0 else "-inf")
    return LiteralDoc(repr(value), Prec.UNARY if math.copysign(1.0, value) < 0 else Prec.ATOM)


def dtype_name(dtype: DataType) -> ExprDoc:
    """``T.float32``, ``T.int64``, ``T.handle``, ``T.float32x4``, ..."""
    return name(f"T.{dtype}")


def var_type(var: Var) -> ExprDoc:
    """The type of a variable as written in an annotation: ``T.int32``, or the size-var call."""
    if isinstance(var, SizeVar):
        return call(dtype_name(var.dtype), is_size_var=LiteralDoc("True"))
    return dtype_name(var.dtype)


def var_declaration(var: Var) -> CallDoc:
    """What declares a free variable: ``T.int32()``, ``T.int32(is_size_var=True)``, ..."""
    typ = var_type(var)
    return typ if isinstance(typ, CallDoc) else call(typ)


def attr_value(value: Any, expr: Callable[[PrimExpr], ExprDoc], where: str) -> ExprDoc:
    """An attribute value: str, int, float, bool, None, PrimExpr, or lists/tuples/dicts of them.

    `where` names the attribute for error messages.
    """
    if isinstance(value, bool) or value is None:
        return LiteralDoc(repr(value))
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LoomError(f"cannot print the non-finite float {value!r} of {where}")
        return float_value(value)
    if isinstance(value, str):
        return string(value)
    # A constant PrimExpr prints typed, so that the parser reads back a PrimExpr, not a number.
    if isinstance(value, IntImm):
        arg = LiteralDoc(repr(bool(value.value))) if value.dtype.is_bool else integer(value.value)
        return call(dtype_name(value.dtype), arg)
    if isinstance(value, FloatImm):
        return call(dtype_name(value.dtype), float_value(value.value))
    if isinstance(value, StringImm):
        raise LoomError(f"cannot print the StringImm {quote(value.value)} of {where}: use a str")
    if isinstance(value, PrimExpr):
        return expr(value)
    if isinstance(value, list):
        return ListDoc(tuple(attr_value(v, expr, where) for v in value))
    if isinstance(value, tuple):
        return TupleDoc(tuple(attr_value(v, expr, where) for v in value))
    if isinstance(value, Mapping):
        return attr_dict(value, expr, where)
    raise LoomError(f"cannot print a value of type {type(value).__name__} in {where}: {value!r}")


def attr_dict(attrs: Mapping[Any, Any], expr: Callable[[PrimExpr], ExprDoc], where: str) -> DictDoc:
    """A dict literal of attributes, keys in stored order."""
    return DictDoc(
        tuple(
            (attr_value(k, expr, where), attr_value(v, expr, f"{where}[{k!r}]"))
            for k, v in attrs.items()
        )
    )
