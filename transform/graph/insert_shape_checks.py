"""InsertShapeChecks: turn the shape facts inference assumed into run-time assertions.

Struct-info inference proves what it can about symbolic sizes; a fact it can neither prove nor
refute (``m`` broadcasts against ``n`` only if ``m == 1 or m == n``) becomes a `RuntimeCheck`
that is not stored in the IR (see `loom.ir.graph.infer.shape`). This pass re-runs inference on
every operator call with a collecting context, before legalization erases the ops, and puts
each check right before its call as a direct call of a small generated prim_func::

    _: R.Tuple() = cls.check_shape(R.prim_value(m), R.prim_value(n))

whose body is ``assert m == 1 or m == n, "main: broadcast: size m must be 1 or equal to n"``.
So a check runs exactly where and when its operator would (inside the right branch of an
``if``), in any executor, and once `VMShapeLower` has turned its prim values into heap reads,
as one native call. A check has an effect (it may raise), so the function must have left
dataflow form first; a check needed inside a dataflow block is a `PassError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from loom.ir import GlobalVar, IRModule, Map, PassError, structural_equal
from loom.ir.graph import (
    Binding,
    Call,
    InferContext,
    Op,
    PrimValue,
    TupleStructInfo,
    Var,
    VarBinding,
    op_info,
)
from loom.ir.graph.infer import RuntimeCheck
from loom.ir.tir import AssertStmt, Evaluate, PrimFunc, const
from loom.ir.tir import Var as SizeVar
from loom.ir.tir.arith import Analyzer, free_vars, substitute

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import BindingRewriter, map_functions

_UNIT = TupleStructInfo(())


@dataclass(frozen=True)
class InsertShapeChecks(Pass):
    """Assert, before each operator call, the size conditions its inference could not prove.

    Check prim_funcs are named ``check_shape`` (deduplicated; identical ones are shared).
    """

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Insert the checks of every graph function; the check prim_funcs join the module."""
        checks = _CheckFuncs(mod)
        out = map_functions(mod, lambda name, func: _Inserter(name, checks).function(func))
        functions = out.functions
        for gv, func in checks.added:
            functions = functions.set(gv, func)
        return out if not checks.added else IRModule(functions, out.attrs, span=out.span)


class _CheckFuncs:
    """The check prim_funcs of a module: found again when identical, else added under new names."""

    def __init__(self, mod: IRModule):
        self.mod = mod
        self.added: list[tuple[GlobalVar, PrimFunc]] = []

    def get(self, func: PrimFunc) -> GlobalVar:
        for gv, existing in self.added:
            if structural_equal(existing.with_attr("global_symbol", ""), func):
                return gv
        taken = {gv.name_hint for gv in self.mod.functions} | {gv.name_hint for gv, _ in self.added}
        name, i = "check_shape", 0
        while name in taken:
            i += 1
            name = f"check_shape_{i}"
        gv = GlobalVar(name)
        self.added.append((gv, func.with_attr("global_symbol", name)))
        return gv


class _Inserter(BindingRewriter):
    def __init__(self, function: str, funcs: _CheckFuncs) -> None:
        self.function_name = function
        self.funcs = funcs

    def rewrite_binding(self, binding: Binding, dataflow: bool) -> list[Binding] | None:
        call = binding.value
        if not isinstance(call, Call) or not isinstance(call.op, Op):
            return None
        info = op_info(call.op, call.span)
        ctx = InferContext(Analyzer(), self.funcs.mod, call.span, [])
        info.infer(call, ctx)
        if not ctx.checks:
            return None
        if dataflow:
            raise PassError(
                f"InsertShapeChecks: in function {self.function_name}, R.{call.op.name} needs a "
                "run-time shape check inside a dataflow block; run ToNonDataflow first",
                call.span,
            )
        return [*(self._check(c) for c in ctx.checks), binding]

    def _check(self, check: RuntimeCheck) -> Binding:
        sizes = free_vars(check.cond)
        params = [SizeVar(v.name_hint, v.dtype) for v in sizes]
        cond = substitute(check.cond, dict(zip(sizes, params, strict=True)))
        message = f"{self.function_name}: {check.message}"
        body = AssertStmt(cond, message, Evaluate(const(0, "int32")))
        func = PrimFunc(tuple(params), body, attrs=Map({"global_symbol": ""}))
        gv = self.funcs.get(func)
        call = Call(gv, tuple(PrimValue(v) for v in sizes), struct_info=_UNIT, span=check.span)
        return VarBinding(Var("_", _UNIT), call, span=check.span)


__all__ = ["InsertShapeChecks"]
