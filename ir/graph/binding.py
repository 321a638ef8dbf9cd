"""Bindings and the expressions made of them: blocks, `SeqExpr`, and `If` with SeqExpr branches.

A function body is a `SeqExpr`: binding blocks in order, then a result. Dataflow blocks hold
side-effect-free bindings whose `DataflowVar`s stay inside the block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..diagnostics import StructInfoError, TypeCheckError
from ..node import Node
from .expr import ArgExpr, Expr, Var, _check_arg
from .struct_info import PrimStructInfo, StructInfo, TensorStructInfo


def _set(node: Node, name: str, value: Any) -> None:
    object.__setattr__(node, name, value)


@dataclass(frozen=True, slots=True, eq=False)
class Binding(Node):
    """Base of the two binding forms; `var` is the variable the binding defines."""

    if TYPE_CHECKING:  # a field on each subclass, so the field order is (var, value, ...)

        @property
        def var(self) -> Var:
            """The variable this binding defines."""

        @property
        def value(self) -> ArgExpr:
            """The bound value."""


@dataclass(frozen=True, slots=True, eq=False)
class VarBinding(Binding):
    """``var = value``: `var`'s annotation is the value's struct info or a base of it."""

    var: Var
    value: ArgExpr

    def __post_init__(self) -> None:
        if not isinstance(self.var, Var):
            raise TypeCheckError(f"a binding defines a Var, not {type(self.var).__name__}")
        _check_arg(self.value, "a bound value")


@dataclass(frozen=True, slots=True, eq=False)
class MatchCast(Binding):
    """``var = R.match_cast(value, struct_info)``: bind `value`, checked at run time.

    Symbolic sizes that first appear in `struct_info` are defined here (they take the sizes of
    the value).
    """

    var: Var
    value: ArgExpr
    struct_info: StructInfo

    def __post_init__(self) -> None:
        if not isinstance(self.var, Var):
            raise TypeCheckError(f"match_cast defines a Var, not {type(self.var).__name__}")
        _check_arg(self.value, "a match_cast value")
        if not isinstance(self.struct_info, StructInfo):
            raise TypeCheckError("match_cast needs a StructInfo to match against", self.span)


@dataclass(frozen=True, slots=True, eq=False)
class BindingBlock(Node):
    """Bindings in order; they may have side effects. Script: statements in a function body."""

    bindings: tuple[Binding, ...]

    def __post_init__(self) -> None:
        _set(self, "bindings", tuple(self.bindings))
        for b in self.bindings:
            if not isinstance(b, Binding):
                raise TypeCheckError(f"a block holds bindings, not {type(b).__name__}")


@dataclass(frozen=True, slots=True, eq=False)
class DataflowBlock(BindingBlock):
    """Pure bindings; `DataflowVar`s are local to it, plain `Var`s are its outputs.

    Script: ``with R.dataflow(): ...; R.output(gv)``.
    """


@dataclass(frozen=True, slots=True, eq=False)
class SeqExpr(Expr):
    """Run `blocks` in order, then evaluate `body` (which sees their variables)."""

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    blocks: tuple[BindingBlock, ...]
    body: ArgExpr
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _set(self, "blocks", tuple(self.blocks))
        for b in self.blocks:
            if not isinstance(b, BindingBlock):
                raise TypeCheckError(f"a SeqExpr holds binding blocks, not {type(b).__name__}")
        _check_arg(self.body, "a SeqExpr body")
        if self.struct_info is None:
            _set(self, "struct_info", getattr(self.body, "struct_info", None))


@dataclass(frozen=True, slots=True, eq=False)
class If(Expr):
    """``if cond: true_branch else: false_branch``.

    `cond` is a bool scalar (a `Prim` or a rank-0 tensor). The result's struct info is the
    lowest common base of the branches'.
    """

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    cond: ArgExpr
    true_branch: SeqExpr
    false_branch: SeqExpr
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _check_arg(self.cond, "an if condition")
        for branch in (self.true_branch, self.false_branch):
            if not isinstance(branch, SeqExpr):
                raise TypeCheckError(f"an if branch must be a SeqExpr, not {type(branch).__name__}")
        cond = getattr(self.cond, "struct_info", None)
        ok = cond is None or (
            (isinstance(cond, PrimStructInfo) and (cond.dtype is None or cond.dtype.is_bool))
            or (isinstance(cond, TensorStructInfo) and cond.ndim in (-1, 0))
        )
        if not ok:
            raise StructInfoError(f"an if condition must be a bool scalar, not {cond}", self.span)
        if self.struct_info is None:
            t, f = self.true_branch.struct_info, self.false_branch.struct_info
            if t is not None and f is not None:
                from .infer import lca

                _set(self, "struct_info", lca(t, f))
