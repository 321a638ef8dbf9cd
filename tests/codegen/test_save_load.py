"""A built module saves (shared library or object file), loads in a fresh process without
recompiling, and computes the same results; damaged files raise FFIError, never crash."""

import subprocess
import sys

import numpy as np
import pytest

import loom
from loom.ffi import FFIError
from loom.script import tir as T


@T.prim_func
def scaled_sum(a: T.handle, b: T.handle, c: T.handle, s: T.float32):
    T.func_attr({"tir.noalias": True})
    n = T.int32()
    A = T.match_buffer(a, (n, 8), "float32")
    B = T.match_buffer(b, (8,), "float32")
    C = T.match_buffer(c, (n, 8), "float32")
    for i in T.parallel(n):
        for j in range(8):
            C[i, j] = T.exp(A[i, j]) * s + B[j]


CHILD = """
import sys
import numpy as np
import loom
from loom.ffi import FFIError, load_module
path, out = sys.argv[1], sys.argv[2]
try:
    module = load_module(path)
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (5, 8)).astype("float32")
    b = rng.uniform(-1, 1, 8).astype("float32")
    c = np.zeros((5, 8), "float32")
    module["main"](a, b, c, 0.5)
    np.save(out, c)
    print("ran")
except FFIError as err:
    print("FFIError:", err.message)
"""


def run_child(path, tmp_path):
    out = tmp_path / "out.npy"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, f"the child crashed ({proc.returncode}): {proc.stderr}"
    return proc.stdout.strip(), out


def expected():
    rng = np.random.default_rng(7)
    a = rng.uniform(-1, 1, (5, 8)).astype("float32")
    b = rng.uniform(-1, 1, 8).astype("float32")
    c = np.zeros((5, 8), "float32")
    return a, b, c


@pytest.fixture(scope="module")
def module():
    return loom.build(scaled_sum)


@pytest.mark.parametrize("suffix", [".so", ".o"])
def test_saved_module_runs_in_a_fresh_process(module, tmp_path, suffix):
    path = tmp_path / f"kernel{suffix}"
    module.save(path)
    status, out = run_child(path, tmp_path)
    assert status == "ran"
    a, b, c = expected()
    module["main"](a, b, c, 0.5)
    np.testing.assert_array_equal(np.load(out), c)


def test_a_library_loads_twice_in_one_process(module, tmp_path):
    path = tmp_path / "kernel.so"
    module.save(path)
    first, second = loom.ffi.load_module(path), loom.ffi.load_module(path)
    a, b, c = expected()
    first["main"](a, b, c, 1.0)
    d = np.zeros_like(c)
    second["main"](a, b, d, 1.0)
    np.testing.assert_array_equal(c, d)


def test_unknown_suffix_is_refused(module, tmp_path):
    with pytest.raises(FFIError, match="name a shared library"):
        module.save(tmp_path / "kernel.bin")


def _damage(data: bytes, how: str) -> bytes:
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "header":
        return b"\0" * 64 + data[64:]
    if how == "flipped":  # bytes in the middle: sections, symbols or code
        middle = len(data) // 2
        return (
            data[:middle]
            + bytes(b ^ 0x5A for b in data[middle : middle + 64])
            + data[middle + 64 :]
        )
    return b"not a module at all\n" * 10


@pytest.mark.parametrize("suffix", [".so", ".o"])
@pytest.mark.parametrize("how", ["truncated", "header", "garbage"])
def test_damaged_files_raise_ffi_error(module, tmp_path, suffix, how):
    good = tmp_path / f"good{suffix}"
    module.save(good)
    bad = tmp_path / f"bad{suffix}"
    bad.write_bytes(_damage(good.read_bytes(), how))
    status, _ = run_child(bad, tmp_path)
    assert status.startswith("FFIError:"), status


def test_corrupted_object_fails_its_checksum(module, tmp_path):
    good = tmp_path / "good.o"
    module.save(good)
    bad = tmp_path / "bad.o"
    bad.write_bytes(_damage(good.read_bytes(), "flipped"))
    with pytest.raises(FFIError, match="checksum does not match"):
        loom.ffi.load_module(bad)


def test_the_module_keeps_its_llvm_ir(module):
    source = module.get_source("ll")
    assert "define" in source
    assert "__loom_func_names" in source
    assert "GOMP_parallel" in source
