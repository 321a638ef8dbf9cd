"""``python -m loom``: parse a TVMScript module, print it, check the round trip, run it."""

from __future__ import annotations

import sys

import numpy as np

DEMO_SOURCE = """
from loom.script import ir as I, tir as T

@I.ir_module
class Demo:
    @T.prim_func
    def matmul(a: T.handle, b: T.handle, c: T.handle):
        n, k, m = T.int32(), T.int32(), T.int32()
        A = T.match_buffer(a, (n, k), "float32")
        B = T.match_buffer(b, (k, m), "float32")
        C = T.match_buffer(c, (n, m), "float32")
        for i, j, r in T.grid(n, m, k):
            with T.block("C"):
                vi, vj, vr = T.axis.remap("SSR", [i, j, r])
                with T.init():
                    C[vi, vj] = T.float32(0)
                C[vi, vj] += A[vi, vr] * B[vr, vj]

    @T.prim_func
    def gelu(X: T.Buffer((8, 16), "float32"), Y: T.Buffer((8, 16), "float32")):
        for i, j in T.grid(8, 16):
            with T.block("Y"):
                vi, vj = T.axis.remap("SS", [i, j])
                x = X[vi, vj]
                Y[vi, vj] = x * T.float32(0.5) * (T.float32(1) + T.erf(x * T.float32(0.70710678)))
"""


def demo() -> int:
    """Parse, print, re-parse and run a small module; return a process exit code."""
    from loom import ir
    from loom.ir import tir
    from loom.script import from_source

    module = from_source(DEMO_SOURCE)
    text = module.script()
    print("# The module as Loom prints it:\n")
    print(text)
    again = from_source(text)
    ir.assert_structural_equal(module, again)
    assert again.script() == text
    print("# Round trip: parse(print(m)) is structurally equal to m, and prints identically.\n")

    import loom

    kernels = loom.build(module, target="llvm")
    print("# Compiled with LLVM; one build serves every shape.\n")
    rng = np.random.default_rng(0)
    for n, k, m in [(4, 8, 3), (16, 5, 7)]:
        a = rng.standard_normal((n, k), dtype="float32")
        b = rng.standard_normal((k, m), dtype="float32")
        reference, native = np.empty((n, m), "float32"), np.empty((n, m), "float32")
        tir.interpret(module["matmul"], a, b, reference)
        kernels["matmul"](a, b, native)
        print(
            f"matmul n={n:2} k={k} m={m}: max error vs numpy: interpreter "
            f"{np.abs(reference - a @ b).max():.1e}, compiled {np.abs(native - a @ b).max():.1e}"
        )
    print()
    from loom.demo import run_vm_demo

    return run_vm_demo()


def main(argv: list[str]) -> int:
    """Dispatch the command line."""
    command = argv[0] if argv else "demo"
    if command == "demo":
        return demo()
    print(f"usage: python -m loom [demo]   (unknown command {command!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
