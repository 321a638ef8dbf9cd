"""Graph corpus: element types beyond float32: integer arithmetic, float64, bool masks,
narrow integers and bfloat16, with `astype` between them."""

import numpy as np

from loom.script import ir as I
from loom.script import relax as R

from ._case import Reference, case, rand


@I.ir_module
class IntegerArith:
    @R.function
    def main(a: R.Tensor(("n",), "int32"), b: R.Tensor(("n",), "int32")) -> R.Tensor(
        ("n",), "int64"
    ):
        with R.dataflow():
            s = R.add(a, b)
            d = R.floor_divide(s, R.const(3, "int32"))
            m = R.maximum(R.multiply(d, b), R.negative(a))
            wide = R.astype(m, "int64")
            out = R.subtract(wide, R.const(1, "int64"))
            R.output(out)
        return out


def _integer(a, b):
    d = np.floor_divide(a + b, 3)
    return np.maximum(d * b, -a).astype(np.int64) - 1


@I.ir_module
class DoublePrecision:
    @R.function
    def main(x: R.Tensor(("n", 3), "float64")) -> R.Tensor(("n",), "float64"):
        with R.dataflow():
            sq = R.square(x)
            s = R.sum(sq, axis=[1])
            r = R.sqrt(s)
            out = R.divide(r, R.const(3.0, "float64"))
            R.output(out)
        return out


@I.ir_module
class MaskedFill:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32"), keep: R.Tensor(("n", 4), "bool")) -> R.Tensor(
        ("n", 4), "float32"
    ):
        with R.dataflow():
            as_int = R.astype(keep, "uint8")
            count = R.sum(as_int, axis=[1], keepdims=True)
            counted = R.astype(count, dtype="float32")
            fill = R.full_like(x, R.const(-1.0, "float32"))
            kept = R.where(keep, x, fill)
            out = R.divide(kept, R.maximum(counted, R.const(1.0, "float32")))
            R.output(out)
        return out


def _masked(x, keep):
    count = keep.astype(np.uint8).sum(axis=1, keepdims=True).astype(np.float32)
    return np.where(keep, x, -1.0).astype(np.float32) / np.maximum(count, 1)


@I.ir_module
class NarrowTypes:
    @R.function
    def main(
        x: R.Tensor(("n",), "int8"), y: R.Tensor(("n",), "bfloat16"), z: R.Tensor((2,), "uint16")
    ):
        with R.dataflow():
            wide = R.astype(x, "int16")
            doubled = R.add(wide, wide)
            f = R.astype(y, "float32")
            back = R.astype(R.exp(f), "bfloat16")
            zz = R.multiply(z, R.const(2, "uint16"))
            R.output(doubled, back, zz)
        return (doubled, back, zz)


CASES = [
    case(
        "IntegerArith",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],), "int32", -20, 20) for _ in range(2)],
            _integer,
            sizes=({"n": 8},),
        ),
    ),
    case(
        "DoublePrecision",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 3), "float64")],
            lambda x: np.sqrt((x * x).sum(axis=1)) / 3.0,
            sizes=({"n": 4},),
            rtol=1e-12,
            atol=1e-12,
        ),
    ),
    case(
        "MaskedFill",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 4)), rand(rng, (s["n"], 4), "bool")],
            _masked,
            sizes=({"n": 5},),
        ),
    ),
    case("NarrowTypes"),
]
