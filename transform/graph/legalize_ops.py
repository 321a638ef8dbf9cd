"""LegalizeOps: replace operator calls by ``call_dps`` of prim_funcs generated from their `te`.

The first graph lowering pass. After it, a graph function calls no operator but the runtime
ones (`RUNTIME_OPS`): every other op call became what the op's registered legalization built,
normally the ``call_dps`` of a prim_func (added to the module under a deduplicated name, an
identical one shared), with symbolic sizes kept symbolic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loom.ir import IRModule, PassError, replace
from loom.ir.graph import Binding, BlockBuilder, Call, Op, op_info

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import BindingRewriter, map_functions

RUNTIME_OPS = frozenset({"call_dps", "shape_of"})
"""Ops without a legalization that stay as they are: the VM runs them as builtins.

So do the explicit memory ops, every op named ``builtin.*`` or ``memory.*``.
"""

MAX_DEPTH = 16
"""How deep legalizations may nest (one returning calls of ops that are legalized in turn)."""


def is_runtime_op(op: Op) -> bool:
    """Whether calls of `op` are left to the runtime rather than legalized."""
    return op.name in RUNTIME_OPS or op.name.startswith(("builtin.", "memory."))


@dataclass(frozen=True)
class LegalizeOps(Pass):
    """Legalize every operator call of every graph function (see the module docstring).

    An op that has no legalization and is not a runtime op is a `PassError` naming it, with the
    call's span.
    """

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Legalize the op calls; the generated prim_funcs join the module."""
        bb = BlockBuilder(mod)
        out = map_functions(mod, lambda name, func: _Legalizer(bb, name).function(func))
        for gv, func in bb.module.functions.items():
            if gv.name_hint not in out:  # a generated prim_func, in the order they were made
                out = out.with_function(gv.name_hint, func)
        return out


class _Legalizer(BindingRewriter):
    def __init__(self, bb: BlockBuilder, function: str) -> None:
        self.bb = bb
        self.function_name = function

    def rewrite_binding(self, binding: Binding, dataflow: bool) -> Sequence[Binding] | None:
        return self._legalize(binding, dataflow, 0)

    def _legalize(self, binding: Binding, dataflow: bool, depth: int) -> list[Binding] | None:
        call = binding.value
        if not isinstance(call, Call) or not isinstance(call.op, Op) or is_runtime_op(call.op):
            return None
        info = op_info(call.op, call.span)
        if info.legalize is None:
            raise PassError(
                f"in function {self.function_name}: R.{call.op.name} has no legalization, so "
                "it cannot be lowered (register one with loom.ir.graph.registry.set_legalize)",
                call.span,
            )
        if depth >= MAX_DEPTH:
            raise PassError(
                f"in function {self.function_name}: legalizing R.{call.op.name} nests more than "
                f"{MAX_DEPTH} deep: a legalization keeps producing calls to be legalized",
                call.span,
            )
        with self.bb.binding_scope(dataflow) as emitted:
            value = self.bb.normalize(info.legalize(self.bb, call))
        if isinstance(value, Call) and value.span is None:
            value = replace(value, span=call.span)  # later errors point at the op call
        out: list[Binding] = []
        for helper in [*emitted, replace(binding, value=value)]:
            again = self._legalize(helper, dataflow, depth + 1)
            out.extend([helper] if again is None else again)
        return out
