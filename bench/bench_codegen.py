"""Benchmark the LLVM backend beside numpy: an elementwise chain, a scheduled matmul, and the
cost of launching the parallel-loop thread pool.

Run from the repository root: ``python bench/bench_codegen.py [--repeat N] [--threads T]``.
Prints one table; each Loom row gives its ratio to numpy (above 1: Loom is faster).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

import loom
from loom.script import from_source

CHAIN_N = 1 << 22
MATMUL_N = 1024

CHAIN = """
from loom.script import tir as T

@T.prim_func
def chain(a: T.handle, b: T.handle):
    T.func_attr({"tir.noalias": True})
    n = T.int64()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    for io in T.parallel((n + 4095) // 4096):
        for ii in range(T.min(4096, n - io * 4096)):
            B[io * 4096 + ii] = T.exp(A[io * 4096 + ii] * T.float32(2) + T.float32(1))
"""

# C = A @ B, blocked as a BLAS kernel is: A and B are first packed (in parallel) so that the
# kernel streams both contiguously; then each 8 x 32 tile of C (8 rows of 2 AVX-512 vectors: 16
# accumulator registers) accumulates over all of k, with B's 32-column panel (128 KiB) staying
# in L2 while a thread walks down the rows of A.
MATMUL = """
from loom.script import tir as T

@T.prim_func
def matmul(A: T.Buffer((1024, 1024), "float32"), B: T.Buffer((1024, 1024), "float32"),
           C: T.Buffer((1024, 1024), "float32")):
    T.func_attr({"tir.noalias": True})
    a_packed = T.allocate([1048576], "float32", "global")
    b_packed = T.allocate([1048576], "float32", "global")
    Ap = T.decl_buffer((128, 1024, 8), "float32", data=a_packed)
    Bp = T.decl_buffer((32, 1024, 32), "float32", data=b_packed)
    for io in T.parallel(128):
        for k, ii in T.grid(1024, 8):
            Ap[io, k, ii] = A[io * 8 + ii, k]
    for k in T.parallel(1024):
        for jo in range(32):
            for ji in T.vectorized(32):
                Bp[jo, k, ji] = B[k, jo * 32 + ji]
    for jo in T.parallel(32):
        for io in range(128):
            acc = T.allocate([256], "float32", "local")
            Cl = T.decl_buffer((8, 32), "float32", data=acc, scope="local")
            for ii in T.unroll(8):
                for ji in T.vectorized(32):
                    Cl[ii, ji] = T.float32(0)
            for k in range(1024):
                for ii in T.unroll(8):
                    for ji in T.vectorized(32):
                        Cl[ii, ji] = Cl[ii, ji] + Ap[io, k, ii] * Bp[jo, k, ji]
            for ii in T.unroll(8):
                for ji in T.vectorized(32):
                    C[io * 8 + ii, jo * 32 + ji] = Cl[ii, ji]
"""

EMPTY_PARALLEL = """
from loom.script import tir as T

@T.prim_func
def empty(A: T.Buffer((64,), "float32"), n: T.int32):
    for i in T.parallel(n):
        A[i] = T.float32(0)
"""

NO_LOOP = """
from loom.script import tir as T

@T.prim_func
def serial(A: T.Buffer((64,), "float32"), n: T.int32):
    A[0] = T.float32(0)
"""


def best(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    """Median over `repeat` runs of the mean time of `number` calls, in seconds."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def build(text: str, name: str, target: str = "llvm") -> tuple[loom.ffi.PackedFunc, float]:
    start = time.perf_counter()
    rt = loom.build(from_source(text), target)
    return rt["main"], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    rows: list[tuple[str, str, float, str]] = []

    # (a) Elementwise chain: bytes moved = read x + write y.
    x = np.random.default_rng(0).uniform(-2, 2, CHAIN_N).astype(np.float32)
    y = np.empty_like(x)
    gbytes = 2 * x.nbytes / 1e9
    t_np = best(lambda: np.exp(x * np.float32(2) + np.float32(1)), args.repeat)
    rows.append(("exp(x*2+1), 4M f32", "numpy", gbytes / t_np, "GB/s"))
    want = np.exp(x.astype(np.float64) * 2 + 1)
    for label, target in (("loom", "llvm"), ("loom -fast-math", "llvm -fast-math")):
        chain, compile_s = build(CHAIN, "chain", target)
        chain(x, y)
        np.testing.assert_allclose(y, want, rtol=2e-6 if label == "loom" else 1e-5)
        t = best(lambda c=chain: c(x, y), args.repeat)
        rows.append(("", f"{label} (compile {compile_s * 1e3:.0f} ms)", gbytes / t,
                     f"GB/s  x{t_np / t:.2f}"))  # fmt: skip

    # (b) Matmul: 2 n^3 flops.
    n = MATMUL_N
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), np.float32)
    gflop = 2 * n**3 / 1e9
    t_np = best(lambda: a @ b, args.repeat)
    rows.append(("matmul 1024^3 f32", "numpy", gflop / t_np, "GFLOP/s"))
    for label, target in (("loom", "llvm"), ("loom -fast-math (FMA)", "llvm -fast-math")):
        matmul, compile_s = build(MATMUL, "matmul", target)
        matmul(a, b, c)
        np.testing.assert_allclose(c, a @ b, rtol=1e-3, atol=1e-3)
        t = best(lambda m=matmul: m(a, b, c), args.repeat)
        rows.append(("", f"{label} (compile {compile_s * 1e3:.0f} ms)", gflop / t,
                     f"GFLOP/s  x{t_np / t:.2f}"))  # fmt: skip

    # (c) Thread-pool launch: a call with a tiny parallel loop minus a call without one.
    buf = loom.ffi.array(np.zeros(64, np.float32))
    empty, _ = build(EMPTY_PARALLEL, "empty")
    serial, _ = build(NO_LOOP, "serial")
    calls = 2000
    t_empty = best(lambda: empty(buf, 64), args.repeat, calls)
    t_serial = best(lambda: serial(buf, 64), args.repeat, calls)
    rows.append(("parallel launch", "call, T.parallel of 64 stores", t_empty * 1e6, "us"))
    rows.append(("", "call, no loop", t_serial * 1e6, "us"))
    rows.append(("", "launch overhead", (t_empty - t_serial) * 1e6, "us"))

    print(f"cores: {os.cpu_count()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '')}")
    print(f"{'benchmark':<22}{'implementation':<34}{'value':>10}  unit")
    for bench, impl, value, unit in rows:
        print(f"{bench:<22}{impl:<34}{value:>10.2f}  {unit}")


if __name__ == "__main__":
    main()
