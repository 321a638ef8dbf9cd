"""Graph corpus: graph functions calling prim_funcs (`R.call_dps`, `R.call_tir`, tuple outputs,
`tir_vars`) and external functions (`R.call_dps_packed`, `R.call_packed`)."""

import numpy as np

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import Reference, case, rand


@I.ir_module
class PrimFuncMatmul:
    @T.prim_func
    def matmul(x: T.handle, w: T.handle, y: T.handle):
        n = T.int64()
        X = T.match_buffer(x, (n, 8), "float32")
        W = T.match_buffer(w, (8, 4), "float32")
        Y = T.match_buffer(y, (n, 4), "float32")
        for i, j, k in T.grid(n, 4, 8):
            with T.block("Y"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                with T.init():
                    Y[vi, vj] = T.float32(0)
                Y[vi, vj] = Y[vi, vj] + X[vi, vk] * W[vk, vj]

    @T.prim_func(private=True)
    def relu(a: T.handle, b: T.handle):
        n = T.int64()
        A = T.match_buffer(a, (n, 4), "float32")
        B = T.match_buffer(b, (n, 4), "float32")
        for i, j in T.grid(n, 4):
            with T.block("B"):
                vi, vj = T.axis.remap("SS", [i, j])
                B[vi, vj] = T.max(A[vi, vj], T.float32(0))

    @R.function
    def main(x: R.Tensor(("n", 8), "float32"), w: R.Tensor((8, 4), "float32")) -> R.Tensor(
        ("n", 4), "float32"
    ):
        n = T.int64()
        cls = PrimFuncMatmul
        with R.dataflow():
            y = R.call_dps(cls.matmul, (x, w), out_sinfo=R.Tensor((n, 4), "float32"))
            z = R.call_tir(cls.relu, (y,), out_sinfo=R.Tensor((n, 4), "float32"))
            R.output(z)
        return z


@I.ir_module
class TupleOutputs:
    @T.prim_func
    def min_max(a: T.handle, lo: T.handle, hi: T.handle):
        n = T.int64()
        A = T.match_buffer(a, (n, 4), "float32")
        LO = T.match_buffer(lo, (n,), "float32")
        HI = T.match_buffer(hi, (n,), "float32")
        for i, j in T.grid(n, 4):
            with T.block("stats"):
                vi, vj = T.axis.remap("SR", [i, j])
                with T.init():
                    LO[vi] = T.float32("inf")
                    HI[vi] = T.float32("-inf")
                LO[vi] = T.min(LO[vi], A[vi, vj])
                HI[vi] = T.max(HI[vi], A[vi, vj])

    @R.function
    def main(x: R.Tensor(("n", 4), "float32")) -> R.Tensor(("n",), "float32"):
        n = T.int64()
        cls = TupleOutputs
        with R.dataflow():
            pair = R.call_dps(
                cls.min_max,
                (x,),
                out_sinfo=[R.Tensor((n,), "float32"), R.Tensor((n,), "float32")],
            )
            lo = pair[0]
            hi = pair[1]
            spread = R.subtract(hi, lo)
            R.output(spread)
        return spread


@I.ir_module
class TirVars:
    @T.prim_func
    def pad_end(a: T.handle, b: T.handle, m: T.int64):
        n = T.int64()
        A = T.match_buffer(a, (n,), "float32")
        B = T.match_buffer(b, (m,), "float32")
        for i in range(m):
            with T.block("B"):
                vi = T.axis.spatial(m, i)
                B[vi] = T.if_then_else(vi < n, A[vi], T.float32(0))

    @R.function
    def main(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n + 3",), "float32"):
        n = T.int64()
        cls = TirVars
        with R.dataflow():
            y = R.call_dps(
                cls.pad_end,
                (x,),
                out_sinfo=R.Tensor((n + 3,), "float32"),
                tir_vars=R.shape([n + 3]),
            )
            R.output(y)
        return y


@I.ir_module
class ExternCalls:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32")):
        n = T.int64()
        with R.dataflow():
            a = R.call_dps_packed("ext.scale", (x,), out_sinfo=R.Tensor((n, 4), "float32"))
            b = R.call_dps(
                "ext.split_rows",
                (a,),
                out_sinfo=[R.Tensor((n, 2), "float32"), R.Tensor((n, 2), "float32")],
            )
            c = R.call_dps(R.ExternFunc("ext.one"), (), out_sinfo=R.Tensor((n,), "int32"))
            R.output(a, b, c)
        log = R.call_packed("ext.log", a, b, R.str("tag"), sinfo_args=R.Object)
        size = R.call_packed("ext.size", x, sinfo_args=R.Shape(ndim=2))
        stats = R.call_packed(
            "ext.stats", x, c, sinfo_args=R.Tuple(R.Tensor((n,), "float32"), R.Prim("int64"))
        )
        R.call_packed("ext.sync")
        return (a, log, size, stats)


CASES = [
    case(
        "PrimFuncMatmul",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 8)), rand(rng, (8, 4))],
            lambda x, w: np.maximum(x @ w, 0),
            sizes=({"n": 1}, {"n": 6}),
            atol=1e-5,
        ),
    ),
    case(
        "TupleOutputs",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 4))],
            lambda x: x.max(axis=1) - x.min(axis=1),
            sizes=({"n": 5},),
        ),
    ),
    case(
        "TirVars",
        Reference(
            lambda rng, s: [rand(rng, (s["n"],))],
            lambda x: np.concatenate([x, np.zeros(3, np.float32)]),
            sizes=({"n": 2}, {"n": 7}),
        ),
    ),
    case("ExternCalls"),
]
