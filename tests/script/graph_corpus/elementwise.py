"""Graph corpus: elementwise operators: unary math, broadcasting binaries with symbolic sizes,
comparisons, logical operators and `where`."""

import math

import numpy as np

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import Reference, case, rand


@I.ir_module
class UnaryChain:
    @R.function
    def main(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        with R.dataflow():
            a = R.abs(x)
            b = R.sqrt(a)
            c = R.exp(R.negative(b))
            d = R.log(R.add(c, R.const(1.0, "float32")))
            e = R.rsqrt(R.add(a, R.const(1.0, "float32")))
            f = R.multiply(R.sin(x), R.cos(x))
            g = R.tanh(R.sigmoid(f))
            h = R.erf(R.square(g))
            i = R.add(R.add(d, e), h)
            R.output(i)
        return i


def _unary(x):
    a = np.abs(x)
    d = np.log(np.exp(-np.sqrt(a)) + 1)
    e = 1 / np.sqrt(a + 1)
    g = np.tanh(1 / (1 + np.exp(-(np.sin(x) * np.cos(x)))))
    return d + e + np.vectorize(math.erf)(g * g).astype(np.float32)


@I.ir_module
class RoundingOps:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32")):
        with R.dataflow():
            lo = R.floor(x)
            hi = R.ceil(x)
            near = R.round(x)
            sgn = R.sign(x)
            clipped = R.clip(x, min=-1.5, max=1.5)
            R.output(lo, hi, near, sgn, clipped)
        return (lo, hi, near, sgn, clipped)


def _rounding(x):
    return (np.floor(x), np.ceil(x), np.round(x), np.sign(x), np.clip(x, -1.5, 1.5))


@I.ir_module
class BroadcastArith:
    @R.function
    def main(
        a: R.Tensor(("n", 1, "m"), "float32"),
        b: R.Tensor(("k", 1), "float32"),
        c: R.Tensor(("m",), "float32"),
    ) -> R.Tensor(("n", "k", "m"), "float32"):
        n = T.int64()
        k = T.int64()
        m = T.int64()
        with R.dataflow():
            s: R.Tensor((n, k, m), "float32") = R.add(a, b)
            d = R.subtract(s, c)
            p = R.multiply(d, R.const(0.5, "float32"))
            q = R.divide(p, R.add(R.square(c), R.const(1.0, "float32")))
            mx = R.maximum(q, R.minimum(a, b))
            pw = R.power(R.abs(mx), R.const(2.0, "float32"))
            fd = R.floor_divide(pw, R.const(0.25, "float32"))
            R.output(fd)
        return fd


def _broadcast(a, b, c):
    q = (a + b - c) * np.float32(0.5) / (c * c + 1)
    mx = np.maximum(q, np.minimum(a, b))
    return np.floor_divide(np.abs(mx) ** 2, np.float32(0.25))


@I.ir_module
class CompareSelect:
    @R.function
    def main(x: R.Tensor(("n",), "float32"), y: R.Tensor(("n",), "float32")) -> R.Tensor(
        ("n",), "float32"
    ):
        with R.dataflow():
            lt = R.less(x, y)
            le = R.less_equal(x, R.const(0.0, "float32"))
            gt = R.greater(x, R.const(0.5, "float32"))
            ge = R.greater_equal(y, x)
            eq = R.equal(x, y)
            ne = R.not_equal(x, y)
            both = R.logical_and(lt, ne)
            either = R.logical_or(R.logical_or(le, gt), R.logical_and(ge, eq))
            mask = R.logical_and(both, R.logical_not(either))
            out = R.where(mask, x, y)
            R.output(out)
        return out


def _compare(x, y):
    both = (x < y) & (x != y)
    either = (x <= 0) | (x > 0.5) | ((y >= x) & (x == y))
    return np.where(both & ~either, x, y)


CASES = [
    case(
        "UnaryChain",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],))], _unary, sizes=({"n": 3}, {"n": 17}), atol=1e-5
        ),
    ),
    case(
        "RoundingOps",
        Reference(lambda rng, s: [rand(rng, (s["n"], 4), lo=-3, hi=3)], _rounding, ({"n": 5},)),
    ),
    case(
        "BroadcastArith",
        Reference(
            lambda rng, s: [
                rand(rng, (s["n"], 1, s["m"])),
                rand(rng, (s["k"], 1)),
                rand(rng, (s["m"],)),
            ],
            _broadcast,
            sizes=({"n": 2, "k": 3, "m": 4}, {"n": 1, "k": 5, "m": 2}),
            atol=1e-4,
        ),
    ),
    case(
        "CompareSelect",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],)), rand(rng, (s["n"],))],
            _compare,
            sizes=({"n": 9},),
        ),
    ),
]
