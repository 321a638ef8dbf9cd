"""Normalize: derive missing struct info and bind non-leaf results (the pipeline's first step).

Modules built by the parser or a `BlockBuilder` carry their struct info already; one assembled
by hand from nodes may not, and every later pass reads it. Inference errors surface here, at the
call's span, before any lowering. Normal form also binds the result of every `SeqExpr` (a
function body, an ``if`` branch) that is a call or another compound expression to a variable of
its own, so that passes that rewrite bindings (legalization, say) see every call: the parser
keeps ``z = R.exp(y)``, the last line of a branch, as the branch's result expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loom.ir import IRModule, replace
from loom.ir.graph import (
    Binding,
    BindingBlock,
    Call,
    Function,
    If,
    Normalizer,
    SeqExpr,
    Tuple,
    TupleGetItem,
    Var,
    VarBinding,
    struct_info_of,
)

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import canonical_blocks, map_functions


@dataclass(frozen=True)
class Normalize(Pass):
    """Derive struct info and bind compound results in every graph function (see above)."""

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Normalize each graph function against `mod` (calls of module functions resolve)."""
        normalizer = Normalizer(mod)
        return map_functions(mod, lambda name, func: _function(normalizer.normalize(func)))


def _function(func: Function) -> Function:
    body = _seq(func.body, "result")
    return func if body is func.body else replace(func, body=body)


def _seq(seq: SeqExpr, hint: str) -> SeqExpr:
    blocks = tuple(_block(b) for b in seq.blocks)
    extra: list[Binding] = []
    body = _leaf(seq.body, hint, extra)
    if body is seq.body and all(a is b for a, b in zip(blocks, seq.blocks, strict=True)):
        return seq
    if extra:
        blocks = canonical_blocks((*blocks, BindingBlock(tuple(extra))))
    return SeqExpr(blocks, body, struct_info=seq.struct_info, span=seq.span)


def _block(block: BindingBlock) -> BindingBlock:
    bindings = tuple(_binding(b) for b in block.bindings)
    if all(a is b for a, b in zip(bindings, block.bindings, strict=True)):
        return block
    return replace(block, bindings=bindings)


def _binding(binding: Binding) -> Binding:
    value = _compound(binding.value, binding.var.name_hint)
    return binding if value is binding.value else replace(binding, value=value)


def _compound(value: Any, hint: str) -> Any:
    """`value` with the results of its nested sequences bound."""
    if isinstance(value, If):
        t, f = _seq(value.true_branch, hint), _seq(value.false_branch, hint)
        if t is value.true_branch and f is value.false_branch:
            return value
        return If(value.cond, t, f, struct_info=value.struct_info, span=value.span)
    if isinstance(value, SeqExpr):
        return _seq(value, hint)
    if isinstance(value, Function):
        return _function(value)
    return value


def _leaf(expr: Any, hint: str, out: list[Binding]) -> Any:
    """`expr` as a leaf: a compound expression is bound to a variable (appended to `out`)."""
    if isinstance(expr, Tuple):
        fields = tuple(_leaf(f, hint, out) for f in expr.fields)
        if all(a is b for a, b in zip(fields, expr.fields, strict=True)):
            return expr
        return Tuple(fields, span=expr.span)
    if isinstance(expr, Call | If | SeqExpr | TupleGetItem):
        value = _compound(expr, hint)
        var = Var(hint, struct_info_of(value), span=expr.span)
        out.append(VarBinding(var, value, span=expr.span))
        return var
    return expr


__all__ = ["Normalize"]
