"""Corpus: a file with postponed annotations, where an undefined shape name declares a variable.

Python does not evaluate the signature's annotations here, so ``T.Buffer((n, 4), ...)`` with no
``n`` in scope is legal and declares the symbolic size ``n`` (int32).
"""

from __future__ import annotations

import numpy as np

from loom.script import tir as T

from ._case import Reference, case, f32, rand, zeros


@T.prim_func
def implicit_shape_vars(
    A: T.Buffer((n, 4), "float32"),  # noqa: F821
    B: T.Buffer((n,), "float32"),  # noqa: F821
):
    for i, j in T.grid(n, 4):  # noqa: F821
        with T.block("B"):
            vi, vj = T.axis.remap("SR", [i, j])
            with T.init():
                B[vi] = T.float32(0)
            B[vi] = B[vi] + A[vi, vj] * A[vi, vj]


CASES = [
    case(
        "implicit_shape_vars",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 4)), zeros((s["n"],))],
            lambda a, b: {1: f32((a.astype(np.float64) ** 2).sum(axis=1))},
            sizes=({"n": 2}, {"n": 11}),
        ),
    ),
]
