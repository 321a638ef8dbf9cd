"""Normalization: fill in the derived struct info of expressions, bottom-up.

Calls of operators get theirs from the op's inference function; calls of module functions
from the callee's signature (a prim_func called directly, outputs appended, returns
``R.Tuple()``); external calls from their `sinfo_args`. The `BlockBuilder` adds
A-normal form on top (nested calls become bindings); mutators use this alone to re-derive the
struct info of the nodes they rebuild.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import StructInfoError, TypeCheckError
from ..module import GlobalVar, IRModule
from ..node import replace
from ..tir import PrimFunc
from ..tir.arith import Analyzer
from .binding import BindingBlock, If, MatchCast, SeqExpr
from .expr import Call, Expr, ExternFunc, Tuple, TupleGetItem, Var
from .function import Function
from .infer import RuntimeCheck, defined_size_vars, erase_to_well_defined, lca
from .infer.call_sizes import call_result
from .registry import InferContext, Op, op_info
from .struct_info import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)


class Normalizer:
    """Derives struct info, consulting `module` for calls of module functions.

    Run-time checks that inference could not discharge accumulate in `checks`.
    """

    def __init__(self, module: IRModule | None = None, analyzer: Analyzer | None = None):
        self.module = module
        self.analyzer = analyzer or Analyzer()
        self.checks: list[RuntimeCheck] = []

    def normalize(self, expr: Any) -> Any:
        """Return `expr` with struct info on it and every sub-expression (same object if set)."""
        if isinstance(expr, Var | GlobalVar | Op) or not isinstance(expr, Expr):
            return expr
        if isinstance(expr, Call):
            return self._call(expr)
        if isinstance(expr, Tuple):
            fields = tuple(self.normalize(f) for f in expr.fields)
            if expr.struct_info is not None and _same(fields, expr.fields):
                return expr
            return Tuple(fields, span=expr.span)
        if isinstance(expr, TupleGetItem):
            value = self.normalize(expr.tuple_value)
            if expr.struct_info is not None and value is expr.tuple_value:
                return expr
            return TupleGetItem(value, expr.index, span=expr.span)
        if isinstance(expr, SeqExpr):
            return self._seq(expr)
        if isinstance(expr, If):
            cond = self.normalize(expr.cond)
            t, f = self._seq(expr.true_branch), self._seq(expr.false_branch)
            if expr.struct_info is not None and _same(
                (cond, t, f), (expr.cond, expr.true_branch, expr.false_branch)
            ):
                return expr
            sinfo = lca(_sinfo(t), _sinfo(f), self.analyzer)
            return If(cond, t, f, struct_info=sinfo, span=expr.span)
        if isinstance(expr, Function):
            body = self._seq(expr.body)
            return expr if body is expr.body else replace(expr, body=body)
        return expr  # leaves derive their struct info when constructed

    def _seq(self, seq: SeqExpr) -> SeqExpr:
        blocks = tuple(self._block(b) for b in seq.blocks)
        body = self.normalize(seq.body)
        if seq.struct_info is not None and body is seq.body and _same(blocks, seq.blocks):
            return seq
        # Sizes defined by a match_cast inside are not visible to whoever uses the result.
        inner = set(
            defined_size_vars(
                [b.struct_info for blk in blocks for b in blk.bindings if isinstance(b, MatchCast)]
            )
        )
        sinfo = erase_to_well_defined(_sinfo(body), lambda v: v not in inner)
        return SeqExpr(blocks, body, struct_info=sinfo, span=seq.span)

    def _block(self, block: BindingBlock) -> BindingBlock:
        bindings = []
        for b in block.bindings:
            value = self.normalize(b.value)
            bindings.append(b if value is b.value else replace(b, value=value))
        return block if _same(bindings, block.bindings) else replace(block, bindings=bindings)

    def _call(self, call: Call) -> Call:
        args = tuple(self.normalize(a) for a in call.args)
        if call.struct_info is not None and _same(args, call.args):
            return call
        if not _same(args, call.args):
            call = replace(call, args=args, struct_info=None)
        sinfo = self.infer_call(call)
        return replace(call, struct_info=sinfo)

    def infer_call(self, call: Call) -> StructInfo:
        """The struct info of `call`'s result (its arguments already normalized)."""
        op = call.op
        if isinstance(op, Op):
            info = op_info(op, call.span)
            info.check_arity(call)
            ctx = InferContext(self.analyzer, self.module, call.span, self.checks)
            return info.infer(call, ctx)
        if call.sinfo_args:
            return call.sinfo_args[0]
        if isinstance(op, ExternFunc):
            return ObjectStructInfo()
        if isinstance(op, GlobalVar):
            return self._global_ret(op, call)
        sinfo = op.struct_info
        if not isinstance(sinfo, FuncStructInfo):
            raise StructInfoError(f"{op.name_hint} is called but is not a function", call.span)
        return sinfo.ret

    def _global_ret(self, gv: GlobalVar, call: Call) -> StructInfo:
        if self.module is None or gv.name_hint not in self.module:
            raise TypeCheckError(f"call of an undefined function {gv.name_hint!r}", call.span)
        func = self.module[gv.name_hint]
        if isinstance(func, PrimFunc):
            return _prim_func_call(func, gv.name_hint, call)
        if not isinstance(func, Function):
            raise StructInfoError(
                f"{gv.name_hint} is a {type(func).__name__}, called directly; call a prim_func "
                "with R.call_dps",
                call.span,
            )
        assert func.ret_struct_info is not None
        args = [getattr(arg, "struct_info", None) for arg in call.args]
        return call_result([p.struct_info for p in func.params], args, func.ret_struct_info)


def _prim_func_call(func: PrimFunc, name: str, call: Call) -> StructInfo:
    """A prim_func called directly, outputs included (``cls.mm(x, w, y)``, after LowerCallDPS).

    Each buffer parameter takes a tensor of its rank and dtype, each scalar parameter a prim
    value; the call returns nothing (``R.Tuple()``): the prim_func writes its outputs in place.
    """
    if len(call.args) != len(func.params):
        raise StructInfoError(
            f"{name} takes {len(func.params)} arguments (its inputs, outputs and sizes), "
            f"got {len(call.args)}",
            call.span,
        )
    for i, (param, arg) in enumerate(zip(func.params, call.args)):
        sinfo = getattr(arg, "struct_info", None)
        buffer = func.buffer_map.get(param)
        role = f"argument {i} of {name} ({param.name_hint})"
        if buffer is None:
            if not isinstance(sinfo, PrimStructInfo) or (
                sinfo.dtype is not None and sinfo.dtype != param.dtype
            ):
                raise StructInfoError(
                    f"{role} must be a {param.dtype} prim value, not {sinfo}", call.span
                )
        elif not isinstance(sinfo, TensorStructInfo):
            raise StructInfoError(f"{role} must be a tensor, not {sinfo}", call.span)
        elif sinfo.ndim not in (-1, buffer.ndim) or sinfo.dtype not in (None, buffer.dtype):
            raise StructInfoError(
                f"{role} must be a {buffer.dtype} tensor of rank {buffer.ndim}, not {sinfo}",
                call.span,
            )
    return TupleStructInfo(())


def _same(a: Any, b: Any) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _sinfo(expr: Any) -> StructInfo:
    sinfo = getattr(expr, "struct_info", None)
    if sinfo is None:
        raise StructInfoError(f"{type(expr).__name__} has no struct info", expr.span)
    return sinfo


def struct_info_of(expr: Any) -> StructInfo:
    """The struct info of a normalized expression (raises if it has none)."""
    return _sinfo(expr)
