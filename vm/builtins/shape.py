"""Shape builtins: the shape heap, matching run-time shapes against symbolic ones, making shapes.

The **shape heap** of a VM function call is a 1-d int64 NDArray (``alloc_shape_heap``) holding
the values of its symbolic shape variables; kernels may take it as an int64 buffer argument.

``match_shape`` and ``make_shape`` describe each dimension by a (kind, value) pair of ints:

==== ============================== ==========================================================
kind match_shape                     make_shape
==== ============================== ==========================================================
0    assert dim == value             dim = value
1    heap[value] = dim (first use)   dim = heap[value]
2    assert dim == heap[value]       (not allowed)
==== ============================== ==========================================================

**err_ctx** (the last argument of match_shape and the check builtins) says what is being
checked, e.g. ``"main: argument x"``. It may be followed by ``|``-separated names of the
dimensions, one per dimension, empty where a dimension has no symbolic name:
``"main: argument x|n|4|"`` names dim 0 ``n``. Errors then read
``main: argument x: shape[0] expected 3 (n) but got 5``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ...ffi import NDArray, Shape, from_dlpack
from ..errors import VMError
from ..values import describe_value
from .registry import builtin

# numpy views of heaps made by alloc_shape_heap: reading a heap is then an index, not a new view.
_views: weakref.WeakKeyDictionary[NDArray, np.ndarray] = weakref.WeakKeyDictionary()


def _heap_view(heap: Any) -> np.ndarray:
    view = _views.get(heap) if type(heap) is NDArray else None
    if view is not None:
        return view
    if not isinstance(heap, NDArray) or heap.ndim != 1 or str(heap.dtype) != "int64":
        raise VMError(f"a shape heap is a 1-d int64 tensor, got {describe_value(heap)}")
    return heap.numpy()


def _slot(h: np.ndarray, index: Any, what: str) -> int:
    if type(index) is not int or not 0 <= index < len(h):
        raise VMError(f"{what}: shape heap index {index!r} is outside the heap of {len(h)} slots")
    return index


def split_err_ctx(err_ctx: str) -> tuple[str, list[str]]:
    """The context and the per-dimension names of an err_ctx string."""
    head, *names = str(err_ctx).split("|")
    return head, names


def _dim_name(names: list[str], i: int) -> str:
    return f" ({names[i]})" if i < len(names) and names[i] else ""


@builtin("alloc_shape_heap")
def alloc_shape_heap(size: int) -> NDArray:
    """A zeroed int64 heap of `size` slots."""
    if type(size) is not int or size < 0:
        raise VMError(f"alloc_shape_heap: size must be a non-negative int, got {size!r}")
    host = np.zeros(size, np.int64)
    heap = from_dlpack(host)  # shares host's memory; host does not refer back, so no cycle
    _views[heap] = host
    return heap


@builtin("match_shape")
def match_shape(value: Any, heap: Any, ndim: int, *rest: Any) -> None:
    """Match `value`'s shape (a tensor's, or a Shape) against the (kind, value) pairs in `rest`.

    `rest` is ``2 * ndim`` ints then err_ctx.
    """
    if not rest or len(rest) != 2 * ndim + 1:
        raise VMError(
            f"match_shape: expected {ndim} (kind, value) pairs and err_ctx, got {len(rest)} "
            "arguments after ndim"
        )
    err_ctx = rest[-1]
    if type(value) is NDArray:
        dims: tuple[int, ...] | Shape = value.shape
    elif type(value) is Shape:
        dims = value
    else:
        head, _ = split_err_ctx(err_ctx)
        raise VMError(f"{head}: expected a tensor or shape but got {describe_value(value)}")
    if len(dims) != ndim:
        head, _ = split_err_ctx(err_ctx)
        raise VMError(f"{head}: expected rank {ndim} but got rank {len(dims)} (shape {list(dims)})")
    h = _heap_view(heap) if ndim else np.zeros(0, np.int64)
    for i in range(ndim):
        kind, v = rest[2 * i], rest[2 * i + 1]
        dim = dims[i]
        if kind == 0:
            expected = v
        elif kind == 1:
            h[_slot(h, v, "match_shape")] = dim
            continue
        elif kind == 2:
            expected = int(h[_slot(h, v, "match_shape")])
        else:
            raise VMError(f"match_shape: unknown kind {kind!r} for dimension {i} (0, 1 or 2)")
        if dim != expected:
            head, names = split_err_ctx(err_ctx)
            raise VMError(
                f"{head}: shape[{i}] expected {expected}{_dim_name(names, i)} but got {dim} "
                f"(shape {list(dims)})"
            )


@builtin("make_shape")
def make_shape(heap: Any, ndim: int, *pairs: int) -> Shape:
    """Build a Shape from (kind, value) pairs: 0 = the value itself, 1 = heap[value]."""
    if len(pairs) != 2 * ndim:
        raise VMError(f"make_shape: expected {ndim} (kind, value) pairs, got {len(pairs)} ints")
    h = None
    dims = []
    for i in range(ndim):
        kind, v = pairs[2 * i], pairs[2 * i + 1]
        if kind == 0:
            dims.append(v)
        elif kind == 1:
            if h is None:
                h = _heap_view(heap)
            dims.append(int(h[_slot(h, v, "make_shape")]))
        else:
            raise VMError(f"make_shape: unknown kind {kind!r} for dimension {i} (0 or 1)")
    return Shape(dims)


@builtin("shape_heap_store")
def shape_heap_store(heap: Any, index: int, value: int) -> None:
    """``heap[index] = value``."""
    h = _heap_view(heap)
    h[_slot(h, index, "shape_heap_store")] = value


@builtin("shape_heap_load")
def shape_heap_load(heap: Any, index: int) -> int:
    """``heap[index]``."""
    h = _heap_view(heap)
    return int(h[_slot(h, index, "shape_heap_load")])


@builtin("shape_of")
def shape_of(value: Any) -> Shape:
    """The shape of a tensor."""
    if type(value) is not NDArray:
        raise VMError(f"shape_of: expected a tensor but got {describe_value(value)}")
    return Shape(value.shape)
