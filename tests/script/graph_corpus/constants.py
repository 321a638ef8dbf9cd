"""Graph corpus: constants: scalars and small arrays inline (`R.const`), and arrays too large to
print inline, which the printed file carries in its metadata table."""

import numpy as np

from loom.script import ir as I
from loom.script import relax as R

from ._case import Reference, case, rand

# Weights of the `NumpyWeights` module: Python values the decorator reads from this file's
# globals (so `from_source` of its text needs them too).
PROJECTION = np.linspace(-1.0, 1.0, 6 * 5, dtype="float32").reshape(6, 5)
OFFSETS = np.arange(5, dtype="float32") * np.float32(0.25)


@I.ir_module
class InlineConstants:
    @R.function
    def main(x: R.Tensor(("n", 3), "float32"), i: R.Tensor((2, 2), "int32")):
        with R.dataflow():
            a = R.multiply(x, R.const(2.5, "float32"))
            b = R.add(a, R.const([0.5, -1.0, 1e-07], "float32"))
            c = R.subtract(b, R.const(3.0))
            d = R.add(i, R.const([[1, 2], [3, 4]], "int32"))
            e = R.multiply(d, R.const(-7))
            f = R.logical_and(R.greater(x, R.const(0.0, "float32")), R.const(True))
            g = R.add(R.astype(x, "float64"), R.const(0.1, "float64"))
            h = R.where(R.const([True, False, True], "bool"), x, R.const(0.0, "float32"))
            R.output(c, e, f, g, h)
        return (c, e, f, g, h)


@I.ir_module
class LargeConstants:
    # A constant bound directly to a variable (``w = R.const(<20 values>)``) prints as
    # ``w: ... = metadata["constants"][0]``, which the parser rejects; the constants here are
    # operands, which print and parse back through the table.
    @R.function
    def main(x: R.Tensor(("n", 4), "float32")) -> R.Tensor(("n", 5), "float32"):
        with R.dataflow():
            y = R.matmul(
                x,
                R.const(
                    [
                        [0.1, -0.2, 0.3, -0.4, 0.5],
                        [0.6, -0.7, 0.8, -0.9, 1.0],
                        [1.1, -1.2, 1.3, -1.4, 1.5],
                        [1.6, -1.7, 1.8, -1.9, 2.0],
                    ],
                    "float32",
                ),
            )
            z = R.add(y, R.const([1, 2, 3, 4, 5], "float32"))
            flat = R.reshape(R.const([[i * 0.5 for i in range(6)]] * 3, "float32"), (18,))
            total = R.sum(flat)
            out = R.add(z, total)
            R.output(out)
        return out


def _large(x):
    w = np.array([[0.1 * (5 * r + c + 1) * (-1) ** c for c in range(5)] for r in range(4)])
    w = w.astype(np.float32)
    total = np.float32(sum(i * 0.5 for i in range(6)) * 3)
    return x @ w + np.arange(1, 6, dtype=np.float32) + total


@I.ir_module
class NumpyWeights:
    @R.function
    def main(x: R.Tensor(("n", 6), "float32")) -> R.Tensor(("n", 5), "float32"):
        with R.dataflow():
            y = R.matmul(x, PROJECTION)
            z = R.add(y, OFFSETS)
            again = R.matmul(x, PROJECTION)
            out = R.add(z, again)
            R.output(out)
        return out


CASES = [
    case("InlineConstants"),
    case(
        "LargeConstants",
        Reference(lambda rng, s: [rand(rng, (s["n"], 4))], _large, ({"n": 3},), atol=1e-5),
    ),
    case(
        "NumpyWeights",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 6))],
            lambda x: 2 * (x @ PROJECTION) + OFFSETS,
            sizes=({"n": 2},),
            atol=1e-5,
        ),
        env=True,
    ),
]
