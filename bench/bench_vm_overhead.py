"""Benchmark the VM's call overhead: adding two one-element tensors, vs numpy and PyTorch.

Run from the repository root: ``python bench/bench_vm_overhead.py [--repeat N]``. Builds one
``add`` kernel with ``loom.build``, assembles small VM programs around it, and prints the median
microseconds per call with the ratio to numpy's ``np.add`` on the same one-element arrays; then
the interpreter's own costs: per dispatched instruction and per kernel call made from bytecode.
"""

from __future__ import annotations

import argparse
import statistics
import timeit
from collections.abc import Callable

import numpy as np

import loom
from loom.ffi import empty, from_dlpack
from loom.script import tir as T
from loom.vm import ExecutableBuilder, VirtualMachine
from loom.vm.builtins.scalar import null_value

REPEATED = 100  # instructions per program in the per-instruction rows


@T.prim_func
def add(a: T.handle, b: T.handle, c: T.handle):
    T.func_attr({"global_symbol": "add", "tir.noalias": True})
    n = T.int64()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    C = T.match_buffer(c, (n,), "float32")
    for i in range(n):
        C[i] = A[i] + B[i]


def programs(kernels: loom.ffi.Module) -> VirtualMachine:
    """The VM programs the rows call (see `main`)."""
    b = ExecutableBuilder()
    # What the compiler emits for `R.add(x, y)` without memory planning.
    f = b.function("add", ["x", "y"])
    x, y = f.params
    out = f.builtin("alloc_tensor_direct", f.builtin("shape_of", x), "float32", 0)
    f.kernel("add", x, y, out)
    f.ret(out)
    # Destination passing: only the kernel call, so the VM's share is isolated.
    f = b.function("add_into", ["x", "y", "out"])
    f.kernel("add", *f.params)
    f.ret(f.params[2])
    # Per-instruction cost: REPEATED calls of a builtin that does nothing.
    f = b.function("nops", [])
    for _ in range(REPEATED):
        r = f.builtin("null_value")
    f.ret(r)
    # Per-kernel-call cost: REPEATED kernel calls.
    f = b.function("kernels", ["x", "y", "out"])
    for _ in range(REPEATED):
        f.kernel("add", *f.params)
    f.ret(f.params[2])
    return VirtualMachine(b.build(kernels), loom.cpu())


def us_per_call(fn: Callable[[], object], repeat: int, number: int) -> float:
    fn()
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    kernels = loom.build(add)
    kernel = kernels["add"]
    vm = programs(kernels)
    a, b = np.array([1.0], np.float32), np.array([2.0], np.float32)
    na, nb, nout = from_dlpack(a), from_dlpack(b), empty((1,), "float32")
    vm_add, vm_add_into = vm["add"], vm["add_into"]
    assert float(vm_add(a, b).numpy()[0]) == 3.0

    rows: list[tuple[str, Callable[[], object]]] = [
        ("numpy: np.add(a, b)", lambda: np.add(a, b)),
    ]
    try:
        import torch

        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        rows.append(("PyTorch: torch.add(a, b)", lambda: torch.add(ta, tb)))
    except ImportError:
        print("(PyTorch is not installed: no PyTorch row)")
    rows += [
        ("loom kernel, direct, into a given output", lambda: kernel(na, nb, nout)),
        ("loom kernel, direct, fresh output", lambda: kernel(na, nb, empty((1,), "float32"))),
        ("VM add(x, y), NDArray arguments", lambda: vm_add(na, nb)),
        ("VM add(x, y), numpy arguments", lambda: vm_add(a, b)),
        ("VM add_into(x, y, out): one kernel call", lambda: vm_add_into(na, nb, nout)),
    ]
    numpy_us = us_per_call(rows[0][1], repeat, 20000)
    width = max(len(label) for label, _ in rows)
    print(f"adding two one-element float32 tensors (median of {repeat} runs)")
    print(f"{'call':<{width}}  {'us/call':>8}  {'x numpy':>8}")
    for label, fn in rows:
        us = numpy_us if fn is rows[0][1] else us_per_call(fn, repeat, 20000)
        print(f"{label:<{width}}  {us:8.2f}  {us / numpy_us:8.1f}")

    noop = null_value  # what the VM calls for vm.builtin.null_value

    def direct_nops() -> None:
        for _ in range(REPEATED):
            noop()

    def direct_kernels() -> None:
        for _ in range(REPEATED):
            kernel(na, nb, nout)

    nops, kernel_calls = vm["nops"], vm["kernels"]
    per_instr = (us_per_call(nops, repeat, 500) - us_per_call(direct_nops, repeat, 500)) / REPEATED
    per_kernel = (
        us_per_call(lambda: kernel_calls(na, nb, nout), repeat, 500)
        - us_per_call(direct_kernels, repeat, 500)
    ) / REPEATED
    print()
    print("interpreter cost over calling the same functions from a Python loop")
    print(f"{'per dispatched instruction (builtin call)':<{width}}  {per_instr * 1000:8.0f} ns")
    print(f"{'per kernel call from bytecode':<{width}}  {per_kernel * 1000:8.0f} ns")


if __name__ == "__main__":
    main()
