"""ToNonDataflow: leave dataflow form, so that lowering may bind side effects anywhere.

After it, a graph function has no `DataflowBlock` and no `DataflowVar`: each dataflow block
became a plain block of the same bindings, each dataflow variable a plain variable of the same
name hint and struct info (every use refers to the new one), and consecutive plain blocks merged
into one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loom.ir import IRModule, replace
from loom.ir.graph import BindingBlock, DataflowBlock, DataflowVar, ExprMutator, SeqExpr, Var

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import canonical_blocks, map_functions


@dataclass(frozen=True)
class ToNonDataflow(Pass):
    """Turn dataflow blocks into plain blocks and dataflow variables into variables."""

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Convert every graph function."""
        return map_functions(mod, lambda name, func: _Converter(mod).visit(func))


class _Converter(ExprMutator):
    def visit_dataflow_var(self, var: DataflowVar) -> Var:
        sinfo = self.visit(var.struct_info)
        return Var(var.name_hint, sinfo, span=var.span)

    def visit_dataflow_block(self, block: DataflowBlock) -> BindingBlock:
        bindings = self.visit_value(block.bindings)
        return BindingBlock(bindings, span=block.span)

    def visit_seq_expr(self, seq: SeqExpr) -> Any:
        new = self.generic_visit(seq)
        blocks = canonical_blocks(new.blocks)
        if blocks == new.blocks:
            return new
        return replace(new, blocks=blocks, struct_info=new.struct_info)
