"""Random te programs (elementwise, broadcast, reduction) and their interpreter-based comparison."""

from __future__ import annotations

# =============================================================================================
# TIR programs built with te (lowering-pass equivalence)
#
# `te_programs` draws prim_funcs the way operators are written: elementwise maps, broadcasts
# (an input with fewer or unit dimensions), reductions (sum/max/min, constant or symbolic
# extent, possibly offset), and two-stage chains whose middle stage becomes an intermediate
# buffer. Extents are small constants or symbolic sizes shared between tensors; `schedule`
# then marks loops parallel, vectorized or unrolled, as a schedule would. Values stay small, so
# int32 arithmetic never overflows. `TeProgram.args` makes interpreter arguments for one
# assignment of the sizes.
import dataclasses as _dataclasses
from collections.abc import Mapping, Sequence

import numpy as _np
from hypothesis import strategies as _st

from loom.ir import DataType as _DataType
from loom.ir import Mutator as _Mutator
from loom.ir import tir as _tir
from loom.ir.tir import te as _te
from loom.ir.tir.arith import free_vars as _free_vars

from .int_exprs import eval_tir_int_expr


@_dataclasses.dataclass(frozen=True)
class TeProgram:
    """A te-built prim_func and the symbolic sizes its shapes use."""

    func: _tir.PrimFunc
    sizes: tuple[_tir.Var, ...]

    def args(self, seed: int, values: Mapping[str, int]) -> list[_np.ndarray]:
        """Random arrays for the buffer params, with each size variable set from `values`."""
        rng = _np.random.default_rng(seed)
        env = {v: values[v.name_hint] for v in self.sizes}
        out = []
        for param in self.func.params:
            buffer = self.func.buffer_map[param]
            shape = tuple(eval_tir_int_expr(e, env) for e in buffer.shape)
            if buffer.dtype.is_float:
                out.append(rng.uniform(-2, 2, shape).astype(buffer.dtype.numpy))
            else:
                out.append(rng.integers(-6, 7, shape).astype(buffer.dtype.numpy))
        return out


_TE_SIZE_NAMES = ("n", "m")


@_st.composite
def _te_extent(draw, sizes: list[_tir.Var]) -> _tir.PrimExpr:
    if sizes and draw(_st.integers(0, 2)) == 0:
        return draw(_st.sampled_from(sizes))
    return _tir.IntImm("int32", draw(_st.integers(1, 6)))


@_st.composite
def _te_value(draw, t: _DataType, leaves: list, depth: int) -> _tir.PrimExpr:
    """An expression over `leaves` (loads and constants) of dtype `t`."""
    if depth <= 0 or draw(_st.integers(0, 2)) == 0:
        leaf = draw(_st.sampled_from(leaves))
        return leaf() if callable(leaf) else leaf
    kind = draw(_st.sampled_from(["add", "sub", "mul", "max", "min", "select", "unary"]))
    a = draw(_te_value(t, leaves, depth - 1))
    b = draw(_te_value(t, leaves, depth - 1))
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "max":
        return _tir.max_(a, b)
    if kind == "min":
        return _tir.min_(a, b)
    if kind == "select":
        return _tir.Select(a < b, a, b)
    if t.is_float:
        name = draw(_st.sampled_from(["exp", "sigmoid", "tanh", "fabs", "rsqrt", "floor"]))
        if name in ("exp", "rsqrt"):
            a = _tir.unary("fabs", a) + _tir.const(0.5, t) if name == "rsqrt" else a * 0.25
        return _tir.unary(name, a)
    return _tir.max_(a, _tir.const(-3, t)) if draw(_st.booleans()) else a // 2


