"""Every executable corpus program runs in the reference interpreter and matches numpy (at two
sizes where its shapes are symbolic); inputs it does not write stay untouched."""

import zlib

import numpy as np
import pytest
from corpora import tir_corpus

from loom.ir import IRModule
from loom.ir.tir import IntImm, interpret

CASES = tir_corpus().load().cases
RUNS = [
    pytest.param(case, ref, sizes, id="-".join(filter(None, [case.name, ref.function, str(k)])))
    for case in CASES
    for ref in case.refs
    for k, sizes in enumerate(ref.sizes)
]


def _snapshot(value):
    return value.copy() if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize(("case", "ref", "sizes"), RUNS)
def test_matches_numpy(case, ref, sizes):
    program = case.get()
    func = program[ref.function] if isinstance(program, IRModule) else program
    rng = np.random.default_rng(zlib.crc32(f"{case.name}/{ref.function}/{sizes}".encode()))
    args = ref.args(rng, sizes)
    before = [_snapshot(a) for a in args]
    interpret(func, *args, **ref.kwargs())
    expected = ref.expected(*[_snapshot(a) for a in before])
    for k, arg in enumerate(args):
        if not isinstance(arg, np.ndarray):
            continue
        if k not in expected:
            np.testing.assert_array_equal(arg, before[k], err_msg=f"input {k} was modified")
            continue
        want = np.asarray(expected[k])
        assert arg.shape == want.shape, f"output {k}: shape {arg.shape}, expected {want.shape}"
        assert not np.array_equal(want, before[k]), f"output {k}: the reference checks nothing"
        if np.issubdtype(arg.dtype, np.floating) or arg.dtype.name == "bfloat16":
            np.testing.assert_allclose(
                arg.astype(np.float64),
                want.astype(np.float64),
                rtol=ref.rtol,
                atol=ref.atol,
                err_msg=f"output {k}",
            )
        else:
            np.testing.assert_array_equal(arg, want.astype(arg.dtype), err_msg=f"output {k}")


def test_every_program_is_executable():
    without = sorted(c.name for c in CASES if not c.refs)
    assert not without, f"corpus programs without a numpy reference: {without}"
    assert len(RUNS) >= 60


def _has_symbolic_shape(func):
    buffers = func.buffer_map.values()
    return any(not isinstance(e, IntImm) for b in buffers for e in (*b.shape, *b.strides))


@pytest.mark.parametrize("case", [c for c in CASES if c.refs], ids=lambda c: c.name)
def test_symbolic_programs_run_at_two_sizes(case):
    program = case.get()
    for ref in case.refs:
        func = program[ref.function] if isinstance(program, IRModule) else program
        if _has_symbolic_shape(func):
            assert len(ref.sizes) >= 2, f"{case.name}: a symbolic program needs two sizes"
    functions = [r.function for r in case.refs]
    if isinstance(program, IRModule):
        assert sorted(functions) == sorted(gv.name_hint for gv in program.functions)
