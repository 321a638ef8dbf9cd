"""CanonicalizeBindings: remove bindings that only rename a value, so uses see the value itself.

Legalization and lowering leave copies behind (``y = x``; ``t = (a, b)`` then ``t[0]``). After
this pass, no binding ``y = x`` of one variable to another remains, a projection ``t[i]`` of a
variable bound to a tuple expression whose field `i` is a variable is that variable, and a
tuple, projection or copy that nothing uses any more is not bound. Two kinds of copies stay,
because removing them would break well-formedness or lose a fact: a plain variable bound to a
dataflow variable (an output of its dataflow block; likewise a projection is kept outside the
block of the field it names), and a variable annotated with more than the copied value's struct
info says. ``match_cast`` bindings are checks, not copies, and stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loom.ir import IRModule, replace
from loom.ir.graph import (
    Binding,
    BindingBlock,
    Constant,
    DataflowVar,
    ExprMutator,
    ExprVisitor,
    FuncStructInfo,
    Function,
    MatchCast,
    PrimValue,
    SeqExpr,
    ShapeExpr,
    StringImm,
    StructInfo,
    TensorStructInfo,
    Tuple,
    TupleGetItem,
    TupleStructInfo,
    Var,
    VarBinding,
)
from loom.ir.graph.infer import is_base_of

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import BindingRewriter, canonical_blocks, map_functions


@dataclass(frozen=True)
class CanonicalizeBindings(Pass):
    """Replace copies of variables by the variables themselves (see the module docstring)."""

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Canonicalize every graph function."""
        return map_functions(mod, lambda name, func: _drop_unused(_Canonicalizer(mod).visit(func)))


class _Canonicalizer(ExprMutator):
    def __init__(self, module: IRModule) -> None:
        super().__init__(module)
        self.copies: dict[Var, Var] = {}  # a removed binding's variable -> what it copied
        self.tuples: dict[Var, Tuple] = {}  # variables bound to tuple expressions

    def visit_var(self, var: Var) -> Var:
        target = self.copies.get(var)
        return target if target is not None else ExprMutator.visit_var(self, var)

    def visit_binding_block(self, block: BindingBlock) -> BindingBlock:
        bindings: list[Binding] = []
        for binding in block.bindings:
            value = self.visit(binding.value)
            copied = self._copied(binding, value)
            if copied is not None:
                self.copies[binding.var] = copied
                continue
            var = self.visit(binding.var)
            if isinstance(value, Tuple) and isinstance(binding, VarBinding):
                self.tuples[var] = value
            changes: dict[str, Any] = {"var": var, "value": value}
            if isinstance(binding, MatchCast):
                changes["struct_info"] = self.visit(binding.struct_info)
            if any(getattr(binding, k) is not v for k, v in changes.items()):
                binding = replace(binding, **changes)
            bindings.append(binding)
        if len(bindings) == len(block.bindings) and all(
            a is b for a, b in zip(bindings, block.bindings)
        ):
            return block
        return replace(block, bindings=tuple(bindings))

    def visit_seq_expr(self, seq: SeqExpr) -> Any:
        new = self.generic_visit(seq)
        blocks = canonical_blocks(new.blocks)
        if blocks == new.blocks:
            return new
        return replace(new, blocks=blocks, struct_info=new.struct_info)

    def visit_tuple_get_item(self, node: TupleGetItem) -> Any:
        new = self.generic_visit(node)
        packed = self.tuples.get(new.tuple_value)
        if packed is None or new.index >= len(packed.fields):
            return new
        field = packed.fields[new.index]
        if not isinstance(field, Var) or not _visible(field, new.tuple_value):
            return new
        return field

    def _copied(self, binding: Binding, value: Any) -> Var | None:
        """The variable `binding` merely copies, if its uses may refer to that one instead."""
        if not isinstance(binding, VarBinding) or not isinstance(value, Var):
            return None
        if not _visible(value, binding.var):
            return None
        if not is_base_of(binding.var.struct_info, value.struct_info):
            return None  # the annotation says more than the value's: it is kept as a fact
        return value


def _visible(value: Var, where: Var) -> bool:
    """Whether `value` may replace `where` at its uses (a dataflow variable stays in its block)."""
    return not isinstance(value, DataflowVar) or isinstance(where, DataflowVar)


_TRIVIAL = (Var, Tuple, TupleGetItem, Constant, ShapeExpr, PrimValue, StringImm)
"""Values whose binding has no effect and costs nothing but the binding (dropped when unused)."""


def _drop_unused(func: Function) -> Function:
    """`func` without bindings of trivial values that nothing uses (until none is left)."""
    while True:
        uses = _Uses()
        uses.visit(func)
        dropper = _Dropper(uses.used)
        new = dropper.function(func)
        if new is func:
            return func
        func = new


class _Dropper(BindingRewriter):
    def __init__(self, used: set[Var]) -> None:
        self.used = used

    def rewrite_binding(self, binding: Binding, dataflow: bool) -> Sequence[Binding] | None:
        unused = isinstance(binding, VarBinding) and binding.var not in self.used
        return () if unused and isinstance(binding.value, _TRIVIAL) else None


class _Uses(ExprVisitor):
    """The variables used anywhere (a binding's own variable is a definition, not a use)."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[Var] = set()

    def visit_var_binding(self, binding: VarBinding) -> None:
        self.visit(binding.value)
        self.visit_struct_info(binding.var.struct_info)

    def visit_match_cast(self, binding: MatchCast) -> None:
        self.visit(binding.value)
        self.visit_struct_info(binding.struct_info)
        self.visit_struct_info(binding.var.struct_info)

    def visit_var(self, var: Var) -> None:
        self.used.add(var)
        self.visit_struct_info(var.struct_info)

    def visit_struct_info(self, sinfo: StructInfo) -> None:
        for value in _shape_vars(sinfo):
            self.used.add(value)


def _shape_vars(sinfo: StructInfo) -> list[Var]:
    """The graph variables a struct info refers to (tensors shaped by a shape variable)."""
    if isinstance(sinfo, TensorStructInfo) and isinstance(sinfo.shape, Var):
        return [sinfo.shape]
    if isinstance(sinfo, TupleStructInfo):
        return [v for f in sinfo.fields for v in _shape_vars(f)]
    if isinstance(sinfo, FuncStructInfo):
        return [v for p in (*(sinfo.params or ()), sinfo.ret) for v in _shape_vars(p)]
    return []
