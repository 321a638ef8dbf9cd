"""Graph corpus: the seed program of the project document (issue 3) and other modules written
with postponed annotations, where an undeclared bare name in a shape declares a size.

The seed is kept as written there, with its two typos fixed (the colon after ``R.dataflow()``;
``lv2`` meant as ``(n * m,)``) and its third one too (``W[vk, wj]`` meant as ``W[vk, vj]``).

The ruff exemptions keep the seed as written: undeclared shape names, string dtypes in
postponed annotations, and its one-line import of the three dialects.
"""

# ruff: noqa: F821, I001, UP037
from __future__ import annotations

import numpy as np

from loom.script import ir as I, relax as R, tir as T

from ._case import Reference, case, rand


@I.ir_module
class MyIRModule:
    # Define a TIR based operation.
    @T.prim_func
    def tir_mm(X: T.Buffer[(n, d), "float32"],
               W: T.Buffer[(d, m), "float32"],
               Y: T.Buffer[(n, m), "float32"]):  # fmt: skip
        for i, j, k in T.grid(n, m, d):
            with T.block("body"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                with T.init():
                    Y[vi, vj] = 0
                # Can be mapped on to HW intrinsics.
                Y[vi, vj] += X[vi, vk] * W[vk, vj]

    @R.function
    def relax_func(x: R.Tensor[(n, d), "float32"], w: R.Tensor[(d, m), "float32"]):
        with R.dataflow():
            # Invoke the TIR code.
            lv0: R.Tensor[(n, m), "float32"] = R.call_dps((n, m), tir_mm, [x, w])
            lv1: R.Tensor[(n * m,), "float32"] = R.flatten(lv0)
            gv0: R.Tensor[(n * m,), "float32"] = R.exp(lv1)
            R.output(gv0)

        # Invoke external update rule.
        R.call_packed("custom_inplace_update", gv0)
        return gv0


@I.ir_module
class BareNameSizes:
    @T.prim_func
    def halve(A: T.Buffer((k,), "float32"), B: T.Buffer((k,), "float32")):
        for i in range(k):
            with T.block("B"):
                vi = T.axis.remap("S", [i])
                B[vi] = A[vi] * T.float32(0.5)

    @R.function
    def main(x: R.Tensor((b, h), "float32"), y: R.Tensor((h,), "float32")) -> R.Tensor(
        (b * h,), "float32"
    ):
        cls = BareNameSizes
        with R.dataflow():
            s = R.add(x, y)
            flat: R.Tensor((b * h,), "float32") = R.reshape(s, (b * h,))
            out = R.call_tir(cls.halve, (flat,), out_sinfo=R.Tensor((b * h,), "float32"))
            R.output(out)
        return out


CASES = [
    case("MyIRModule"),
    case(
        "BareNameSizes",
        Reference(
            lambda rng, s: [rand(rng, (s["b"], s["h"])), rand(rng, (s["h"],))],
            lambda x, y: ((x + y) * np.float32(0.5)).reshape(-1),
            sizes=({"b": 2, "h": 3},),
        ),
    ),
]
