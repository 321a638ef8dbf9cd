"""Binding blocks to docs: annotated bindings, ``R.match_cast``, dataflow blocks and ``if``.

A binding's variable is named where it is bound, after its value prints (the value only sees
earlier variables). A dataflow block ends with ``R.output(...)`` of the plain variables it binds;
plain blocks print their bindings in place, so consecutive ones merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from loom.ir import LoomError
from loom.ir.graph import (
    Binding,
    BindingBlock,
    DataflowBlock,
    DataflowVar,
    If,
    MatchCast,
    SeqExpr,
    Var,
    VarBinding,
)

from .doc import AssignDoc, ExprDoc, ExprStmtDoc, IfDoc, StmtDoc, WithDoc, call
from .refs import same_expr

if TYPE_CHECKING:
    from .relax_expr import RelaxPrinter


def blocks_docs(p: RelaxPrinter, blocks: Sequence[BindingBlock]) -> list[StmtDoc]:
    """The statements of `blocks`, in order."""
    docs: list[StmtDoc] = []
    for block in blocks:
        if isinstance(block, DataflowBlock):
            docs.append(_dataflow(p, block))
        else:
            docs.extend(binding_doc(p, b, dataflow=False) for b in block.bindings)
    return docs


def _dataflow(p: RelaxPrinter, block: DataflowBlock) -> WithDoc:
    """``with R.dataflow():`` the bindings, then ``R.output(<plain vars, in binding order>)``."""
    body = [binding_doc(p, b, dataflow=True) for b in block.bindings]
    outputs = [p.visit(b.var) for b in block.bindings if not isinstance(b.var, DataflowVar)]
    body.append(ExprStmtDoc(call("R.output", *outputs)))
    return WithDoc(None, call("R.dataflow"), tuple(body))


def binding_doc(p: RelaxPrinter, binding: Binding, *, dataflow: bool) -> StmtDoc:
    """One binding; `dataflow` says whether it sits in a dataflow block."""
    var = binding.var
    if isinstance(var, DataflowVar) and not dataflow:
        raise LoomError(
            f"cannot print dataflow variable {var.name_hint!r} bound outside a dataflow block: "
            "the parser makes every variable bound there a plain Var"
        )
    if isinstance(binding, MatchCast):
        return _match_cast(p, binding)
    if isinstance(binding, VarBinding):
        if isinstance(binding.value, If):
            return _if(p, var, binding.value)
        value = p.visit(binding.value)
        return AssignDoc((_bind(p, var),), value, p.sinfo(var.struct_info))
    raise LoomError(f"cannot print a binding of type {type(binding).__name__}")


def _match_cast(p: RelaxPrinter, binding: MatchCast) -> StmtDoc:
    """``name = R.match_cast(value, <struct info>)``: the variable takes that struct info."""
    var = binding.var
    if not same_expr(var.struct_info, binding.struct_info):
        raise LoomError(
            f"cannot print the match_cast of {var.name_hint!r}: its variable's struct info "
            "differs from the pattern, and the parser gives it the pattern"
        )
    value = p.visit(binding.value)
    pattern = p.sinfo(binding.struct_info)
    return AssignDoc((_bind(p, var),), call("R.match_cast", value, pattern))


def _if(p: RelaxPrinter, var: Var, node: If) -> IfDoc:
    """``if cond:`` / ``else:``, each branch ending with ``var: <struct info> = <result>``."""
    cond = p.visit(node.cond)
    then = _branch(p, var, node.true_branch)
    orelse = _branch(p, var, node.false_branch)
    return IfDoc(cond, tuple(then), tuple(orelse))


def _branch(p: RelaxPrinter, var: Var, branch: SeqExpr) -> list[StmtDoc]:
    docs = blocks_docs(p, branch.blocks)
    result = p.visit(branch.body)
    docs.append(AssignDoc((_bind(p, var),), result, p.sinfo(var.struct_info)))
    return docs


def _bind(p: RelaxPrinter, var: Var) -> ExprDoc:
    """Name `var` where it is bound (a second binding of it keeps the name)."""
    return p.ctx.define(var, var.name_hint)
