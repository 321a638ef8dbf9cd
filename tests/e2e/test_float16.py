"""float16 compute: cast in with astype, compute in half precision, cast back."""

import numpy as np
from graph_models import size, tensor

import loom
from loom.ir import graph as G
from loom.ir.graph import op as R


def half_precision():
    n = size("n")
    x, w = tensor("x", (n, 8)), tensor("w", (8, 4))
    bb = G.BlockBuilder()
    with bb.function("main", [x, w]):
        with bb.dataflow():
            xh = bb.emit(R.astype(x, "float16"))
            wh = bb.emit(R.astype(w, "float16"))
            y = bb.emit(R.matmul(xh, wh))
            z = bb.emit(R.relu(bb.emit(R.add(y, bb.emit(R.multiply(y, y))))))
            out = bb.emit_output(R.astype(z, "float32"))
        bb.emit_func_output(out)
    return bb.get()


def test_float16_pipeline_matches_numpy_at_two_batch_sizes():
    ex = loom.compile(half_precision())
    assert "float16" in ex.as_text()  # the kernels in between really are half precision
    vm = loom.VirtualMachine(ex)
    rng = np.random.default_rng(4)
    w = (rng.standard_normal((8, 4)) * 0.3).astype("float32")
    for n in (1, 6):
        x = (rng.standard_normal((n, 8)) * 0.3).astype("float32")
        y = x.astype("float16").astype("float32") @ w.astype("float16").astype("float32")
        expected = np.maximum(y + y * y, 0)
        out = vm["main"](x, w)
        assert out.dtype == loom.ir.dtype("float32")
        np.testing.assert_allclose(out.numpy(), expected, rtol=2e-2, atol=2e-2)
