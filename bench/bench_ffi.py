"""Benchmark the packed calling convention: the cost of one call, Python to C and C to Python.

Run from the repository root: ``python bench/bench_ffi.py [--repeat N]``. Needs a C compiler
(``cc``) to build the empty packed functions it calls. Prints median nanoseconds per call.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np

import loom.ffi as ffi

SOURCE = r"""
#include "loom_abi.h"
LOOM_RUNTIME_POINTERS
const char __loom_func_names[] = "loom-funcs-v1\nnoop\ncall_global\n";
int32_t noop(LoomValue* a, int32_t* c, int32_t n, LoomValue* r, int32_t* rc, void* h) {
  return 0;
}
int32_t call_global(LoomValue* a, int32_t* c, int32_t n, LoomValue* r, int32_t* rc, void* h) {
  return __loom_fp_LoomCallPacked((const char*)a[0].v_handle, a + 1, c + 1, n - 1, r, rc);
}
"""


def build(tmp: Path) -> ffi.Module:
    cc = shutil.which("cc")
    if cc is None:
        raise SystemExit("bench_ffi needs a C compiler (cc)")
    (tmp / "loom_abi.h").write_text(ffi.C_HEADER)
    (tmp / "noop.c").write_text(SOURCE)
    out = tmp / "noop.so"
    cmd = [cc, "-O2", "-shared", "-fPIC", "-I", str(tmp), str(tmp / "noop.c"), "-o", str(out)]
    subprocess.run(cmd, check=True)
    return ffi.load_module(out)


def ns_per_call(fn: Callable[[], object], repeat: int, number: int = 20000) -> float:
    fn()
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        mod = build(Path(tmp))
        noop, call_global = mod["noop"], mod["call_global"]
        raw = ffi.abi.PackedCFunc(noop.address)  # type: ignore[attr-defined]
        ffi.register_func("bench.noop", lambda *args: None, override=True)
        py_noop = ffi.get_global_func("bench.noop")
        a, b, c = (ffi.empty((1024,), "float32") for _ in range(3))
        x = np.zeros(1024, np.float32)
        rows = [
            ("ctypes alone: raw call, 6 int arguments", lambda: raw(0, 0, 0, 0, 0, 0)),
            ("Python -> C, 0 arguments", lambda: noop()),
            ("Python -> C, 3 NDArrays", lambda: noop(a, b, c)),
            ("Python -> C, 3 ints", lambda: noop(1, 2, 3)),
            ("Python -> C, 3 floats", lambda: noop(1.0, 2.0, 3.0)),
            ("Python -> C, 3 numpy arrays (zero-copy)", lambda: noop(x, x, x)),
            ("Python -> C, 1 str", lambda: noop("name")),
            ("Python -> C, 1 shape tuple", lambda: noop((2, 3))),
            ("Python -> Python (PythonFunc), 3 NDArrays", lambda: py_noop(a, b, c)),
            ("Python -> C -> Python, 0 arguments", lambda: call_global("bench.noop")),
            ("Python -> C -> Python, 3 NDArrays", lambda: call_global("bench.noop", a, b, c)),
        ]
        width = max(len(label) for label, _ in rows)
        print(f"{'call':<{width}}  ns/call (median of {repeat})")
        for label, fn in rows:
            print(f"{label:<{width}}  {ns_per_call(fn, repeat):8.0f}")
        ffi.remove_global_func("bench.noop")


if __name__ == "__main__":
    main()
