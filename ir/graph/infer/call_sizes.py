"""The result struct info of a call between graph functions, in the caller's sizes.

A callee's result speaks of the callee's own symbolic sizes (``f(x: (n,)) -> (n * 2,)``); the
caller knows them through the arguments. Matching each parameter's struct info against its
argument gives ``n -> m`` (for ``f(y)`` with ``y: (m,)``); the result is rewritten with that
map, and whatever still uses a callee size is forgotten (the shape becomes unknown).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...tir import PrimExpr
from ...tir import Var as TirVar
from ...tir.arith import substitute
from ..struct_info import (
    FuncStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)
from .subtype import erase_to_well_defined


def call_result(
    params: Sequence[StructInfo], args: Sequence[StructInfo | None], ret: StructInfo
) -> StructInfo:
    """`ret` with the sizes the parameters define replaced by what the arguments carry."""
    sizes: dict[TirVar, PrimExpr] = {}
    known: set[TirVar] = set()
    for param, arg in zip(params, args):
        if arg is not None:
            _match(param, arg, sizes)
            _collect(arg, known)
    return erase_to_well_defined(_rewrite(ret, sizes), lambda v: v in known)


def _collect(sinfo: StructInfo, out: set[TirVar]) -> None:
    from ...tir.arith import free_vars

    for value in _sizes_of(sinfo):
        out.update(free_vars(value))
    if isinstance(sinfo, TupleStructInfo):
        for field in sinfo.fields:
            _collect(field, out)
    elif isinstance(sinfo, FuncStructInfo):
        _collect(sinfo.ret, out)


def _sizes_of(sinfo: StructInfo) -> tuple[PrimExpr, ...]:
    if isinstance(sinfo, TensorStructInfo | ShapeStructInfo):
        return sinfo.values or ()
    if isinstance(sinfo, PrimStructInfo) and sinfo.value is not None:
        return (sinfo.value,)
    return ()


def _match(param: StructInfo, arg: StructInfo, sizes: dict[TirVar, PrimExpr]) -> None:
    """Record ``size -> value`` for each size variable `param` uses as a whole dimension."""
    if isinstance(param, TupleStructInfo) and isinstance(arg, TupleStructInfo):
        for p, a in zip(param.fields, arg.fields):
            _match(p, a, sizes)
        return
    if type(param) is not type(arg):
        return
    want, have = _sizes_of(param), _sizes_of(arg)
    if len(want) != len(have):
        return
    for pattern, value in zip(want, have):
        if isinstance(pattern, TirVar) and pattern not in sizes and pattern.dtype == value.dtype:
            sizes[pattern] = value


def _rewrite(sinfo: StructInfo, sizes: dict[TirVar, PrimExpr]) -> StructInfo:
    if not sizes:
        return sinfo
    if isinstance(sinfo, TensorStructInfo) and sinfo.values is not None:
        values = tuple(substitute(v, sizes) for v in sinfo.values)
        return TensorStructInfo(values, sinfo.dtype, sinfo.ndim, span=sinfo.span)
    if isinstance(sinfo, ShapeStructInfo) and sinfo.values is not None:
        values = tuple(substitute(v, sizes) for v in sinfo.values)
        return ShapeStructInfo(values, sinfo.ndim, span=sinfo.span)
    if isinstance(sinfo, PrimStructInfo) and sinfo.value is not None:
        return PrimStructInfo(sinfo.dtype, substitute(sinfo.value, sizes), span=sinfo.span)
    if isinstance(sinfo, TupleStructInfo):
        return TupleStructInfo(tuple(_rewrite(f, sizes) for f in sinfo.fields), span=sinfo.span)
    if isinstance(sinfo, FuncStructInfo):
        ret = _rewrite(sinfo.ret, sizes)
        return FuncStructInfo(sinfo.params, ret, sinfo.purity, span=sinfo.span)
    return sinfo
