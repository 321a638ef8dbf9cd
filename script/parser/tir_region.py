"""Ranges and buffer regions: ``range(lo, hi)``, ``A[vi, 0:n]``, ``T.axis.spatial((lo, hi), v)``.

Scripts write a range as ``begin, end``; the IR stores ``min, extent``. The conversion is the
one FORMAT.md fixes, so that the printer can choose an `end` that parses back to the same IR.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import DataType, structural_equal, tir

from .core import Evaluated
from .tir_parser import TIRParser


def _integer(p: TIRParser, value: Any, node: ast.AST, like: DataType | None) -> tir.PrimExpr:
    expr = p.as_expr(value, node, like)
    if not expr.dtype.is_integer or not expr.dtype.is_scalar:
        raise p.error(f"a range bound must be a scalar integer, not {expr.dtype}", node)
    return expr


def _widen(p: TIRParser, expr: tir.PrimExpr, target: DataType, node: ast.AST) -> tir.PrimExpr:
    if expr.dtype == target:
        return expr
    if isinstance(expr, tir.IntImm):
        return p.stamp(tir.IntImm(target, expr.value), p.span(node))
    return p.stamp(tir.Cast(target, expr), p.span(node))


def min_extent(
    p: TIRParser, begin: Any, end: Any, begin_node: ast.AST, end_node: ast.AST
) -> tuple[tir.PrimExpr, tir.PrimExpr]:
    """``[begin, end)`` as ``(min, extent)``, in the wider integer type of the two bounds."""
    begin_like = end.dtype if isinstance(end, tir.PrimExpr) else None
    begin = _integer(p, begin, begin_node, begin_like)
    end = _integer(p, end, end_node, begin.dtype)
    if begin.dtype != end.dtype:
        wide = begin.dtype if begin.dtype.bits >= end.dtype.bits else end.dtype
        begin = _widen(p, begin, wide, begin_node)
        end = _widen(p, end, wide, end_node)
    if isinstance(begin, tir.IntImm) and begin.value == 0:
        return begin, end
    if isinstance(begin, tir.IntImm) and isinstance(end, tir.IntImm):
        return begin, p.stamp(tir.IntImm(end.dtype, end.value - begin.value), p.span(end_node))
    # Same variables, not just the same shape: (begin, x) == (begin, begin) maps positionally.
    if isinstance(end, tir.Add) and structural_equal((begin, end.a), (begin, begin)):
        return begin, end.b
    return begin, p.stamp(tir.Sub(end, begin), p.span(end_node))


def region_of(p: TIRParser, item: Any) -> tir.BufferRegion:
    """A region argument: ``A[i, 0:n]``, a whole buffer ``A``, or a Python-built region."""
    if isinstance(item, ast.Subscript):
        base = p.visit_expr(item.value)
        buffer = p.buffer_of(base)
        if buffer is not None:
            return _subscript_region(p, buffer, item)
    node = item.node if isinstance(item, Evaluated) else item
    value = p.eval_item(item)
    if isinstance(value, tir.BufferRegion):
        return value
    if isinstance(value, tir.BufferLoad):
        one = [tir.Range(i, tir.const(1, i.dtype), span=p.span(node)) for i in value.indices]
        return tir.BufferRegion(value.buffer, tuple(one), span=p.span(node))
    buffer = p.buffer_of(value)
    if buffer is None:
        raise p.error("expected a buffer region such as A[i, 0:n], or a buffer", node)
    span = p.span(node)
    whole = [tir.Range(p.stamp(tir.const(0, e.dtype), span), e, span=span) for e in buffer.shape]
    return tir.BufferRegion(buffer, tuple(whole), span=span)


def _subscript_region(p: TIRParser, buffer: tir.Buffer, node: ast.Subscript) -> tir.BufferRegion:
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if len(elts) != buffer.ndim:
        raise p.error(
            f"buffer {buffer.name} has {buffer.ndim} dimension(s) but the region has {len(elts)}",
            node,
        )
    ranges = []
    for dim, elt in enumerate(elts):
        span = p.span(elt)
        if isinstance(elt, ast.Slice):
            if elt.step is not None:
                raise p.error("a region slice cannot have a step", elt.step)
            lower = 0 if elt.lower is None else p.visit_expr(elt.lower)
            upper = buffer.shape[dim] if elt.upper is None else p.visit_expr(elt.upper)
            lo, extent = min_extent(p, lower, upper, elt.lower or elt, elt.upper or elt)
            ranges.append(tir.Range(lo, extent, span=span))
        else:
            index = _integer(p, p.visit_expr(elt), elt, None)
            ranges.append(tir.Range(index, p.stamp(tir.const(1, index.dtype), span), span=span))
    return tir.BufferRegion(buffer, tuple(ranges), span=p.span(node))
