"""The VM part of ``python -m loom demo``: compile two dynamic models once, run them at shapes.

A transformer-style block with a dynamic sequence length and an MLP with a dynamic batch
(`loom.models`) go through ``loom.compile``; one executable per model then runs at several
shapes, each result checked against numpy, and a short table reports the times.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm up: first-call costs (VM decoding, page faults) are not what is measured
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def run_model(
    name: str,
    build: Callable[[], Any],
    inputs: Callable[[np.random.Generator, int], list[np.ndarray]],
    sizes: Sequence[int],
    size_name: str,
    repeat: int = 5,
) -> list[str]:
    """Compile the model `build` makes, run it at each of `sizes`; return the table rows."""
    import loom

    module, reference = build()
    start = time.perf_counter()
    executable = loom.compile(module, target="llvm")
    compile_s = time.perf_counter() - start
    vm = loom.VirtualMachine(executable, loom.cpu())
    rng = np.random.default_rng(0)
    rows = [f"{name}: compiled once in {compile_s:.2f} s"]
    for value in sizes:
        args = inputs(rng, value)
        arrays = [loom.ffi.array(a) for a in args]
        out = vm["main"](*arrays).numpy()
        error = float(np.abs(out - reference(*args)).max())
        loom_ms = _median_ms(lambda arrays=arrays: vm["main"](*arrays), repeat)
        numpy_ms = _median_ms(lambda args=args: reference(*args), repeat)
        rows.append(
            f"  {size_name}={value:<4} out {out.shape!s:<12} max error {error:8.1e}   "
            f"loom {loom_ms:8.3f} ms   numpy {numpy_ms:8.3f} ms"
        )
    return rows


def run_vm_demo() -> int:
    """Compile and run the two demo models; print the table; return a process exit code."""
    from loom import models

    print("# Two dynamic models, each compiled once by loom.compile and run by the VM:\n")
    rows = run_model(
        "transformer block (width 64, 4 heads; sequence length n is dynamic)",
        lambda: models.transformer_block(64, 4, 256),
        lambda rng, n: models.transformer_inputs(rng, n, 64, 256),
        (8, 32, 128),
        "n",
    )
    rows += run_model(
        "MLP 784-512-10 (batch n is dynamic)",
        lambda: models.mlp(784, 512, 10),
        lambda rng, n: models.mlp_inputs(rng, n, 784, 512, 10),
        (1, 16, 64),
        "n",
    )
    print("\n".join(rows))
    return 0


__all__ = ["run_model", "run_vm_demo"]
