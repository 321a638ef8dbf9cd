"""Parallel loops run on a real thread pool, split their iterations exactly, and report
failures from worker threads as errors of the call."""

import os
import threading
import time

import numpy as np
import pytest

import loom
from loom.ffi import FFIError
from loom.script import tir as T


@T.prim_func
def ranged(a: T.handle, lo: T.int32, hi: T.int32):
    n = T.int32()
    A = T.match_buffer(a, (n,), "int32")
    for i in T.parallel(lo, hi):
        A[i] = A[i] + i * 10


@pytest.mark.parametrize(("n", "lo", "hi"), [(0, 0, 0), (1, 0, 1), (7, 2, 5), (1000, 3, 997)])
def test_every_iteration_runs_once(n, lo, hi):
    a = np.ones(n, "int32")
    loom.build(ranged)["main"](a, lo, hi)
    want = np.ones(n, "int32")
    want[lo:hi] += np.arange(lo, hi, dtype="int32") * 10
    np.testing.assert_array_equal(a, want)


@T.prim_func
def scratch_per_iteration(A: T.Buffer((64, 16), "float32"), B: T.Buffer((64,), "float32")):
    T.func_attr({"tir.noalias": True})
    for i in T.parallel(64):
        tmp = T.allocate([16], "float32", "global")
        t = T.decl_buffer((16,), "float32", data=tmp)
        for j in range(16):
            t[j] = A[i, j] * T.float32(2)
        B[i] = T.float32(0)
        for j in range(16):
            B[i] = B[i] + t[j]


def test_allocations_inside_the_loop_are_private_to_each_iteration():
    a = np.random.default_rng(0).uniform(-1, 1, (64, 16)).astype("float32")
    b = np.zeros(64, "float32")
    loom.build(scratch_per_iteration)["main"](a, b)
    np.testing.assert_allclose(b, (a * 2).sum(axis=1), rtol=1e-5)


@T.prim_func
def nested(A: T.Buffer((8, 8), "int32")):
    for i in T.parallel(8):
        for j in T.parallel(8):
            A[i, j] = i * 8 + j


def test_nested_parallel_loops():
    a = np.zeros((8, 8), "int32")
    loom.build(nested)["main"](a)
    np.testing.assert_array_equal(a, np.arange(64).reshape(8, 8))


@T.prim_func
def checked(A: T.Buffer((256,), "int32"), limit: T.int32):
    for i in T.parallel(256):
        assert A[i] < limit, "value over the limit"
        A[i] = A[i] + 1


def test_a_failure_in_a_worker_fails_the_call():
    f = loom.build(checked)["main"]
    a = np.arange(256, dtype="int32")
    f(a, 1000)
    np.testing.assert_array_equal(a, np.arange(1, 257))
    with pytest.raises(FFIError, match="value over the limit"):
        f(a, 100)
    f(np.zeros(256, "int32"), 1000)  # the pool is still usable afterwards


@T.prim_func
def report(A: T.Buffer((64,), "int32")):
    for i in T.parallel(64):
        A[i] = T.call_packed("test.parallel.whoami", i)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_iterations_run_on_several_threads():
    seen = set()
    lock = threading.Lock()

    def whoami(i):
        with lock:
            seen.add(threading.get_ident())
        time.sleep(0.001)  # let the other threads claim chunks of the loop too
        return i * 2

    loom.ffi.register_func("test.parallel.whoami", whoami, override=True)
    a = np.zeros(64, "int32")
    loom.build(report)["main"](a)
    np.testing.assert_array_equal(a, np.arange(64) * 2)
    assert len(seen) >= 2


def test_without_libgomp_the_runtime_pool_runs_the_loop(monkeypatch):
    import loom.codegen.llvm.parallel as parallel

    monkeypatch.setattr(parallel, "libgomp", lambda: None)
    rt = loom.build(checked)
    assert "GOMP_parallel" not in rt.get_source()
    f = rt["main"]
    a = np.arange(256, dtype="int32")
    f(a, 1000)
    np.testing.assert_array_equal(a, np.arange(1, 257))
    with pytest.raises(FFIError, match="value over the limit"):
        f(a, 100)
    seen = set()
    lock = threading.Lock()

    def whoami(i):
        with lock:
            seen.add(threading.get_ident())
        time.sleep(0.001)  # let the other threads claim chunks of the loop too
        return i * 2

    loom.ffi.register_func("test.parallel.whoami", whoami, override=True)
    b = np.zeros(64, "int32")
    loom.build(report)["main"](b)
    np.testing.assert_array_equal(b, np.arange(64) * 2)
    if (os.cpu_count() or 1) >= 2:
        assert len(seen) >= 2
