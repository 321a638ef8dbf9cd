"""`well_formed`: the whole-function rules of graph functions, checked after parsing and passes.

Each rule is a `WellFormedError` naming the function and the variable (with a span where known):

- **Each variable is bound once**: a parameter or one binding, in the whole function.
- **Variables are defined before use**, in scope: parameters, earlier bindings of the enclosing
  `SeqExpr`s (a branch's bindings are not visible after the `If`).
- **Dataflow variables stay in their dataflow block**: a `DataflowVar` is bound only inside a
  `DataflowBlock`, is never a parameter, and is not used after its block ends.
- **Dataflow blocks are pure**: no call of an impure operator or packed function inside one.
- **Symbolic sizes are defined before use**: a `tir` variable is defined where it first appears
  as a whole size (or prim value) of a parameter's struct info or of a `MatchCast` pattern;
  every other appearance (annotations, shapes, prim values, ``sinfo_args``, the result struct
  info) must come after a definition.
- **Global functions resolve**: every `GlobalVar` used names a function of the module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import WellFormedError
from ..module import GlobalVar, IRModule
from ..span import Span
from ..tir import PrimExpr, PrimFunc
from ..tir import Var as TirVar
from ..tir.arith import free_vars
from .binding import BindingBlock, DataflowBlock, If, MatchCast, SeqExpr
from .expr import Call, DataflowVar, ExternFunc, ShapeExpr, Tuple, TupleGetItem, Var
from .expr import PrimValue as PrimValueExpr
from .function import Function
from .infer import defined_size_vars
from .registry import Op, op_info
from .struct_info import (
    FuncStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)


def well_formed(target: Function | IRModule) -> None:
    """Raise `WellFormedError` unless `target` (a function, or each one of a module) is sound.

    A lone function is checked without the global-function rule.
    """
    if isinstance(target, IRModule):
        for gv, func in target.functions.items():
            if isinstance(func, Function):
                _Checker(gv.name_hint, target).function(func)
        return
    if not isinstance(target, Function):
        raise WellFormedError(f"well_formed checks graph functions, not {type(target).__name__}")
    _Checker(str(target.attrs.get("global_symbol", "<function>")), None).function(target)


class _Checker:
    def __init__(self, name: str, module: IRModule | None):
        self.name = name
        self.module = module
        self.bound: set[int] = set()
        self.scopes: list[set[int]] = [set()]
        self.closed_dataflow: set[int] = set()
        self.sizes: set[TirVar] = set()
        self.in_dataflow = False
        self.span: Span | None = None

    def fail(self, message: str, span: Span | None = None) -> None:
        raise WellFormedError(f"in function {self.name}: {message}", span or self.span)

    # -- definitions -----------------------------------------------------------------------

    def define(self, var: Var, span: Span | None) -> None:
        if id(var) in self.bound:
            self.fail(f"variable {var.name_hint} is bound more than once", span or var.span)
        self.bound.add(id(var))
        self.scopes[-1].add(id(var))

    def define_sizes(self, sinfos: Iterable[StructInfo]) -> None:
        self.sizes.update(v for v in defined_size_vars(list(sinfos)) if v not in self.sizes)

    # -- uses ------------------------------------------------------------------------------

    def use_var(self, var: Var) -> None:
        if any(id(var) in scope for scope in self.scopes):
            return
        if id(var) in self.closed_dataflow:
            self.fail(f"dataflow variable {var.name_hint} is used outside its dataflow block")
        self.fail(f"variable {var.name_hint} is used before it is defined")

    def use_sizes(self, exprs: Iterable[PrimExpr], where: str) -> None:
        for expr in exprs:
            for v in free_vars(expr):
                if v not in self.sizes:
                    self.fail(
                        f"symbolic size {v.name_hint} is used in {where} before it is defined"
                    )

    def use_sinfo(self, sinfo: StructInfo | None, where: str) -> None:
        if isinstance(sinfo, PrimStructInfo) and sinfo.value is not None:
            self.use_sizes([sinfo.value], where)
        elif isinstance(sinfo, ShapeStructInfo | TensorStructInfo) and sinfo.values is not None:
            self.use_sizes(sinfo.values, where)
        elif isinstance(sinfo, TensorStructInfo) and isinstance(sinfo.shape, Var):
            self.use_var(sinfo.shape)
        elif isinstance(sinfo, TupleStructInfo):
            for f in sinfo.fields:
                self.use_sinfo(f, where)
        elif isinstance(sinfo, FuncStructInfo):
            for p in sinfo.params or ():
                self.use_sinfo(p, where)
            self.use_sinfo(sinfo.ret, where)

    # -- structure -------------------------------------------------------------------------

    def function(self, func: Function) -> None:
        self.span = func.span
        for p in func.params:
            if isinstance(p, DataflowVar):
                self.fail(f"parameter {p.name_hint} is a dataflow variable", p.span)
            self.define(p, p.span)
        self.define_sizes(p.struct_info for p in func.params)
        for p in func.params:
            self.use_sinfo(p.struct_info, f"the annotation of {p.name_hint}")
        self.use_sinfo(func.ret_struct_info, "the result struct info")
        saved = self.in_dataflow
        self.in_dataflow = False
        self.seq(func.body)
        self.in_dataflow = saved

    def seq(self, seq: SeqExpr) -> None:
        self.scopes.append(set())
        for block in seq.blocks:
            self.block(block)
        self.span = seq.span or self.span
        self.expr(seq.body)
        self.scopes.pop()

    def block(self, block: BindingBlock) -> None:
        dataflow = isinstance(block, DataflowBlock)
        self.in_dataflow = dataflow
        local: list[Var] = []
        for b in block.bindings:
            self.span = b.span or b.var.span or self.span
            self.expr(b.value)
            if isinstance(b, MatchCast):
                self.define_sizes([b.struct_info])
                self.use_sinfo(b.struct_info, f"the match_cast of {b.var.name_hint}")
            if isinstance(b.var, DataflowVar):
                if not dataflow:
                    self.fail(
                        f"dataflow variable {b.var.name_hint} is bound outside a dataflow block"
                    )
                local.append(b.var)
            self.use_sinfo(b.var.struct_info, f"the annotation of {b.var.name_hint}")
            self.define(b.var, b.span)
        for var in local:
            self.scopes[-1].discard(id(var))
            self.closed_dataflow.add(id(var))
        self.in_dataflow = False

    def expr(self, e: Any) -> None:
        if isinstance(e, Var):
            self.use_var(e)
        elif isinstance(e, GlobalVar):
            if self.module is not None and e.name_hint not in self.module:
                self.fail(f"call of an undefined function {e.name_hint!r}", e.span)
        elif isinstance(e, Call):
            self.call(e)
        elif isinstance(e, Tuple):
            for f in e.fields:
                self.expr(f)
        elif isinstance(e, TupleGetItem):
            self.expr(e.tuple_value)
        elif isinstance(e, ShapeExpr):
            self.use_sizes(e.values, "a shape expression")
        elif isinstance(e, PrimValueExpr):
            self.use_sizes([e.value], "a prim value")
        elif isinstance(e, If):
            self.expr(e.cond)
            self.seq(e.true_branch)
            self.seq(e.false_branch)
        elif isinstance(e, SeqExpr):
            self.seq(e)
        elif isinstance(e, Function):
            saved = (self.scopes, self.in_dataflow)
            self.scopes = [*self.scopes, set()]
            self.function(e)
            self.scopes, self.in_dataflow = saved

    def call(self, call: Call) -> None:
        op = call.op
        if self.in_dataflow and not self.is_pure(op):
            self.fail("a dataflow block calls an impure function", call.span)
        if not isinstance(op, Op | ExternFunc):
            self.expr(op)
        for a in call.args:
            self.expr(a)
        for s in call.sinfo_args:
            self.use_sinfo(s, "sinfo_args")

    def is_pure(self, op: Any) -> bool:
        return is_pure_callee(op, self.module)


def is_pure_callee(op: Any, module: IRModule | None) -> bool:
    """Whether calling `op` has no side effects (packed functions are assumed to have some)."""
    if isinstance(op, Op):
        return op_info(op).pure
    if isinstance(op, ExternFunc):
        return False
    if isinstance(op, GlobalVar):
        func = module[op.name_hint] if module is not None and op.name_hint in module else None
        if isinstance(func, PrimFunc):
            return False  # called directly, a prim_func writes the outputs it is passed
        return not isinstance(func, Function) or func.is_pure
    sinfo = getattr(op, "struct_info", None)
    return not isinstance(sinfo, FuncStructInfo) or sinfo.purity
