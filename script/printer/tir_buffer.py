"""Buffers in script text: declaration calls with their keywords, regions, and the range rule.

Every form that defines a buffer (``T.Buffer``, ``T.match_buffer``, ``T.alloc_buffer``,
``T.decl_buffer``) shares `buffer_call`; `bind` then names the buffer and its data variable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom.ir import LoomError, structural_equal
from loom.ir.tir import Add, Buffer, BufferRegion, IntImm, PrimExpr, Range, Sub

from .doc import AssignDoc, AttrDoc, CallDoc, ExprDoc, IndexDoc, SliceDoc, TupleDoc, name
from .refs import is_const, referenced, same_expr
from .values import integer, string

if TYPE_CHECKING:
    from .context import Scope
    from .tir_expr import ExprPrinter


def has_constant_layout(buffer: Buffer) -> bool:
    """Shape, strides and elem_offset all constants: the buffer fits an inline ``T.Buffer``."""
    return all(is_const(e) for e in (*buffer.shape, *buffer.strides, buffer.elem_offset))


def buffer_call(
    exprs: ExprPrinter,
    callee: str,
    buffer: Buffer,
    lead: tuple[ExprDoc, ...] = (),
    *,
    data_required: bool = False,
) -> CallDoc:
    """``callee(lead..., shape, dtype, keywords)`` for `buffer`, defined where this prints.

    Keywords appear only for non-defaults, in the order data, strides, elem_offset, scope,
    align, offset_factor. ``data=`` appears when the data variable already has a name (a
    ``T.allocate`` variable, another buffer's ``A.data``, a handle param), and always with
    `data_required` (``T.decl_buffer`` without it would allocate), where an unnamed data
    variable is a free variable.
    """
    data = exprs.ctx.lookup(buffer.data)
    if data is None and data_required:
        data = exprs(buffer.data)
    shape = TupleDoc(tuple(exprs(e) for e in buffer.shape))
    kwargs: list[tuple[str, ExprDoc]] = []
    if data is not None:
        kwargs.append(("data", data))
    index = buffer.index_dtype  # the parser gives bare literals here this dtype
    if buffer.strides:
        kwargs.append(("strides", TupleDoc(tuple(exprs.typed(s, index) for s in buffer.strides))))
    offset = buffer.elem_offset
    if not (is_const(offset, 0) and offset.dtype == index):
        kwargs.append(("elem_offset", exprs.typed(offset, index)))
    if buffer.scope != "global":
        kwargs.append(("scope", string(buffer.scope)))
    if buffer.align != 64:
        kwargs.append(("align", integer(buffer.align)))
    if buffer.offset_factor != 1:
        kwargs.append(("offset_factor", integer(buffer.offset_factor)))
    return CallDoc(name(callee), (*lead, shape, string(str(buffer.dtype))), tuple(kwargs))


def bind(
    exprs: ExprPrinter, buffer: Buffer, *, header: bool = False, scope: Scope | None = None
) -> ExprDoc:
    """Name `buffer` at its definition; its data variable, if still unnamed, is ``A.data``."""
    ctx = exprs.ctx
    doc = ctx.define(buffer, buffer.name, header=header, scope=scope)
    if ctx.lookup(buffer.data) is None:
        ctx.alias(buffer.data, AttrDoc(doc, "data"), header=header, scope=scope)
    return doc


def define(exprs: ExprPrinter, callee: str, buffer: Buffer, lead: tuple = ()) -> AssignDoc:
    """The line ``A = callee(...)`` that defines `buffer`."""
    rhs = buffer_call(exprs, callee, buffer, lead, data_required=callee == "T.decl_buffer")
    return AssignDoc((bind(exprs, buffer),), rhs)


def free_buffer(exprs: ExprPrinter, buffer: Buffer) -> ExprDoc:
    """Refer to a buffer that no construct defines.

    A fragment just names it. A function declares it with ``A = T.Buffer(...)``: in the header
    when everything it refers to is available there; else at the start of the body of the
    construct that binds the innermost variable it refers to (which holds every use).
    """
    ctx = exprs.ctx
    if not ctx.function:
        return bind(exprs, buffer, header=True)
    scope = ctx.innermost_scope(
        referenced(buffer.shape, buffer.strides, buffer.elem_offset, buffer.data)
    )
    rhs = buffer_call(exprs, "T.Buffer", buffer)
    line = AssignDoc((bind(exprs, buffer, header=scope is None, scope=scope),), rhs)
    (ctx.buffer_decls if scope is None else scope.decls).append(line)
    return line.targets[0]


# ---------------------------------------------------------------------------------------------
# Ranges: (min, extent) printed as begin and end (see "Ranges" in FORMAT.md)


def bounds(min_: PrimExpr, extent: PrimExpr) -> tuple[PrimExpr, PrimExpr]:
    """The (begin, end) that the parser turns back into exactly (min, extent)."""
    if min_.dtype != extent.dtype:
        raise LoomError(
            f"cannot print the range of min {min_} ({min_.dtype}) and extent {extent} "
            f"({extent.dtype}): the parser widens both bounds to one dtype"
        )
    if is_const(min_, 0):
        return min_, extent
    if is_const(min_) and is_const(extent):
        lo, hi = min_.dtype.min_value(), min_.dtype.max_value()
        if lo <= min_.value + extent.value <= hi:
            return min_, IntImm(min_.dtype, min_.value + extent.value)
    if isinstance(extent, Sub) and same_expr(min_, extent.b):
        end = extent.a
        # The parser would take an ``Add(min, e)`` end to mean extent e, and fold two constants.
        # It may compare with plain structural equality, which maps free variables
        # positionally, so the check here is the loose one.
        ambiguous = isinstance(end, Add) and structural_equal(min_, end.a)
        if not ambiguous and not (is_const(min_) and is_const(end)):
            return min_, end
    return min_, Add(min_, extent)


def range_doc(exprs: ExprPrinter, min_: PrimExpr, extent: PrimExpr) -> tuple[ExprDoc, ExprDoc]:
    """Docs of the begin and end of a range."""
    begin, end = bounds(min_, extent)
    return exprs(begin), exprs(end)


def region_doc(exprs: ExprPrinter, region: BufferRegion) -> IndexDoc:
    """``A[vi, 0:n]``: a point where the extent is 1, else ``begin:end``."""
    buffer = exprs.buffer(region.buffer)
    return IndexDoc(buffer, tuple(_region_index(exprs, rng) for rng in region.region))


def _region_index(exprs: ExprPrinter, rng: Range) -> ExprDoc:
    if is_const(rng.extent, 1) and rng.extent.dtype == rng.min.dtype:
        return exprs(rng.min)
    begin, end = range_doc(exprs, rng.min, rng.extent)
    return SliceDoc(begin, end)
