"""Graph corpus: control and structure: if/else, match_cast, tuples and unpacking, calls
between graph functions (``cls.f`` and bare names), private and impure functions, attributes."""

import numpy as np

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import Reference, case, rand


@I.ir_module
class Branches:
    @R.function
    def main(flag: R.Prim("bool"), x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        if flag:
            a = R.exp(x)
            y = R.add(a, x)
        else:
            b = R.negative(x)
            y = R.multiply(b, b)
        with R.dataflow():
            z = R.nn.relu(y)
            R.output(z)
        return z


def _branches(flag, x):
    y = np.exp(x) + x if flag else x * x
    return np.maximum(y, 0)


@I.ir_module
class NestedBranches:
    @R.function
    def main(c1: R.Prim("bool"), c2: R.Prim("bool"), x: R.Tensor((4,), "float32")) -> R.Tensor(
        (4,), "float32"
    ):
        if c1:
            if c2:  # noqa: SIM108 (nested if/else is the construct under test)
                y = R.exp(x)
            else:
                y = R.log(R.abs(x))
            z = R.add(y, x)
        else:
            z = x
        return z


@I.ir_module
class MatchCastDynamic:
    @R.function
    def main(x: R.Tensor(dtype="float32", ndim=2), s: R.Shape(ndim=1)):
        a = T.int64()
        b = T.int64()
        with R.dataflow():
            y = R.match_cast(x, R.Tensor((a, b), "float32"))
            flat: R.Tensor((a * b,), "float32") = R.reshape(y, R.shape([a * b]))
            R.output(flat)
        known = R.match_cast(s, R.Shape(["k"]))
        anything: R.Object = x
        back = R.match_cast(anything, R.Tensor((a, b), "float32"))
        z = R.zeros(known, dtype="float32")
        return (flat, back, z, R.prim_value(k))  # noqa: F821 (k is declared by the match_cast)


@I.ir_module
class TuplesUnpacking:
    @R.function
    def main(
        x: R.Tensor(("n", 4), "float32"),
        pair: R.Tuple(R.Tensor((4,), "float32"), R.Tensor((4,), "int32")),
    ):
        with R.dataflow():
            first, second = pair
            both = (x, first)
            nested = (both, (second,), ())
            inner = nested[0]
            again = inner[1]
            last = pair[-1]
            s = R.add(x, again)
            lo, hi = R.split(s, indices_or_sections=2, axis=1)
            R.output(nested, last, lo, hi)
        return (nested, last, (lo, hi))


@I.ir_module
class FunctionCalls:
    @R.function
    def main(x: R.Tensor(("n", 8), "float32"), w: R.Tensor((8, 8), "float32")) -> R.Tensor(
        ("n", 8), "float32"
    ):
        cls = FunctionCalls
        with R.dataflow():
            h = cls.layer(x, w)
            h2 = layer(h, w)  # noqa: F821 (a module function by its bare name)
            out = cls.residual(x, h2)
            R.output(out)
        return out

    @R.function(private=True)
    def layer(x: R.Tensor(("m", 8), "float32"), w: R.Tensor((8, 8), "float32")) -> R.Tensor(
        ("m", 8), "float32"
    ):
        with R.dataflow():
            y = R.nn.relu(R.matmul(x, w))
            R.output(y)
        return y

    @R.function(private=True)
    def residual(a: R.Tensor(("k", 8), "float32"), b: R.Tensor(("k", 8), "float32")) -> R.Tensor(
        ("k", 8), "float32"
    ):
        c = R.add(a, b)
        return c


def _function_calls(x, w):
    h = np.maximum(np.maximum(x @ w, 0) @ w, 0)
    return x + h


@I.ir_module
class ImpureFunctions:
    @R.function(pure=False)
    def log_and_scale(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        R.call_packed("runtime.log", x, sinfo_args=())
        y = R.multiply(x, R.const(2.0, "float32"))
        return y

    @R.function
    def main(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        cls = ImpureFunctions
        y = cls.log_and_scale(x)
        R.call_packed("runtime.flush")
        return y

    @R.function(pure=True)
    def declared_pure(x: R.Tensor((2,), "float32")) -> R.Tensor((2,), "float32"):
        y = R.call_packed("ext.pure_fn", x, sinfo_args=R.Tensor((2,), "float32"))
        return y


@I.ir_module
class FunctionAttrs:
    I.module_attrs({"target": "llvm", "version": 2})

    @R.function
    def main(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        R.func_attr({"global_symbol": "main", "num_input": 1, "opt": True, "scale": 0.5})
        y = R.exp(x)
        return y

    @R.function(private=True)
    def helper(x: R.Tensor((4,), "float32")) -> R.Tensor((4,), "float32"):
        R.func_attr({"inline": False, "tags": ["a", "b"]})
        return x

    @T.prim_func
    def kernel(A: T.Buffer((4,), "float32")):
        T.func_attr({"tir.noalias": True})
        for i in range(4):
            A[i] = A[i] * T.float32(2)


CASES = [
    case(
        "Branches",
        Reference(
            lambda rng, s: [np.bool_(s["flag"]), rand(rng, (s["n"],))],
            _branches,
            sizes=({"n": 4, "flag": 1}, {"n": 6, "flag": 0}),
        ),
    ),
    case("NestedBranches"),
    case("MatchCastDynamic"),
    case("TuplesUnpacking"),
    case(
        "FunctionCalls",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 8)), rand(rng, (8, 8))],
            _function_calls,
            sizes=({"n": 2}, {"n": 5}),
            atol=1e-5,
        ),
    ),
    case("ImpureFunctions"),
    case("FunctionAttrs"),
]
