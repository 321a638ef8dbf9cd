"""Visitor and mutator bases for graph IR, memoised by node identity (graphs share subtrees).

`tir` expressions inside struct info, shapes and prim values go to `visit_prim_expr` (their
class names collide with graph ones: ``tir.Var`` vs ``graph.Var``); struct info goes to
`visit_struct_info`. Override ``visit_<snake_case>`` for graph nodes as with the other functors.
"""

from __future__ import annotations

from typing import Any

from ..functor import Functor, Mutator, Visitor
from ..module import GlobalVar, IRModule
from ..node import Node, child_fields, replace
from ..tir import PrimExpr
from .expr import Expr, Var
from .normalize import Normalizer
from .struct_info import StructInfo


class ExprVisitor(Visitor):
    """Visits each graph node once; variable and global references at every use.

    So a visitor that counts uses sees them all. Struct info is not walked by default.
    """

    def __init__(self) -> None:
        self._seen: dict[int, Node] = {}

    def visit(self, node: Any) -> Any:
        """Visit one node (a repeated non-variable node is skipped)."""
        if isinstance(node, PrimExpr):
            return self.visit_prim_expr(node)
        if isinstance(node, StructInfo):
            return self.visit_struct_info(node)
        if not isinstance(node, Var | GlobalVar):
            seen = self.__dict__.setdefault("_seen", {})
            if id(node) in seen:
                return None
            seen[id(node)] = node
        return Functor.visit(self, node)

    def generic_visit(self, node: Any) -> None:
        """Visit the children of `node`, except an expression's derived struct info."""
        for name in child_fields(type(node)):
            if name == "struct_info" and isinstance(node, Expr):
                continue
            self.visit_value(getattr(node, name))

    def visit_var(self, var: Var) -> None:
        """A use or the definition of a variable; nothing to walk into by default."""

    def visit_global_var(self, gv: GlobalVar) -> None:
        """A reference to a module function."""

    def visit_prim_expr(self, expr: PrimExpr) -> None:
        """A `tir` expression (a shape size, a prim value); ignored by default."""

    def visit_struct_info(self, sinfo: StructInfo) -> None:
        """Struct info (a var's annotation, a match_cast's pattern); ignored by default."""


class ExprMutator(Mutator):
    """Rebuilds graph nodes whose children changed, once per node (memoised by identity).

    A rebuilt expression gets its struct info derived again (through a `Normalizer` with
    `module`, which resolves calls of module functions). A variable whose annotation changes
    (say `visit_prim_expr` substitutes a size) becomes one new variable for all its uses.
    """

    def __init__(self, module: IRModule | None = None) -> None:
        super().__init__()
        self._memo: dict[int, tuple[Any, Any]] = {}
        self.normalizer = Normalizer(module)

    def visit(self, node: Any) -> Any:
        """Mutate one node; each distinct node is mutated at most once."""
        if isinstance(node, PrimExpr):
            return self.visit_prim_expr(node)
        memo = self.__dict__.setdefault("_memo", {})
        hit = memo.get(id(node))
        if hit is None:
            if isinstance(node, StructInfo):
                result = self.visit_struct_info(node)
            else:
                result = Functor.visit(self, node)
            hit = memo[id(node)] = (node, result)
        return hit[1]

    def generic_visit(self, node: Any) -> Any:
        """Mutate the children; a rebuilt expression has its derived struct info re-derived."""
        changes = {}
        derived = isinstance(node, Expr) and not isinstance(node, Var)
        for name in child_fields(type(node)):
            if derived and name == "struct_info":
                continue
            old = getattr(node, name)
            new = self.visit_value(old)
            if new is not old:
                changes[name] = new
        if not changes:
            return node
        if derived and "struct_info" in child_fields(type(node)):
            changes["struct_info"] = None
            return self.normalizer.normalize(replace(node, **changes))
        return replace(node, **changes)

    def visit_var(self, var: Var) -> Var:
        """A variable: rebuilt only if its annotation changes."""
        sinfo = self.visit(var.struct_info)
        return var if sinfo is var.struct_info else replace(var, struct_info=sinfo)

    def visit_prim_expr(self, expr: PrimExpr) -> PrimExpr:
        """A `tir` expression inside a shape, prim value or struct info; kept by default."""
        return expr

    def visit_struct_info(self, sinfo: StructInfo) -> StructInfo:
        """Struct info: walked field by field, so `visit_prim_expr` reaches its sizes."""
        return Mutator.generic_visit(self, sinfo)


__all__ = ["ExprMutator", "ExprVisitor"]
