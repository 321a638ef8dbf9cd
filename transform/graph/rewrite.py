"""Rewriting graph functions one binding at a time, shared by the graph lowering passes.

A `BindingRewriter` walks every `SeqExpr` of a function (`If` branches and nested functions
included) and lets a subclass replace each binding by a sequence of bindings; a result that is
a call is rewritten as if it were bound. Variables keep
their identity, so a rewrite that keeps a binding's variable needs no substitution of uses. The
rebuilt blocks are kept in the form the printer and parser agree on (`canonical_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from loom.ir import BaseFunc, GlobalVar, IRModule, replace
from loom.ir.graph import (
    Binding,
    BindingBlock,
    Call,
    DataflowBlock,
    Function,
    If,
    SeqExpr,
    StructInfo,
    Var,
    VarBinding,
)


def canonical_blocks(blocks: Sequence[BindingBlock]) -> tuple[BindingBlock, ...]:
    """`blocks` with consecutive plain blocks merged and empty plain blocks dropped.

    The printer writes consecutive plain blocks as one run of statements, and the parser reads
    one run back as one block, so only this form round-trips. Dataflow blocks stay as they are.
    """
    out: list[BindingBlock] = []
    for block in blocks:
        if isinstance(block, DataflowBlock):
            out.append(block)
            continue
        if not block.bindings:
            continue
        last = out[-1] if out else None
        if last is not None and not isinstance(last, DataflowBlock):
            out[-1] = BindingBlock((*last.bindings, *block.bindings), span=last.span)
        else:
            out.append(block)
    return tuple(out)


def map_functions(mod: IRModule, fn: Callable[[str, Function], Function]) -> IRModule:
    """Apply `fn` to each graph function of `mod` (by name); the same module if none changed."""
    functions: dict[GlobalVar, BaseFunc] = {}
    changed = False
    for gv, func in mod.functions.items():
        new = fn(gv.name_hint, func) if isinstance(func, Function) else func
        changed = changed or new is not func
        functions[gv] = new
    if not changed:
        return mod
    out = mod
    for gv, func in functions.items():
        if func is not mod.functions[gv]:
            out = out.with_function(gv, func)
    return out


class BindingRewriter:
    """Rebuilds functions whose bindings `rewrite_binding` replaces; see the module docstring."""

    def rewrite_binding(self, binding: Binding, dataflow: bool) -> Sequence[Binding] | None:
        """The bindings that replace `binding` (None: keep it). `dataflow`: in a dataflow block.

        Called after the binding's nested `If` branches and functions were rewritten.
        """
        return None

    def function(self, func: Function) -> Function:
        """`func` with its bindings rewritten (the same object if none changed)."""
        body = self.seq(func.body)
        return func if body is func.body else replace(func, body=body)

    def seq(self, seq: SeqExpr) -> SeqExpr:
        """`seq` with its bindings rewritten, its result too when that is a call or an `If`."""
        blocks = [self.block(b) for b in seq.blocks]
        body, extra = self._result(seq.body)
        if extra:
            blocks.append(BindingBlock(tuple(extra)))
        if body is seq.body and all(a is b for a, b in zip(blocks, seq.blocks, strict=False)):
            return seq
        return replace(seq, blocks=canonical_blocks(blocks), body=body, struct_info=seq.struct_info)

    def _result(self, body: Any) -> tuple[Any, list[Binding]]:
        """A `SeqExpr`'s result rewritten as if bound, and the bindings it then needs first.

        A branch's result (or a function's) may be a call; it is rewritten as the value of a
        binding, and what that binding's variable ends up bound to becomes the result again.
        """
        if not isinstance(body, Call | If | Function):
            return body, []
        pseudo = VarBinding(Var("result", _sinfo(body)), body, span=body.span)
        inner = self._nested(pseudo)
        new = self.rewrite_binding(inner, False)
        if new is None:
            return inner.value, []
        bindings = list(new)
        last = bindings[-1] if bindings else None
        if isinstance(last, VarBinding) and last.var is pseudo.var:
            return last.value, bindings[:-1]
        return pseudo.var, bindings

    def block(self, block: BindingBlock) -> BindingBlock:
        """`block` with its bindings rewritten."""
        dataflow = isinstance(block, DataflowBlock)
        bindings: list[Binding] = []
        changed = False
        for binding in block.bindings:
            inner = self._nested(binding)
            new = self.rewrite_binding(inner, dataflow)
            if new is None:
                bindings.append(inner)
                changed = changed or inner is not binding
            else:
                bindings.extend(new)
                changed = True
        return replace(block, bindings=tuple(bindings)) if changed else block

    def _nested(self, binding: Binding) -> Binding:
        """`binding` with the branches of a bound `If` or the body of a bound function rewritten."""
        value = binding.value
        if isinstance(value, If):
            t, f = self.seq(value.true_branch), self.seq(value.false_branch)
            if t is value.true_branch and f is value.false_branch:
                return binding
            return replace(binding, value=If(value.cond, t, f, span=value.span))
        if isinstance(value, Function):
            func = self.function(value)
            return binding if func is value else replace(binding, value=func)
        return binding


def _sinfo(expr: Any) -> StructInfo:
    sinfo = expr.struct_info
    assert isinstance(sinfo, StructInfo), "passes run on normalized functions"
    return sinfo
