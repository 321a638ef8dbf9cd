"""Shape arithmetic for operator inference: broadcasting, matmul, reshape, over symbolic sizes.

Each helper asks the analyzer to prove what it needs. A fact that is provably false is a
`StructInfoError` at the call's span. A fact that is neither provable nor refutable makes the
helper pick the result it would have if the fact held, and return a `RuntimeCheck` for it. The
checks are a pure function of the call and its arguments' struct info, so they are not stored in
the IR: the shape-lowering pass (VM issue) re-runs inference with a collecting `InferContext`
and emits each check as an assertion, with its message, before the call executes.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...diagnostics import StructInfoError
from ...span import Span
from ...tir import IntImm, PrimExpr, const, eq, floordiv, floormod, ne
from ...tir.arith import Analyzer, ArithError, free_vars
from ..struct_info import shape_values

_INT64 = "int64"
_MAX_SIZE = 1 << 62


@dataclass(frozen=True, slots=True)
class RuntimeCheck:
    """A condition on symbolic sizes that inference assumed but could not prove."""

    cond: PrimExpr
    message: str
    span: Span | None = None


def assume_sizes(analyzer: Analyzer, exprs: Sequence[PrimExpr]) -> None:
    """Tell `analyzer` that the symbolic sizes in `exprs` are non-negative (what a shape is)."""
    for expr in exprs:
        for var in free_vars(expr):
            if var.dtype.is_integer:
                with contextlib.suppress(ArithError):  # the caller already knows more about it
                    analyzer.bind(var, (0, _MAX_SIZE))


def _is_one(analyzer: Analyzer, e: PrimExpr) -> bool:
    return analyzer.can_prove_equal(e, const(1, _INT64))


def _never(analyzer: Analyzer, cond: PrimExpr) -> bool:
    return analyzer.can_prove(ne(cond, const(True, "bool")))


def broadcast_shapes(
    a: Sequence[PrimExpr], b: Sequence[PrimExpr], analyzer: Analyzer, span: Span | None = None
) -> tuple[tuple[PrimExpr, ...], list[RuntimeCheck]]:
    """Broadcast two shapes numpy-style (align right; a size 1 stretches).

    Returns the result shape and the checks it relies on. Raises `StructInfoError` naming the
    two sizes when they are provably different and neither is 1.
    """
    a, b = shape_values(a), shape_values(b)
    assume_sizes(analyzer, [*a, *b])
    rank = max(len(a), len(b))
    a = (const(1, _INT64),) * (rank - len(a)) + tuple(a)
    b = (const(1, _INT64),) * (rank - len(b)) + tuple(b)
    out, checks = [], []
    for axis, (x, y) in enumerate(zip(a, b, strict=True)):
        if _is_one(analyzer, y) or analyzer.can_prove_equal(x, y):
            out.append(x)
        elif _is_one(analyzer, x):
            out.append(y)
        else:
            ok = eq(x, y) | eq(y, const(1, _INT64))
            if _never(analyzer, ok) and analyzer.can_prove(ne(x, const(1, _INT64))):
                raise StructInfoError(
                    f"cannot broadcast size {dim_text(x)} with size {dim_text(y)} "
                    f"(axis {axis} of the result)",
                    span,
                )
            # Unknown: assume `y` is 1 or equal to `x`, which makes `x` the result size.
            out.append(x)
            checks.append(
                RuntimeCheck(
                    ok, f"broadcast: size {dim_text(y)} must be 1 or equal to {dim_text(x)}", span
                )
            )
    return tuple(out), checks


def matmul_shape(
    a: Sequence[PrimExpr], b: Sequence[PrimExpr], analyzer: Analyzer, span: Span | None = None
) -> tuple[tuple[PrimExpr, ...], list[RuntimeCheck]]:
    """The result shape of ``a @ b`` with numpy semantics.

    A 1-D left operand is a row (its 1 is dropped from the result), a 1-D right operand a
    column; leading (batch) dimensions broadcast. The inner sizes must be equal.
    """
    if not a or not b:
        raise StructInfoError("matmul operands must have at least one dimension", span)
    a, b = shape_values(a), shape_values(b)
    assume_sizes(analyzer, [*a, *b])
    a_vec, b_vec = len(a) == 1, len(b) == 1
    a2 = (const(1, _INT64), *a) if a_vec else tuple(a)
    b2 = (*b, const(1, _INT64)) if b_vec else tuple(b)
    k_a, k_b = a2[-1], b2[-2]
    checks: list[RuntimeCheck] = []
    if not analyzer.can_prove_equal(k_a, k_b):
        if analyzer.can_prove(ne(k_a, k_b)):
            raise StructInfoError(
                f"matmul inner sizes differ: {dim_text(k_a)} (last of the left operand) vs "
                f"{dim_text(k_b)} "
                f"({'only' if b_vec else 'second-to-last'} of the right operand)",
                span,
            )
        checks.append(
            RuntimeCheck(
                eq(k_a, k_b),
                f"matmul: inner sizes {dim_text(k_a)} and {dim_text(k_b)} must be equal",
                span,
            )
        )
    batch, batch_checks = broadcast_shapes(a2[:-2], b2[:-2], analyzer, span)
    out = list(batch)
    if not a_vec:
        out.append(a2[-2])
    if not b_vec:
        out.append(b2[-1])
    return tuple(out), checks + batch_checks


def reshape_shape(
    src: Sequence[PrimExpr],
    new: Sequence[PrimExpr | int],
    analyzer: Analyzer,
    span: Span | None = None,
) -> tuple[tuple[PrimExpr, ...], list[RuntimeCheck]]:
    """The shape `src` takes when reshaped to `new`, where at most one size is -1 (inferred).

    The element count must be preserved: provably different counts are an error; an unknown
    relation is a run-time check (and for -1, that the known sizes divide the count).
    """
    src, sizes = shape_values(src), list(shape_values(new))
    holes = [i for i, v in enumerate(sizes) if _const(v) == -1]
    if len(holes) > 1:
        raise StructInfoError("reshape may infer at most one size (-1)", span)
    for v in sizes:
        c = _const(v)
        if c is not None and c < -1:
            raise StructInfoError(f"reshape to a negative size {c}", span)
    assume_sizes(analyzer, [*src, *sizes])
    total = analyzer.simplify(_product(src))
    known = analyzer.simplify(_product([v for i, v in enumerate(sizes) if i not in holes]))
    checks: list[RuntimeCheck] = []
    if holes:
        rem = floormod(total, known)
        if analyzer.can_prove(ne(rem, const(0, _INT64))):
            raise StructInfoError(
                f"cannot reshape {_fmt(src)} ({dim_text(total)} elements) to {_fmt(sizes)}: "
                f"{dim_text(known)} does not divide the count",
                span,
            )
        if not analyzer.can_prove_equal(rem, const(0, _INT64)):
            checks.append(
                RuntimeCheck(
                    eq(rem, 0),
                    f"reshape: {dim_text(known)} must divide {dim_text(total)} elements",
                    span,
                )
            )
        sizes[holes[0]] = analyzer.simplify(floordiv(total, known))
        return tuple(sizes), checks
    if not analyzer.can_prove_equal(total, known):
        if analyzer.can_prove(ne(total, known)):
            raise StructInfoError(
                f"cannot reshape {_fmt(src)} ({dim_text(total)} elements) to {_fmt(sizes)} "
                f"({dim_text(known)} elements)",
                span,
            )
        checks.append(
            RuntimeCheck(
                eq(total, known),
                f"reshape: {dim_text(total)} elements must equal {dim_text(known)}",
                span,
            )
        )
    return tuple(sizes), checks


def _const(v: PrimExpr) -> int | None:
    return v.value if isinstance(v, IntImm) else None


def _product(values: Sequence[PrimExpr]) -> PrimExpr:
    out: PrimExpr = const(1, _INT64)
    for v in values:
        out = out * v
    return out


_INT64_LITERAL = re.compile(r"T\.int64\((-?\d+)\)")


def dim_text(value: PrimExpr) -> str:
    """A size as a message shows it: ``n * 4``, not ``n * T.int64(4)``."""
    return _INT64_LITERAL.sub(r"\1", str(value))


def _fmt(values: Sequence[PrimExpr]) -> str:
    return "(" + ", ".join(dim_text(v) for v in values) + ("," if len(values) == 1 else "") + ")"


__all__ = [
    "RuntimeCheck",
    "assume_sizes",
    "broadcast_shapes",
    "matmul_shape",
    "reshape_shape",
]
