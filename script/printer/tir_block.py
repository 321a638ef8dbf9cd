"""Blocks to docs: ``with T.block("name"):`` and its header lines, in the order FORMAT.md gives.

Iteration variables print as one ``T.axis.remap`` line when every value is a distinct enclosing
loop variable whose loop gives exactly the iteration domain; otherwise one ``T.axis.*`` line each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom.ir import LoomError
from loom.ir.tir import BlockRealize, For, IterType, IterVar, PrimExpr, Var

from . import tir_buffer
from .doc import AssignDoc, ExprDoc, ExprStmtDoc, ListDoc, StmtDoc, TupleDoc, WithDoc, call
from .refs import is_const, is_true, same_expr
from .values import string

if TYPE_CHECKING:
    from .tir_stmt import StmtPrinter

_AXIS = {
    IterType.DATA_PAR: "T.axis.spatial",
    IterType.COMM_REDUCE: "T.axis.reduce",
    IterType.ORDERED: "T.axis.scan",
    IterType.OPAQUE: "T.axis.opaque",
}
_REMAP_KIND = {IterType.DATA_PAR: "S", IterType.COMM_REDUCE: "R"}


def block_doc(sp: StmtPrinter, realize: BlockRealize) -> StmtDoc:
    """The whole ``with T.block(...)`` statement of a block realization.

    Two scopes open inside: one for the iteration variables, one for the allocated and matched
    buffers; declarations that depend on them go right after the lines that bind them.
    """
    block, exprs = realize.block, sp.exprs
    with sp.ctx.scope() as iter_decls:
        iter_lines = _iter_var_lines(sp, realize)
        header = _header_lines(sp, realize)
        with sp.ctx.scope() as buffer_decls:
            buffer_lines: list[StmtDoc] = []
            for buffer in block.alloc_buffers:
                buffer_lines.append(tir_buffer.define(exprs, "T.alloc_buffer", buffer))
            for match in block.match_buffers:
                source = tir_buffer.region_doc(exprs, match.source)
                line = tir_buffer.define(exprs, "T.match_buffer", match.buffer, (source,))
                buffer_lines.append(line)
            body: list[StmtDoc] = []
            if block.init is not None:
                body.append(WithDoc(None, call("T.init"), sp.body(block.init)))
            body.extend(sp.docs(block.body))
    lines = (*iter_lines, *iter_decls, *header, *buffer_lines, *buffer_decls, *body)
    return WithDoc(None, call("T.block", string(block.name_hint)), lines)


def _header_lines(sp: StmtPrinter, realize: BlockRealize) -> list[StmtDoc]:
    """``T.where`` (unless True), ``T.reads``, ``T.writes``, ``T.block_attr`` (if any)."""
    block, exprs = realize.block, sp.exprs
    lines: list[StmtDoc] = []
    if not is_true(realize.predicate):
        lines.append(ExprStmtDoc(call("T.where", exprs(realize.predicate))))
    reads = (tir_buffer.region_doc(exprs, r) for r in block.reads)
    lines.append(ExprStmtDoc(call("T.reads", *reads)))
    writes = (tir_buffer.region_doc(exprs, r) for r in block.writes)
    lines.append(ExprStmtDoc(call("T.writes", *writes)))
    if block.annotations:
        attrs = exprs.attrs(block.annotations, f"annotations of block {block.name_hint!r}")
        lines.append(ExprStmtDoc(call("T.block_attr", attrs)))
    return lines


def _iter_var_lines(sp: StmtPrinter, realize: BlockRealize) -> list[StmtDoc]:
    pairs = list(zip(realize.block.iter_vars, realize.iter_values, strict=True))
    for iv, _ in pairs:
        _check_iter_var(iv, realize)
    if pairs and all(_remaps(sp, iv, value) for iv, value in pairs):
        values = {id(value) for _, value in pairs}
        if len(values) == len(pairs):
            kinds = "".join(_REMAP_KIND[iv.iter_type] for iv, _ in pairs)
            loop_vars = ListDoc(tuple(sp.exprs(value) for _, value in pairs))
            targets = tuple(sp.ctx.define(iv.var, iv.var.name_hint) for iv, _ in pairs)
            return [AssignDoc(targets, call("T.axis.remap", string(kinds), loop_vars))]
    return [_axis_line(sp, iv, value) for iv, value in pairs]


def _check_iter_var(iv: IterVar, realize: BlockRealize) -> None:
    where = f"iteration variable {iv.var.name_hint!r} of block {realize.block.name_hint!r}"
    if iv.iter_type not in _AXIS:
        raise LoomError(f"cannot print {where}: kind {iv.iter_type.name} has no T.axis form")
    if iv.dom is None:
        raise LoomError(f"cannot print {where}: it has no domain")
    if iv.thread_tag:
        raise LoomError(f"cannot print {where}: a thread tag has no T.axis form")


def _remaps(sp: StmtPrinter, iv: IterVar, value: PrimExpr) -> bool:
    """Whether `iv` is exactly what ``T.axis.remap`` makes for loop variable `value`."""
    loop: For | None = sp.loops.get(value) if isinstance(value, Var) else None
    if loop is None or iv.iter_type not in _REMAP_KIND or iv.var.dtype != value.dtype:
        return False
    dom = iv.dom
    assert dom is not None
    return (
        is_const(loop.min, 0)
        and is_const(dom.min, 0)
        and dom.min.dtype == dom.extent.dtype
        and same_expr(dom.extent, loop.extent)
    )


def _axis_line(sp: StmtPrinter, iv: IterVar, value: PrimExpr) -> StmtDoc:
    """``vi = T.axis.spatial(extent, value)``, or ``((lo, hi), value)`` for a shifted domain."""
    dom = iv.dom
    assert dom is not None
    if is_const(dom.min, 0) and dom.min.dtype == dom.extent.dtype:
        dom_doc: ExprDoc = sp.exprs(dom.extent)
    else:
        dom_doc = TupleDoc(tir_buffer.range_doc(sp.exprs, dom.min, dom.extent))
    rhs = call(_AXIS[iv.iter_type], dom_doc, sp.exprs(value))
    return AssignDoc((sp.ctx.define(iv.var, iv.var.name_hint),), rhs)
