"""Fixtures the operator tests share: infer, legalize one op call, run its prim_func, round-trip.

``infer(call)`` normalizes a call and returns its struct info and the run-time checks that
inference could not discharge; ``assert_shape(sinfo, shape)`` compares a tensor's sizes
(ints or symbolic) by proof rather than by form.
``legalize(make, params)`` builds ``main(params) = make(*params)`` with a `BlockBuilder`,
legalizes the op call through its registry entry, checks that the generated prim_func prints
and parses back to itself and that its output shapes agree with the call's inferred struct
info, and returns a `Legalized` whose `run` executes the prim_func with the TIR interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from loom.ir import assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.tir.arith import Analyzer, substitute
from loom.script import from_source


def assert_roundtrip(func: tir.PrimFunc) -> None:
    """`func` prints to text that parses back to a structurally equal prim_func."""
    text = func.script()
    assert_structural_equal(from_source(text), func)


@dataclass
class Legalized:
    """An op call, its legalization (a ``call_dps``) and the prim_func that call runs."""

    call: G.Call
    dps: G.Call
    func: tir.PrimFunc
    params: tuple[G.Var, ...]

    def sizes(self, *arrays: np.ndarray) -> dict[tir.Var, int]:
        """The value of every symbolic size of the parameters, read off `arrays`."""
        env: dict[tir.Var, int] = {}
        for param, array in zip(self.params, arrays, strict=True):
            for dim, size in zip(param.struct_info.values, array.shape, strict=True):
                if isinstance(dim, tir.Var):
                    env[dim] = size
        return env

    def run(self, *arrays: np.ndarray) -> np.ndarray | tuple[np.ndarray, ...]:
        """Run the prim_func on `arrays` (one per graph parameter); return its output(s)."""
        env = {v: tir.const(n, v.dtype) for v, n in self.sizes(*arrays).items()}
        analyzer = Analyzer()

        def evaluate(e: tir.PrimExpr) -> int:
            value = analyzer.simplify(substitute(e, env))
            assert isinstance(value, tir.IntImm), f"size {e} is not known from the inputs"
            return value.value

        sinfo = self.dps.sinfo_args[0]
        infos = sinfo.fields if isinstance(sinfo, G.TupleStructInfo) else (sinfo,)
        outs = [np.zeros(tuple(evaluate(d) for d in s.values), dtype=str(s.dtype)) for s in infos]
        scalars = [evaluate(v) for v in self.dps.args[2].values] if len(self.dps.args) > 2 else []
        inputs = [np.ascontiguousarray(a) for a in arrays]
        tir.interpret(self.func, *inputs, *outs, *scalars)
        return outs[0] if len(outs) == 1 else tuple(outs)


def legalize_call(make: Callable[..., G.Expr], params: list[G.Var]) -> Legalized:
    """Legalize the op call ``make(*params)`` of a one-binding function; check and return it."""
    bb = G.BlockBuilder()
    with bb.function("main", params):
        out = bb.emit(make(*params))
        bb.emit_func_output(out)
    call = bb.get()["main"].body.blocks[-1].bindings[-1].value
    info = G.op_info(call.op)
    assert info.legalize is not None, f"{call.op.name} has no legalization"
    dps = info.legalize(bb, call)
    func = bb.module[dps.args[0].name_hint]
    assert isinstance(func, tir.PrimFunc)
    assert_roundtrip(func)
    _check_same_shape(dps.sinfo_args[0], call.struct_info)
    return Legalized(call, dps, func, tuple(params))


def _check_same_shape(legalized: G.StructInfo, inferred: G.StructInfo) -> None:
    if isinstance(inferred, G.TupleStructInfo):
        assert isinstance(legalized, G.TupleStructInfo)
        for a, b in zip(legalized.fields, inferred.fields, strict=True):
            _check_same_shape(a, b)
        return
    assert legalized.dtype == inferred.dtype, (legalized.dtype, inferred.dtype)
    analyzer = Analyzer()
    for a, b in zip(legalized.values, inferred.values, strict=True):
        assert analyzer.can_prove_equal(a, b), f"legalized size {a} != inferred size {b}"


def infer_call(call: G.Call) -> tuple[G.StructInfo, list]:
    """The struct info of `call` and the run-time checks its inference recorded."""
    normalizer = G.Normalizer()
    return normalizer.normalize(call).struct_info, normalizer.checks


def check_shape(sinfo: G.StructInfo, shape: tuple) -> None:
    """`sinfo` is a tensor whose sizes provably equal `shape`."""
    assert isinstance(sinfo, G.TensorStructInfo), sinfo
    assert sinfo.values is not None, f"{sinfo} has no known shape"
    assert len(sinfo.values) == len(shape), (sinfo.values, shape)
    analyzer = Analyzer()
    for got, want in zip(sinfo.values, shape, strict=True):
        assert analyzer.can_prove_equal(got, want), f"size {got} != {want} in {sinfo.values}"


@pytest.fixture
def infer() -> Callable[[G.Call], tuple[G.StructInfo, list]]:
    """Normalize a call; see `infer_call`."""
    return infer_call


@pytest.fixture
def assert_shape() -> Callable[[G.StructInfo, tuple], None]:
    """Compare a tensor struct info's shape by proof; see `check_shape`."""
    return check_shape


@pytest.fixture
def roundtrip() -> Callable[[tir.PrimFunc], None]:
    """Assert that a prim_func prints and parses back to itself."""
    return assert_roundtrip


@pytest.fixture
def legalize() -> Callable[[Callable[..., G.Expr], list[G.Var]], Legalized]:
    """Legalize one op call; see `legalize_call`."""
    return legalize_call
