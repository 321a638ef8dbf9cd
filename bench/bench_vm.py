"""Benchmark compiled models in the VM against numpy and PyTorch (and Apache TVM if installed).

Run from the repository root: ``python bench/bench_vm.py [--repeat N]``. Rows:

- ``add 1-element``: ``loom.compile`` of a graph function adding two one-element tensors, so
  the whole VM call (signature checks, allocation, one kernel) against ``np.add`` and ``torch.add``;
- ``mlp 784-512-10``: the `loom.models.mlp` model at batch 1, 32 and 256;
- ``transformer 256``: the `loom.models.transformer_block` model (width 256, 4 heads, MLP 1024)
  at sequence lengths 16, 128 and 512;
- ``compile``: the seconds ``loom.compile`` takes for each model (one compile serves every shape).

Each time is the median over the repeats after one warm-up call, in milliseconds; every loom
result is checked against numpy first. PyTorch runs the same computation eagerly under
``torch.no_grad()`` with its default thread count.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import loom
from loom import models
from loom.ir import graph as G
from loom.ir.graph import op as R


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def compiled(module: Any) -> tuple[loom.VirtualMachine, float]:
    start = time.perf_counter()
    executable = loom.compile(module, target="llvm")
    seconds = time.perf_counter() - start
    return loom.VirtualMachine(executable, loom.cpu()), seconds


def add_module() -> Any:
    x, y = models.tensor("x", (1,)), models.tensor("y", (1,))
    bb = G.BlockBuilder()
    with bb.function("main", [x, y]):
        bb.emit_func_output(bb.emit(R.add(x, y)))
    return bb.get()


def torch_mlp(torch: Any) -> Callable[..., Any]:
    def run(x, w1, b1, w2, b2):  # type: ignore[no-untyped-def]
        return torch.relu(x @ w1 + b1) @ w2 + b2

    return run


def torch_transformer(torch: Any, heads: int) -> Callable[..., Any]:
    f = torch.nn.functional

    def run(x, g1, b1, wq, wk, wv, wo, g2, b2, w1, w2):  # type: ignore[no-untyped-def]
        n, width = x.shape
        dh = width // heads
        a = f.layer_norm(x, (width,), g1, b1)
        q, k, v = ((a @ w).reshape(n, heads, dh).transpose(0, 1) for w in (wq, wk, wv))
        probs = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(dh), dim=-1)
        h = x + (probs @ v).transpose(0, 1).reshape(n, width) @ wo
        return h + f.gelu(f.layer_norm(h, (width,), g2, b2) @ w1) @ w2

    return run


Case = tuple[str, loom.VirtualMachine, Callable[..., np.ndarray], list[np.ndarray], int]
"""One row: label, VM, numpy reference, inputs, repeats."""


def time_loom_and_numpy(case: Case) -> tuple[float, float]:
    label, vm, reference, args, repeat = case
    arrays = [loom.ffi.array(a) for a in args]
    out = vm["main"](*arrays).numpy()
    expected = reference(*args)
    error = float(np.abs(out - expected).max() / max(1.0, float(np.abs(expected).max())))
    if error > 1e-3:
        raise AssertionError(f"{label}: loom differs from numpy by {error:.2e} (relative)")
    return median_ms(lambda: vm["main"](*arrays), repeat), median_ms(
        lambda: reference(*args), repeat
    )


def time_torch(torch: Any, fn: Callable[..., Any], args: list[np.ndarray], repeat: int) -> float:
    tensors = [torch.from_numpy(a) for a in args]
    with torch.no_grad():
        return median_ms(lambda: fn(*tensors), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per row")
    options = parser.parse_args()
    rng = np.random.default_rng(0)
    cases: list[Case] = []
    torch_fns: list[Callable[[Any], Callable[..., Any]]] = []

    add_vm, add_s = compiled(add_module())
    cases.append(("add 1-element (VM call)", add_vm, np.add, [np.ones(1, "float32")] * 2, 1000))
    torch_fns.append(lambda torch: torch.add)

    mlp_module, mlp_ref = models.mlp(784, 512, 10)
    mlp_vm, mlp_s = compiled(mlp_module)
    for batch in (1, 32, 256):
        args = models.mlp_inputs(rng, batch, 784, 512, 10)
        cases.append((f"mlp 784-512-10, batch {batch}", mlp_vm, mlp_ref, args, options.repeat))
        torch_fns.append(torch_mlp)

    block, block_ref = models.transformer_block(256, 4, 1024)
    block_vm, block_s = compiled(block)
    for seq in (16, 128, 512):
        args = models.transformer_inputs(rng, seq, 256, 1024)
        cases.append((f"transformer 256, n={seq}", block_vm, block_ref, args, options.repeat))
        torch_fns.append(lambda torch: torch_transformer(torch, 4))

    # Loom and numpy first: PyTorch's worker threads, once started, keep spinning and would
    # steal the cores from loom's parallel loops.
    results = [time_loom_and_numpy(case) for case in cases]
    try:
        import torch
    except ImportError:
        torch_ms: list[float | None] = [None] * len(cases)
    else:
        torch_ms = [
            time_torch(torch, make(torch), case[3], case[4])
            for case, make in zip(cases, torch_fns, strict=True)
        ]
    try:
        import tvm  # noqa: F401

        tvm_note = "Apache TVM is installed, but no TVM rows are implemented yet"
    except ImportError:
        tvm_note = "Apache TVM is not installed: no TVM column"

    header = f"{'row':<28}  {'loom ms':>10}  {'numpy ms':>10}  {'torch ms':>10}"
    lines = [header, "-" * len(header)]
    for case, (loom_ms, numpy_ms), t_ms in zip(cases, results, torch_ms, strict=True):
        torch_cell = f"{t_ms:>10.3f}" if t_ms is not None else f"{'-':>10}"
        lines.append(f"{case[0]:<28}  {loom_ms:>10.3f}  {numpy_ms:>10.3f}  {torch_cell}")
    lines.append("")
    compile_times = f"add {add_s:.2f} s, mlp {mlp_s:.2f} s, transformer block {block_s:.2f} s"
    lines.append(f"compile: {compile_times}")
    lines.append(models_memory_report(block))
    lines.append(tvm_note)
    print("\n".join(lines))


def models_memory_report(block: Any) -> str:
    from loom.transform.graph import memory_planning_report

    parts = [str(memory_planning_report(block, "main", {"n": n})) for n in (16, 128, 512)]
    return "memory, transformer block at n = 16, 128, 512:\n  " + "\n  ".join(parts)


if __name__ == "__main__":
    main()
