"""Graph corpus: reductions over axis lists with keepdims, arg-reductions and cumulative sums."""

import numpy as np

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import Reference, case, rand


@I.ir_module
class Reductions:
    @R.function
    def main(x: R.Tensor(("n", 4, 6), "float32")):
        n = T.int64()
        with R.dataflow():
            total: R.Tensor((n,), "float32") = R.sum(x, axis=[1, 2])
            avg = R.mean(x, axis=[0], keepdims=True)
            hi = R.max(x, axis=[-1])
            lo = R.min(x, axis=[1], keepdims=False)
            prod = R.prod(x, axis=[2], keepdims=True)
            var = R.variance(x, axis=[0, 2])
            everything = R.sum(x)
            R.output(total, avg, hi, lo, prod, var, everything)
        return (total, avg, hi, lo, prod, var, everything)


def _reductions(x):
    return (
        x.sum(axis=(1, 2)),
        x.mean(axis=0, keepdims=True),
        x.max(axis=-1),
        x.min(axis=1),
        x.prod(axis=2, keepdims=True),
        x.var(axis=(0, 2)),
        x.sum(),
    )


@I.ir_module
class ArgReduce:
    @R.function
    def main(x: R.Tensor(("n", "m"), "float32")):
        with R.dataflow():
            best = R.argmax(x, axis=1)
            worst = R.argmin(x, axis=0, keepdims=True)
            flat_best = R.argmax(x)
            running = R.cumsum(x, axis=1)
            exclusive = R.cumsum(x, axis=0, dtype="float64", exclusive=True)
            R.output(best, worst, flat_best, running, exclusive)
        return (best, worst, flat_best, running, exclusive)


def _arg_reduce(x):
    x64 = x.astype(np.float64)
    exclusive = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum(x64, axis=0)[:-1]])
    return (
        x.argmax(axis=1),
        x.argmin(axis=0)[None, :],
        x.argmax(),
        np.cumsum(x, axis=1),
        exclusive,
    )


CASES = [
    case(
        "Reductions",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 4, 6), lo=0.5, hi=1.5)],
            _reductions,
            sizes=({"n": 1}, {"n": 3}),
            rtol=1e-4,
            atol=1e-4,
        ),
    ),
    case(
        "ArgReduce",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], s["m"]))],
            _arg_reduce,
            sizes=({"n": 3, "m": 5}, {"n": 6, "m": 2}),
            atol=1e-5,
        ),
    ),
]
