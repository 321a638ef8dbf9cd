"""graph_lowering_passes: the passes in order, each output verified, programs still right."""

import numpy as np
import pytest

from loom.ir import IRModule, ParseError
from loom.script import from_source
from loom.transform import PassContext, PassTiming, Sequential
from loom.transform.graph import graph_lowering_passes

PROGRAM = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32"), flag: R.Prim("bool")):
        n = T.int64()
        cls = Module
        with R.dataflow():
            a = R.exp(x)
            parts = R.split(a, 2, axis=1)
            b = R.add(parts[0], parts[1])
            R.output(b)
        c = R.call_packed("observe", b, sinfo_args=R.Object)
        if flag:
            d = cls.twice(b)
        else:
            d = R.multiply(b, b)
        e = R.sum(d, axis=[0])
        return (d, e)

    @R.function
    def twice(y: R.Tensor(("m", 2), "float32")) -> R.Tensor(("m", 2), "float32"):
        z = R.add(y, y)
        return z
"""


def test_passes_run_in_order_and_lower_every_op(run_graph):
    mod = from_source(PROGRAM)
    timing = PassTiming()
    with PassContext(instruments=[timing]):
        lowered = Sequential(graph_lowering_passes())(mod)
    names = [r.name for r in timing.records if r.depth == 1]
    assert names == [
        "LegalizeOps",
        "CanonicalizeBindings",
        "ToNonDataflow",
        "LowerCallDPS",
        "CanonicalizeBindings",
        "StaticPlanBlockMemory",
    ]
    text = lowered.script()
    for gone in ("R.exp", "R.split", "R.call_dps", "R.dataflow", "R.sum"):
        assert gone not in text
    seen = []
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    for flag in (True, False):
        want = run_graph(mod, "main", x, flag, packed={"observe": seen.append})
        got = run_graph(lowered, "main", x, flag, packed={"observe": seen.append})
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-6)
    e = np.exp(x)
    np.testing.assert_allclose(seen[-1], e[:, :2] + e[:, 2:], rtol=1e-6)


def test_lowering_a_lowered_module_changes_nothing():
    lowered = Sequential(graph_lowering_passes())(from_source(PROGRAM))
    assert Sequential(graph_lowering_passes())(lowered) is lowered


def test_a_direct_prim_func_call_with_wrong_arguments_does_not_parse():
    lowered = Sequential(graph_lowering_passes())(from_source(PROGRAM))
    text = lowered.script()
    assert "cls.exp(x, " in text
    broken = text.replace("cls.exp(x, ", "cls.exp(", 1)
    with pytest.raises(ParseError, match="takes 2 arguments"):
        from_source(broken)
    assert isinstance(from_source(text), IRModule)
