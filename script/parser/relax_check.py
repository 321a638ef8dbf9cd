"""Struct info checks the R parser makes: annotations against values, arguments against params.

An annotation may be less precise than the value (``R.Tensor`` for a known shape) or more
precise where nothing proves it wrong (a size the analyzer cannot compare); it is an error only
when it provably contradicts the value (another kind, dtype or rank, a size provably different).
The same check compares a call's arguments with the callee's parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

from loom.ir import tir
from loom.ir.graph import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)
from loom.ir.graph.infer import is_base_of
from loom.ir.tir.arith import Analyzer

_KIND = {
    ObjectStructInfo: "R.Object",
    PrimStructInfo: "R.Prim",
    ShapeStructInfo: "R.Shape",
    TensorStructInfo: "R.Tensor",
    TupleStructInfo: "R.Tuple",
    FuncStructInfo: "R.Callable",
}


def mismatch(base: StructInfo, value: StructInfo, analyzer: Analyzer) -> str | None:
    """Why annotation `base` provably contradicts `value`'s struct info, or None if it may hold."""
    if is_base_of(base, value, analyzer):
        return None
    if isinstance(base, ObjectStructInfo) or isinstance(value, ObjectStructInfo):
        return None
    if type(base) is not type(value):
        return f"it is a {_KIND[type(value)]}, not a {_KIND[type(base)]}"
    if isinstance(base, TensorStructInfo | PrimStructInfo) and _dtype_differs(base, value):
        return f"its dtype is {value.dtype}, not {base.dtype}"  # type: ignore[attr-defined]
    if isinstance(base, TensorStructInfo | ShapeStructInfo):
        assert isinstance(value, TensorStructInfo | ShapeStructInfo)
        if -1 not in (base.ndim, value.ndim) and base.ndim != value.ndim:
            return f"its rank is {value.ndim}, not {base.ndim}"
        return _sizes_differ(base.values, value.values, analyzer)
    if isinstance(base, PrimStructInfo):
        assert isinstance(value, PrimStructInfo)
        if (
            base.value is not None
            and value.value is not None
            and _provably_ne(base.value, value.value, analyzer)
        ):
            return f"its value is {size_text(value.value)}, not {size_text(base.value)}"
        return None
    if isinstance(base, TupleStructInfo):
        assert isinstance(value, TupleStructInfo)
        if len(base.fields) != len(value.fields):
            return f"it has {len(value.fields)} fields, not {len(base.fields)}"
        for i, (b, v) in enumerate(zip(base.fields, value.fields)):
            problem = mismatch(b, v, analyzer)
            if problem is not None:
                return f"field {i}: {problem}"
        return None
    assert isinstance(base, FuncStructInfo)
    assert isinstance(value, FuncStructInfo)
    if (
        base.params is not None
        and value.params is not None
        and len(base.params) != len(value.params)
    ):
        return f"it takes {len(value.params)} parameters, not {len(base.params)}"
    problem = mismatch(base.ret, value.ret, analyzer)
    return None if problem is None else f"its result: {problem}"


def _dtype_differs(base: TensorStructInfo | PrimStructInfo, value: StructInfo) -> bool:
    other = getattr(value, "dtype", None)
    return base.dtype is not None and other is not None and base.dtype != other


def _sizes_differ(
    base: Sequence[tir.PrimExpr] | None, value: Sequence[tir.PrimExpr] | None, analyzer: Analyzer
) -> str | None:
    if base is None or value is None or len(base) != len(value):
        return None
    for i, (b, v) in enumerate(zip(base, value)):
        if _provably_ne(b, v, analyzer):
            return f"dimension {i} is {size_text(v)}, not {size_text(b)}"
    return None


def _provably_ne(a: tir.PrimExpr, b: tir.PrimExpr, analyzer: Analyzer) -> bool:
    if a.dtype != b.dtype:
        return False
    return analyzer.can_prove(tir.ne(a, b))


# -- messages ---------------------------------------------------------------------------------


def size_text(expr: tir.PrimExpr) -> str:
    """A size as a script writes it in a shape (int64 constants as bare ints)."""
    if isinstance(expr, tir.IntImm):
        return str(expr.value)
    return str(expr)


def sinfo_text(sinfo: StructInfo) -> str:
    """Struct info as an annotation spells it, for messages."""
    if isinstance(sinfo, ObjectStructInfo):
        return "R.Object"
    if isinstance(sinfo, PrimStructInfo):
        if sinfo.value is not None:
            return f"R.Prim(value={size_text(sinfo.value)})"
        return "R.Prim" if sinfo.dtype is None else f'R.Prim("{sinfo.dtype}")'
    if isinstance(sinfo, ShapeStructInfo):
        if sinfo.values is not None:
            return f"R.Shape([{', '.join(size_text(v) for v in sinfo.values)}])"
        return "R.Shape" if sinfo.ndim == -1 else f"R.Shape(ndim={sinfo.ndim})"
    if isinstance(sinfo, TensorStructInfo):
        parts = []
        if sinfo.values is not None:
            sizes = [size_text(v) for v in sinfo.values]
            parts.append(f"({sizes[0]},)" if len(sizes) == 1 else f"({', '.join(sizes)})")
        elif sinfo.shape is not None:
            parts.append(sinfo.shape.name_hint)  # type: ignore[union-attr]
        if sinfo.dtype is not None:
            parts.append(f'dtype="{sinfo.dtype}"')
        if sinfo.values is None and sinfo.ndim != -1:
            parts.append(f"ndim={sinfo.ndim}")
        return f"R.Tensor({', '.join(parts)})" if parts else "R.Tensor"
    if isinstance(sinfo, TupleStructInfo):
        return f"R.Tuple({', '.join(sinfo_text(f) for f in sinfo.fields)})"
    assert isinstance(sinfo, FuncStructInfo)
    params = "..." if sinfo.params is None else ", ".join(sinfo_text(p) for p in sinfo.params)
    return f"R.Callable(({params}), {sinfo_text(sinfo.ret)})"
