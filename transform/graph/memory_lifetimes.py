"""Lifetimes of the tensors a graph function allocates, for static memory planning.

Each ``R.builtin.alloc_tensor`` binding is a *token*. The analysis follows tokens through the
values that may refer to them (copies, tuples, tuple items, ``match_cast``, an `If`'s result)
and records, for each token, the last binding of its own `SeqExpr` (its *region*) that uses
it; a use inside a nested `If` counts at the `If`'s binding. A token *escapes*, and may not
share storage, when it may outlive the function or its region, or when code the analysis does
not see may keep it: it is (part of) the function's result or of a branch result of its own
region, an argument of a graph function, packed function or closure call, or used by a nested
function. Operator calls and direct prim_func calls only use their arguments while they run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loom.ir import GlobalVar, IRModule
from loom.ir.graph import (
    Binding,
    Call,
    ExprVisitor,
    Function,
    If,
    Op,
    SeqExpr,
    TensorStructInfo,
    Tuple,
    TupleGetItem,
    Var,
    VarBinding,
)
from loom.ir.tir import PrimFunc


@dataclass(eq=False)
class Token:
    """One allocated tensor: its binding, region, and where its lifetime ends.

    `index` and `last_use` number the bindings of the region (its blocks in order).
    """

    binding: VarBinding
    region: SeqExpr
    index: int
    last_use: int
    escaped: bool = False

    @property
    def sinfo(self) -> TensorStructInfo:
        """The allocated tensor's struct info."""
        sinfo = self.binding.value.struct_info  # type: ignore[union-attr]
        assert isinstance(sinfo, TensorStructInfo), "alloc_tensor makes a tensor"
        return sinfo


@dataclass
class Lifetimes:
    """The tokens of one function, by region, in binding order."""

    regions: dict[SeqExpr, list[Token]] = field(default_factory=dict)


def region_bindings(seq: SeqExpr) -> list[Binding]:
    """The bindings of `seq`, its blocks in order: what token indices number."""
    return [b for block in seq.blocks for b in block.bindings]


def is_alloc_tensor(value: object) -> bool:
    """Whether `value` is a call of ``builtin.alloc_tensor``."""
    return (
        isinstance(value, Call)
        and isinstance(value.op, Op)
        and value.op.name == "builtin.alloc_tensor"
    )


def analyze_lifetimes(func: Function, module: IRModule | None) -> Lifetimes:
    """The tokens of `func` with their lifetimes and escapes (see the module docstring)."""
    analysis = _Analysis(module)
    analysis.region(func.body, top=True)
    return analysis.result


class _Analysis:
    def __init__(self, module: IRModule | None) -> None:
        self.module = module
        self.result = Lifetimes()
        self.env: dict[Var, frozenset[Token]] = {}
        self.stack: list[tuple[SeqExpr, int]] = []  # the regions being walked, and where

    def region(self, seq: SeqExpr, top: bool = False) -> frozenset[Token]:
        """Walk `seq`; return the tokens of enclosing regions its result may refer to."""
        self.result.regions[seq] = []
        bindings = region_bindings(seq)
        for index, binding in enumerate(bindings):
            self.stack.append((seq, index))
            if isinstance(binding, VarBinding) and is_alloc_tensor(binding.value):
                token = Token(binding, seq, index, index)
                self.result.regions[seq].append(token)
                self.env[binding.var] = frozenset((token,))
            else:
                self.env[binding.var] = self.value(binding.value)
            self.stack.pop()
        self.stack.append((seq, len(bindings)))  # the result is used after every binding
        result = self.value(seq.body)
        self.stack.pop()
        own = {t for t in result if t.region is seq}
        for token in result if top else own:
            token.escaped = True
        return frozenset() if top else result - own

    def value(self, value: object) -> frozenset[Token]:
        """The tokens the value of `value` may refer to; what it uses is used here."""
        if isinstance(value, Call):
            escapes = not self._uses_only(value)
            for arg in value.args:
                for token in self.refer(arg):
                    token.escaped = token.escaped or escapes
            if isinstance(value.op, Var):
                self.refer(value.op)
            return frozenset()
        if isinstance(value, If):
            self.refer(value.cond)
            return self.region(value.true_branch) | self.region(value.false_branch)
        if isinstance(value, SeqExpr):
            return self.region(value)
        if isinstance(value, Function):
            for var in _free_vars(value):
                for token in self.refer(var):
                    token.escaped = True
            return frozenset()
        return self.refer(value)

    def refer(self, expr: object) -> frozenset[Token]:
        """The tokens `expr` may refer to; each is used at the current point."""
        if isinstance(expr, Var):
            tokens = self.env.get(expr, frozenset())
            for token in tokens:
                self._use(token)
            return tokens
        if isinstance(expr, Tuple):
            out: frozenset[Token] = frozenset()
            for f in expr.fields:
                out |= self.refer(f)
            return out
        if isinstance(expr, TupleGetItem):
            return self.refer(expr.tuple_value)
        return frozenset()

    def _use(self, token: Token) -> None:
        for region, index in reversed(self.stack):
            if region is token.region:
                token.last_use = max(token.last_use, index)
                return
        raise AssertionError("a token is used outside its region: the function is ill-formed")

    def _uses_only(self, call: Call) -> bool:
        """Whether `call` only uses its arguments while it runs (keeps no reference)."""
        if isinstance(call.op, Op):
            return True
        if isinstance(call.op, GlobalVar) and self.module is not None:
            name = call.op.name_hint
            return name in self.module and isinstance(self.module[name], PrimFunc)
        return False


def _free_vars(func: Function) -> list[Var]:
    finder = _VarFinder()
    finder.visit(func.body)
    return finder.found


class _VarFinder(ExprVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Var] = []

    def visit_var(self, var: Var) -> None:
        self.found.append(var)
