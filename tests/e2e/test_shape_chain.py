"""A reshape / permute / concat / split chain over a symbolic batch."""

import numpy as np
from graph_models import size, tensor

import loom
from loom.ir import graph as G
from loom.ir.graph import op as R


def chain():
    n = size("n")
    x = tensor("x", (n, 6))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            a = bb.emit(R.reshape(x, (n, 2, 3)))
            b = bb.emit(R.permute_dims(a, (1, 0, 2)))  # (2, n, 3)
            c = bb.emit(R.concat((b, b), axis=1))  # (2, 2n, 3)
            parts = bb.emit(R.split(c, 2, axis=1))  # two of (2, n, 3)
            d = bb.emit(R.subtract(G.TupleGetItem(parts, 0), G.TupleGetItem(parts, 1)))
            e = bb.emit(R.add(bb.emit(G.TupleGetItem(parts, 1)), d))
            out = bb.emit_output(R.reshape(e, (-1,)))
        bb.emit_func_output(out)
    return bb.get()


def reference(x):
    b = x.reshape(len(x), 2, 3).transpose(1, 0, 2)
    first, second = np.split(np.concatenate((b, b), axis=1), 2, axis=1)
    return (second + (first - second)).reshape(-1)


def test_shape_chain_matches_numpy_at_two_batch_sizes():
    vm = loom.VirtualMachine(loom.compile(chain()))
    for n in (1, 4):
        x = np.arange(n * 6, dtype="float32").reshape(n, 6) * 0.5
        out = vm["main"](x).numpy()
        assert out.shape == (n * 6,)
        np.testing.assert_array_equal(out, reference(x))
