"""Reductions over symbolic shapes (sum, mean, max, variance, argmax), returned as a tuple."""

import numpy as np
from graph_models import size, tensor

import loom
from loom.ir import graph as G
from loom.ir.graph import op as R


def reductions():
    n, m = size("n"), size("m")
    x = tensor("x", (n, m))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            outs = [
                bb.emit_output(R.sum(x, axis=1, keepdims=True)),
                bb.emit_output(R.mean(x)),
                bb.emit_output(R.max(x, axis=0)),
                bb.emit_output(R.variance(x, axis=1)),
                bb.emit_output(R.argmax(x, axis=1)),
            ]
        bb.emit_func_output(G.Tuple(tuple(outs)))
    return bb.get()


def test_reductions_match_numpy_at_two_shapes():
    vm = loom.VirtualMachine(loom.compile(reductions()))
    rng = np.random.default_rng(3)
    for shape in ((2, 5), (7, 3)):
        x = rng.standard_normal(shape).astype("float32")
        got = [t.numpy() for t in vm["main"](x)]
        expected = [x.sum(1, keepdims=True), x.mean(), x.max(0), x.var(1), x.argmax(1)]
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert g.shape == e.shape
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
