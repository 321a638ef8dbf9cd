"""Relations between struct infos: subtyping, joins, erasure of sizes not in scope.

`is_base_of` (subtyping), `lca` (joins, for `If`), `erase_to_well_defined` (a result seen from
outside the scope that defines its sizes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...tir import PrimExpr, Var
from ...tir.arith import Analyzer, free_vars
from ..expr import ShapeExpr
from ..struct_info import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)


def _same_values(
    a: Sequence[PrimExpr] | None, b: Sequence[PrimExpr] | None, analyzer: Analyzer
) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return len(a) == len(b) and all(analyzer.can_prove_equal(x, y) for x, y in zip(a, b))


def is_base_of(base: StructInfo, derived: StructInfo, analyzer: Analyzer | None = None) -> bool:
    """Whether every value described by `derived` is also described by `base` (provably).

    Object is the base of everything; an unknown dtype, rank or shape is the base of a known one;
    tuples are compared field by field; functions contravariantly in their parameters, and an
    impure function type is the base of a pure one.
    """
    analyzer = analyzer or Analyzer()
    if isinstance(base, ObjectStructInfo):
        return True
    if type(base) is not type(derived):
        return False
    if isinstance(base, PrimStructInfo):
        assert isinstance(derived, PrimStructInfo)
        if base.dtype is not None and base.dtype != derived.dtype:
            return False
        if base.value is None:
            return True
        return derived.value is not None and analyzer.can_prove_equal(base.value, derived.value)
    if isinstance(base, ShapeStructInfo):
        assert isinstance(derived, ShapeStructInfo)
        if base.ndim != -1 and base.ndim != derived.ndim:
            return False
        return base.values is None or _same_values(base.values, derived.values, analyzer)
    if isinstance(base, TensorStructInfo):
        assert isinstance(derived, TensorStructInfo)
        if base.dtype is not None and base.dtype != derived.dtype:
            return False
        if base.ndim != -1 and base.ndim != derived.ndim:
            return False
        if base.shape is None:
            return True
        if isinstance(base.shape, ShapeExpr):
            return _same_values(base.values, derived.values, analyzer)
        return derived.shape is base.shape
    if isinstance(base, TupleStructInfo):
        assert isinstance(derived, TupleStructInfo)
        return len(base.fields) == len(derived.fields) and all(
            is_base_of(x, y, analyzer) for x, y in zip(base.fields, derived.fields)
        )
    if isinstance(base, FuncStructInfo):
        assert isinstance(derived, FuncStructInfo)
        if base.purity and not derived.purity:
            return False
        if not is_base_of(base.ret, derived.ret, analyzer):
            return False
        if base.params is None:
            return True
        if derived.params is None or len(base.params) != len(derived.params):
            return False
        return all(is_base_of(d, b, analyzer) for b, d in zip(base.params, derived.params))
    raise AssertionError(f"unknown struct info {type(base).__name__}")


def lca(a: StructInfo, b: StructInfo, analyzer: Analyzer | None = None) -> StructInfo:
    """The most precise struct info that is a base of both (e.g. the result of an `If`)."""
    analyzer = analyzer or Analyzer()
    if is_base_of(a, b, analyzer):
        return a
    if is_base_of(b, a, analyzer):
        return b
    if type(a) is not type(b):
        return ObjectStructInfo()
    if isinstance(a, PrimStructInfo):
        assert isinstance(b, PrimStructInfo)
        return PrimStructInfo(a.dtype if a.dtype == b.dtype else None)
    if isinstance(a, ShapeStructInfo):
        assert isinstance(b, ShapeStructInfo)
        return ShapeStructInfo(ndim=a.ndim if a.ndim == b.ndim else -1)
    if isinstance(a, TensorStructInfo):
        assert isinstance(b, TensorStructInfo)
        dtype = a.dtype if a.dtype == b.dtype else None
        ndim = a.ndim if a.ndim == b.ndim else -1
        return TensorStructInfo(None, dtype, ndim)
    if isinstance(a, TupleStructInfo):
        assert isinstance(b, TupleStructInfo)
        if len(a.fields) != len(b.fields):
            return ObjectStructInfo()
        return TupleStructInfo(tuple(lca(x, y, analyzer) for x, y in zip(a.fields, b.fields)))
    assert isinstance(a, FuncStructInfo)
    assert isinstance(b, FuncStructInfo)
    return FuncStructInfo(None, lca(a.ret, b.ret, analyzer), a.purity and b.purity)


def erase_to_well_defined(sinfo: StructInfo, is_defined: Callable[[Var], bool]) -> StructInfo:
    """Forget the parts of `sinfo` that use symbolic sizes for which `is_defined` is False.

    A shape using such a size becomes unknown (its rank is kept); so does a prim value. Used for
    a function's result (callers only see sizes its parameters define) and for branch results.
    """

    def ok(values: Sequence[PrimExpr]) -> bool:
        return all(is_defined(v) for e in values for v in free_vars(e))

    if isinstance(sinfo, PrimStructInfo):
        if sinfo.value is not None and not ok([sinfo.value]):
            return PrimStructInfo(sinfo.dtype)
        return sinfo
    if isinstance(sinfo, ShapeStructInfo):
        if sinfo.values is not None and not ok(sinfo.values):
            return ShapeStructInfo(ndim=sinfo.ndim)
        return sinfo
    if isinstance(sinfo, TensorStructInfo):
        values = sinfo.values
        if values is not None and not ok(values):
            return TensorStructInfo(None, sinfo.dtype, sinfo.ndim)
        return sinfo
    if isinstance(sinfo, TupleStructInfo):
        fields = tuple(erase_to_well_defined(f, is_defined) for f in sinfo.fields)
        if all(x is y for x, y in zip(fields, sinfo.fields)):
            return sinfo
        return TupleStructInfo(fields)
    if isinstance(sinfo, FuncStructInfo):
        ret = erase_to_well_defined(sinfo.ret, is_defined)
        return sinfo if ret is sinfo.ret else FuncStructInfo(sinfo.params, ret, sinfo.purity)
    return sinfo


def defined_size_vars(sinfos: Sequence[StructInfo]) -> list[Var]:
    """Symbolic sizes that `sinfos` (parameters, a match_cast) define, in order.

    Those that appear as a whole size or prim value: ``(n * 2,)`` defines nothing; ``(n,)`` n.
    """
    out: dict[Var, None] = {}

    def walk(s: StructInfo) -> None:
        if isinstance(s, PrimStructInfo) and isinstance(s.value, Var):
            out.setdefault(s.value)
        elif isinstance(s, ShapeStructInfo | TensorStructInfo) and s.values is not None:
            for v in s.values:
                if isinstance(v, Var):
                    out.setdefault(v)
        elif isinstance(s, TupleStructInfo):
            for f in s.fields:
                walk(f)

    for s in sinfos:
        walk(s)
    return list(out)
