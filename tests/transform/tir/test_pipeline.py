"""lower_tir_pipeline: the whole TIR lowering keeps every program's meaning and leaves the IR in
the form the code generators read (flat accesses, no blocks, no vectorized loops, planned
storage)."""

import zlib

import numpy as np
import pytest
from corpora import tir_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import assert_same_results, scheduled, te_programs

from loom.ir import IRModule, Visitor
from loom.ir.tir import ForKind, interpret, well_formed
from loom.transform import PassContext, PassTiming, VerifyIR, check_round_trip
from loom.transform.tir import lower_tir_pipeline


def test_the_passes_run_in_order():
    names = [p.name for p in lower_tir_pipeline().passes]
    assert names == [
        "LowerBlocks",
        "FlattenBuffers",
        "LowerIntrinsics",
        "Simplify",
        "UnrollLoops",
        "VectorizeLoops",
        "Simplify",
        "AllocateStorage",
    ]
    assert "Simplify" not in [p.name for p in lower_tir_pipeline(opt_level=0).passes]


class _Lowered(Visitor):
    """Checks the contract of lowered TIR while walking it."""

    def visit_block(self, node):
        raise AssertionError(f"block {node.name_hint} left after lowering")

    def visit_block_realize(self, node):
        raise AssertionError("block realize left after lowering")

    def visit_for(self, node):
        assert node.kind is not ForKind.VECTORIZED
        assert node.kind is not ForKind.UNROLLED or not hasattr(node.extent, "value")
        self.generic_visit(node)

    def visit_allocate(self, node):
        assert len(node.extents) == 1
        assert node.annotations["storage"] in ("stack", "heap")
        self.generic_visit(node)

    def _flat(self, buffer):
        assert buffer.ndim == 1
        assert not buffer.strides
        assert buffer.elem_offset.value == 0

    def visit_buffer_load(self, node):
        self._flat(node.buffer)
        self.generic_visit(node)

    def visit_buffer_store(self, node):
        self._flat(node.buffer)
        self.generic_visit(node)

    def visit_buffer(self, node):
        """Buffer fields are declarations."""


def check_lowered(func):
    well_formed(func, allow_undeclared_views=False)
    _Lowered().visit(func.body)


# ---------------------------------------------------------------------------------------------
# The TIR corpus of the script tests: every executable program, lowered, still matches numpy.


CASES = [c for c in tir_corpus().load().cases if c.refs]
RUNS = [
    pytest.param(case, ref, sizes, id="-".join(filter(None, [case.name, ref.function, str(k)])))
    for case in CASES
    for ref in case.refs
    for k, sizes in enumerate(ref.sizes)
]
_LOWERED: dict[str, IRModule] = {}


def _module(func) -> IRModule:
    return IRModule.from_functions({"main": func})


def _lowered(case) -> IRModule:
    if case.name not in _LOWERED:
        program = case.get()
        module = program if isinstance(program, IRModule) else _module(program)
        _LOWERED[case.name] = lower_tir_pipeline()(module)
    return _LOWERED[case.name]


@pytest.mark.parametrize(("case", "ref", "sizes"), RUNS)
def test_lowered_corpus_program_matches_numpy(case, ref, sizes):
    module = _lowered(case)
    func = module[ref.function] if ref.function else next(iter(module.functions.values()))
    check_lowered(func)
    rng = np.random.default_rng(zlib.crc32(f"{case.name}/{ref.function}/{sizes}".encode()))
    args = ref.args(rng, sizes)
    before = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    interpret(func, *args, **ref.kwargs())
    expected = ref.expected(*before)
    for k, want in expected.items():
        got = args[k]
        if np.issubdtype(got.dtype, np.floating) or got.dtype.name == "bfloat16":
            np.testing.assert_allclose(
                got.astype(np.float64), np.asarray(want, np.float64), rtol=ref.rtol, atol=ref.atol
            )
        else:
            np.testing.assert_array_equal(got, np.asarray(want).astype(got.dtype))


def test_the_corpus_lowers_under_another_configuration():
    config = {"tir.vector_width": 4, "tir.unroll_max_extent": 2, "tir.stack_limit_bytes": 64}
    timing = PassTiming()
    with PassContext(config=config, instruments=[timing, VerifyIR()]):
        for case in CASES:
            lowered = lower_tir_pipeline()(case.get())
            check_round_trip(lowered if isinstance(lowered, IRModule) else _module(lowered))
    assert timing.total("LowerTIR") > 0


# ---------------------------------------------------------------------------------------------
# Random elementwise, broadcast and reduction programs, scheduled at random.

_CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "tir.vector_width": st.sampled_from([2, 4]),
        "tir.unroll_max_extent": st.sampled_from([0, 2, 4]),
    },
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_lowered_programs_compute_the_same(data, verified_context):
    program = data.draw(scheduled(data.draw(te_programs(symbolic=data.draw(st.booleans())))))
    with verified_context(config=data.draw(_CONFIGS)):
        after = lower_tir_pipeline()(program.func)
    check_lowered(after)
    assert_same_results(program, after)