@_st.composite
def te_programs(draw, symbolic: bool = True) -> TeProgram:
    """A random elementwise, broadcast, reduction or two-stage prim_func."""
    t = _DataType.parse(draw(_st.sampled_from(["float32", "float32", "int32"])))
    sizes = [_tir.Var(n, "int32") for n in _TE_SIZE_NAMES] if symbolic else []
    rank = draw(_st.integers(1, 3))
    shape = [draw(_te_extent(sizes)) for _ in range(rank)]
    a = _te.placeholder(tuple(shape), t, "A")
    kept = [d for d in range(rank) if draw(_st.booleans())] or [rank - 1]
    b_shape = tuple(shape[d] if draw(_st.integers(0, 3)) else _tir.IntImm("int32", 1) for d in kept)
    b = _te.placeholder(b_shape, t, "B")

    def b_at(idx):
        return b[tuple(idx[d] if not _is_one(e) else 0 for d, e in zip(kept, b_shape))]

    kind = draw(_st.sampled_from(["elementwise", "reduction", "chain"]))
    depth = 2 if kind != "chain" else 1
    consts = [_tir.const(draw(_st.sampled_from([0.5, 2.0, -1.0])) if t.is_float else
                         draw(_st.integers(-3, 3)), t)]  # fmt: skip

    def value(idx):
        leaves = [lambda: a[tuple(idx)], lambda: b_at(idx), *consts]
        return draw(_te_value(t, leaves, depth))

    if kind == "reduction":
        low = draw(_st.integers(0, 1))
        extent = draw(_te_extent(sizes))
        k = _te.reduce_axis((low, extent) if low else extent, "k")
        reducer = draw(_st.sampled_from([_te.sum, _te.max, _te.min]))
        out_shape = shape[:-1] or [_tir.IntImm("int32", 1)]
        a = _te.placeholder((*shape[:-1], extent), t, "A")

        def reduced(*idx):
            lead = idx[: rank - 1]
            return reducer(draw(_te_value(t, [lambda: a[(*lead, k)], *consts], 1)), axis=k)

        c = _te.compute(tuple(out_shape), reduced, "C")
        tensors = [a, c]
    elif kind == "chain":
        mid = _te.compute(tuple(shape), lambda *idx: value(idx), "T")
        c = _te.compute(tuple(shape), lambda *idx: mid[idx] * consts[0] + a[idx], "C")
        tensors = [a, b, c]
    else:
        c = _te.compute(tuple(shape), lambda *idx: value(idx), "C")
        tensors = [a, b, c]
    func = _te.create_prim_func(tensors)
    used = [v for v in sizes if any(_uses_var(p, v) for p in func.buffer_map.values())]
    return TeProgram(func, tuple(used))


def _is_one(e: _tir.PrimExpr) -> bool:
    return isinstance(e, _tir.IntImm) and e.value == 1


def _uses_var(buffer: _tir.Buffer, var: _tir.Var) -> bool:
    return any(var in _free_vars(e) for e in buffer.shape)


class _Scheduler(_Mutator):
    def __init__(self, kinds: list[_tir.ForKind]):
        super().__init__()
        self.kinds = kinds

    def visit_for(self, loop: _tir.For) -> _tir.For:
        body = self.visit(loop.body)
        kind = self.kinds.pop() if self.kinds else _tir.ForKind.SERIAL
        return _dataclasses.replace(loop, body=body, kind=kind)


@_st.composite
def scheduled(draw, program: TeProgram) -> TeProgram:
    """`program` with its loops marked serial, parallel, vectorized or unrolled at random."""
    choices = [_tir.ForKind.SERIAL, _tir.ForKind.PARALLEL, _tir.ForKind.VECTORIZED,
               _tir.ForKind.UNROLLED]  # fmt: skip
    kinds = draw(_st.lists(_st.sampled_from(choices), min_size=8, max_size=8))
    body = _Scheduler(kinds).visit(program.func.body)
    return TeProgram(_dataclasses.replace(program.func, body=body), program.sizes)


TE_SIZES = ({"n": 1, "m": 3}, {"n": 5, "m": 2})  # two assignments of the symbolic sizes


def assert_same_results(
    program: TeProgram, after: _tir.PrimFunc, sizes: Sequence[Mapping[str, int]] = TE_SIZES
) -> None:
    """Run `program` and `after` in the reference interpreter on the same random arguments
    (at each assignment of the sizes) and require the same outputs (floats: within 1e-5)."""
    for seed, values in enumerate(sizes):
        expected, actual = program.args(seed, values), program.args(seed, values)
        _tir.interpret(program.func, *expected)
        _tir.interpret(after, *actual)
        for want, got in zip(expected, actual):
            _np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
