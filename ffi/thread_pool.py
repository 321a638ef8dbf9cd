"""The thread pool that runs parallel loops when libgomp is missing: ``loom.runtime.parallel_for``.

Code generated without libgomp calls this packed function with its loop closure
``void body(void* frame, int64 begin, int64 end)`` and the iteration count; the pool's threads
take chunks of iterations until none are left, each calling the closure through ctypes, which
releases the GIL, so the chunks run in parallel. A parallel loop inside another runs on the
calling thread (the pool's threads are busy with the outer one).
"""

from __future__ import annotations

import ctypes
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .registry import register_func

PARALLEL_FOR = "loom.runtime.parallel_for"
CHUNKS_PER_THREAD = 8
_Body = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
_state = threading.local()
_lock = threading.Lock()
_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    with _lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = ThreadPoolExecutor(workers, "loom-parallel")
        return pool


def _worker(body: Any, frame: int, count: int, chunk: int, claim: Any) -> None:
    _state.inside = True
    try:
        while (begin := next(claim) * chunk) < count:  # itertools.count is atomic under the GIL
            body(frame, begin, min(begin + chunk, count))
    finally:
        _state.inside = False


@register_func(PARALLEL_FOR)
def parallel_for(body: ctypes.c_void_p, frame: ctypes.c_void_p, count: int, threads: int) -> None:
    """Run ``body(frame, begin, end)`` over chunks covering ``[0, count)`` on the pool."""
    fn, data = _Body(body.value or 0), frame.value or 0
    n = threads or os.cpu_count() or 1
    if n == 1 or getattr(_state, "inside", False):
        fn(data, 0, count)
        return
    chunk = max(1, -(-count // (n * CHUNKS_PER_THREAD)))
    claim = itertools.count()
    pending = [_pool(n - 1).submit(_worker, fn, data, count, chunk, claim) for _ in range(n - 1)]
    try:
        _worker(fn, data, count, chunk, claim)
    finally:
        for future in pending:
            future.result()
