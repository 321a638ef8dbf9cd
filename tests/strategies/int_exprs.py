"""Random integer expressions over TIR variables, and their exact evaluator (the oracle)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from loom.ir import DataType, tir
from loom.ir.tir import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    Add,
    And,
    Buffer,
    BufferLoad,
    Call,
    Cast,
    Div,
    FloorDiv,
    FloorMod,
    IntImm,
    Let,
    Max,
    Min,
    Mod,
    Mul,
    Not,
    Or,
    PrimExpr,
    Select,
    Sub,
    Var,
)

# =============================================================================================
# TIR integer expressions
#
# `tir_int_exprs` draws integer expressions over given variables; divisors are non-zero
# constants or variables from a separate pool that `tir_int_env` only ever sets to non-zero
# values, so no drawn expression divides by zero. `eval_tir_int_expr` is the exact oracle: Python
# ints, floor division for `//`/`%`, C semantics for `truncdiv`/`truncmod`.


def tir_int_vars(names: Sequence[str], dtype: str = "int32") -> tuple[Var, ...]:
    """Fresh variables, one per name."""
    return tuple(Var(name, dtype) for name in names)


# A 1-d int32 buffer whose loads the simplifier must treat as opaque atoms.
TIR_OPAQUE_BUFFER = tir.decl_buffer((64,), "int32", "opaque")


def tir_opaque_load_value(buffer: Buffer, index: int) -> int:
    """The value the oracle gives a load of `TIR_OPAQUE_BUFFER` (any fixed function will do)."""
    return (index * 7 + len(buffer.name)) % 13 - 6


def tir_nonzero_ints(limit: int = 9) -> st.SearchStrategy[int]:
    """Non-zero integers in ``[-limit, limit]``, both signs."""
    return st.builds(lambda v, neg: -v if neg else v, st.integers(1, limit), st.booleans())


def _tir_int_const(dtype: str) -> Callable[[int], PrimExpr]:
    return lambda value: IntImm(dtype, value)


def tir_int_exprs(
    variables: Sequence[Var],
    divisor_vars: Sequence[Var] = (),
    *,
    max_leaves: int = 12,
    dtype: str = "int32",
    trunc: bool = True,
    minmax: bool = True,
    select: bool = True,
    opaque: bool = False,
) -> st.SearchStrategy[PrimExpr]:
    """Integer expressions over `variables`; divisions only by non-zero constants or by
    `divisor_vars`."""
    leaves = st.one_of(
        st.sampled_from(list(variables)), st.integers(-8, 8).map(_tir_int_const(dtype))
    )
    divisors = tir_nonzero_ints().map(_tir_int_const(dtype))
    if divisor_vars:
        divisors = st.one_of(divisors, st.sampled_from(list(divisor_vars)))
    kinds = ["add", "sub", "mul", "scale", "floordiv", "floormod"]
    kinds += ["truncdiv", "truncmod"] if trunc else []
    kinds += ["min", "max"] if minmax else []
    kinds += ["select"] if select else []
    kinds += ["load", "xor"] if opaque else []
    return st.recursive(
        leaves,
        lambda children: _tir_int_node(children, divisors, tuple(kinds), dtype),
        max_leaves=max_leaves,
    )


_TIR_INT_NODES: dict[str, type] = {
    "add": Add, "sub": Sub, "mul": Mul, "min": Min, "max": Max,
    "floordiv": FloorDiv, "floormod": FloorMod, "truncdiv": Div, "truncmod": Mod,
}  # fmt: skip


@st.composite
def _tir_int_node(
    draw: st.DrawFn,
    children: st.SearchStrategy[PrimExpr],
    divisors: st.SearchStrategy[PrimExpr],
    kinds: tuple[str, ...],
    dtype: str,
) -> PrimExpr:
    # One composite keeps the strategy's repr linear in depth (nested builds grow it
    # exponentially).
    kind = draw(st.sampled_from(kinds))
    a = draw(children)
    if kind in ("floordiv", "floormod", "truncdiv", "truncmod"):
        return _TIR_INT_NODES[kind](a, draw(divisors))
    if kind == "scale":
        return Mul(a, IntImm(dtype, draw(st.integers(-6, 6))))
    if kind == "select":
        return Select(draw(tir_bool_exprs_over(children)), a, draw(children))
    if kind == "load":
        return BufferLoad(TIR_OPAQUE_BUFFER, (FloorMod(a, IntImm(dtype, 64)),))
    if kind == "xor":
        return tir.call_intrin(dtype, "bitwise_xor", a, draw(children))
    return _TIR_INT_NODES[kind](a, draw(children))


_TIR_COMPARISONS = (EQ, NE, LT, LE, GT, GE)


def tir_bool_exprs_over(ints: st.SearchStrategy[PrimExpr]) -> st.SearchStrategy[PrimExpr]:
    """Conditions built from comparisons of the given integer expressions."""
    comparisons = st.builds(
        lambda cls, a, b: cls(a, b), st.sampled_from(_TIR_COMPARISONS), ints, ints
    )
    return st.recursive(
        comparisons,
        lambda inner: st.one_of(
            st.builds(And, inner, inner),
            st.builds(Or, inner, inner),
            st.builds(Not, inner),
            st.booleans().map(lambda b: IntImm("bool", b)),
        ),
        max_leaves=3,
    )


def tir_bool_exprs(
    variables: Sequence[Var], divisor_vars: Sequence[Var] = (), **kwargs: Any
) -> st.SearchStrategy[PrimExpr]:
    """Conditions over integer expressions of `variables` (see `tir_int_exprs`)."""
    return tir_bool_exprs_over(tir_int_exprs(variables, divisor_vars, **kwargs))


def tir_int_env(
    variables: Sequence[Var],
    divisor_vars: Sequence[Var] = (),
    ranges: Mapping[Var, tuple[int, int]] | None = None,
    *,
    limit: int = 40,
) -> st.SearchStrategy[dict[Var, int]]:
    """Assignments of the variables: ``ranges[v] = (lo, hi)`` (inclusive) where given, else
    ``[-limit, limit]`` (from 0 for a `SizeVar`); divisor variables are never zero."""
    ranges = dict(ranges or {})
    parts: dict[Var, st.SearchStrategy[int]] = {}
    for var in variables:
        if var in ranges:
            lo, hi = ranges[var]
        else:
            lo, hi = (0 if isinstance(var, tir.SizeVar) else -limit), limit
        parts[var] = st.integers(lo, hi)
    for var in divisor_vars:
        parts[var] = tir_nonzero_ints()
    return st.fixed_dictionaries(parts)


def _tir_truncdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _tir_wrap(value: int, dtype: DataType) -> int:
    if dtype.is_bool:
        return int(value != 0)
    bits = dtype.bits
    value &= (1 << bits) - 1
    if dtype.is_int and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


_TIR_BINARY_OPS: dict[type, Callable[[int, int], int | bool]] = {
    Add: lambda a, b: a + b,
    Sub: lambda a, b: a - b,
    Mul: lambda a, b: a * b,
    FloorDiv: lambda a, b: a // b,
    FloorMod: lambda a, b: a % b,
    Div: _tir_truncdiv,
    Mod: lambda a, b: a - b * _tir_truncdiv(a, b),
    Min: min,
    Max: max,
    EQ: lambda a, b: a == b,
    NE: lambda a, b: a != b,
    LT: lambda a, b: a < b,
    LE: lambda a, b: a <= b,
    GT: lambda a, b: a > b,
    GE: lambda a, b: a >= b,
}

_TIR_INTRINSICS: dict[str, Callable[..., int]] = {
    "bitwise_and": lambda a, b: a & b,
    "bitwise_or": lambda a, b: a | b,
    "bitwise_xor": lambda a, b: a ^ b,
    "bitwise_not": lambda a: ~a,
}


def eval_tir_int_expr(expr: PrimExpr, env: Mapping[Var, int]) -> int | bool:
    """The exact value of an integer or boolean expression (ZeroDivisionError on x // 0)."""
    if isinstance(expr, IntImm):
        return bool(expr.value) if expr.dtype.is_bool else expr.value
    if isinstance(expr, Var):
        return env[expr]
    if isinstance(expr, And):
        return bool(eval_tir_int_expr(expr.a, env)) and bool(eval_tir_int_expr(expr.b, env))
    if isinstance(expr, Or):
        return bool(eval_tir_int_expr(expr.a, env)) or bool(eval_tir_int_expr(expr.b, env))
    if isinstance(expr, Not):
        return not eval_tir_int_expr(expr.a, env)
    fn = _TIR_BINARY_OPS.get(type(expr))
    if fn is not None:
        return fn(eval_tir_int_expr(expr.a, env), eval_tir_int_expr(expr.b, env))  # type: ignore[attr-defined]
    if isinstance(expr, Select):
        cond = eval_tir_int_expr(expr.condition, env)
        t, f = eval_tir_int_expr(expr.true_value, env), eval_tir_int_expr(expr.false_value, env)
        return t if cond else f
    if isinstance(expr, Cast):
        value = int(eval_tir_int_expr(expr.value, env))
        result = _tir_wrap(value, expr.dtype)
        return bool(result) if expr.dtype.is_bool else result
    if isinstance(expr, Let):
        inner = dict(env)
        inner[expr.var] = int(eval_tir_int_expr(expr.value, env))
        return eval_tir_int_expr(expr.body, inner)
    if isinstance(expr, BufferLoad) and expr.buffer is TIR_OPAQUE_BUFFER:
        return tir_opaque_load_value(expr.buffer, int(eval_tir_int_expr(expr.indices[0], env)))
    if isinstance(expr, Call):
        name = getattr(expr.op, "name", "")
        if name == "if_then_else":
            cond = eval_tir_int_expr(expr.args[0], env)
            return eval_tir_int_expr(expr.args[1] if cond else expr.args[2], env)
        if name in _TIR_INTRINSICS:
            return _TIR_INTRINSICS[name](*(int(eval_tir_int_expr(a, env)) for a in expr.args))
    raise NotImplementedError(f"the test oracle cannot evaluate {type(expr).__name__}")


def tir_expr_text(expr: PrimExpr) -> str:
    """Readable text of an expression for assertion messages (falls back to the repr)."""
    try:
        return str(expr)
    except Exception:
        return repr(expr)
