"""Memory builtins: storage blocks, tensors carved out of them, and directly allocated tensors.

Memory planning emits ``alloc_storage`` once per reusable block and ``alloc_tensor`` per tensor;
without planning the compiler emits ``alloc_tensor_direct``. ``device_index`` indexes the VM's
device list (``VirtualMachine(ex, device)`` has one: index 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ...ffi import Device, NDArray, Shape, empty
from ..errors import VMError
from ..values import Storage, describe_value
from .check import parse_dtype
from .registry import builtin


def _device(devices: Sequence[Device], index: Any, what: str) -> Device:
    if type(index) is not int or not 0 <= index < len(devices):
        raise VMError(
            f"{what}: device index {index!r} is out of range (the VM has {len(devices)} "
            f"device{'s' if len(devices) != 1 else ''}: {', '.join(map(str, devices))})"
        )
    return devices[index]


def _dims(shape: Any, what: str) -> tuple[int, ...]:
    if type(shape) is Shape:
        dims = shape.dims
    elif type(shape) is tuple and all(type(d) is int for d in shape):
        dims = shape
    else:
        raise VMError(f"{what}: expected a shape but got {describe_value(shape)}")
    if dims and min(dims) < 0:
        raise VMError(f"{what}: negative dimension in shape {list(dims)}")
    return dims


@builtin("alloc_storage")
def alloc_storage(
    size_bytes: Any, device_index: int, dtype: str, scope: str, *, devices: Sequence[Device]
) -> Storage:
    """Allocate `size_bytes` bytes (aligned) on device `device_index`.

    `size_bytes` is an int or a 1-d Shape (the graph IR's size ShapeExpr). `dtype` is the
    element type the planner had in mind (kept for inspection); `scope` must be "global".
    """
    if type(size_bytes) is Shape and len(size_bytes) == 1:
        size_bytes = size_bytes[0]
    if type(size_bytes) is not int or size_bytes < 0:
        raise VMError(
            f"alloc_storage: size must be a non-negative int, got {describe_value(size_bytes)}"
        )
    if scope not in ("global", ""):
        raise VMError(f"alloc_storage: unsupported storage scope {scope!r} (only 'global')")
    device = _device(devices, device_index, "alloc_storage")
    return Storage(empty((size_bytes,), "uint8", device), parse_dtype(dtype or "uint8"), "global")


@builtin("alloc_tensor")
def alloc_tensor(storage: Any, offset_bytes: int, shape: Any, dtype: str) -> NDArray:
    """A compact tensor viewing `storage` from byte `offset_bytes`; it keeps the storage alive."""
    if type(storage) is not Storage:
        raise VMError(f"alloc_tensor: expected a storage but got {describe_value(storage)}")
    dims = _dims(shape, "alloc_tensor")
    dt = parse_dtype(dtype)
    nbytes = math.prod(dims) * dt.bytes
    if type(offset_bytes) is not int or offset_bytes < 0:
        raise VMError(f"alloc_tensor: offset must be a non-negative int, got {offset_bytes!r}")
    if offset_bytes + nbytes > storage.nbytes:
        raise VMError(
            f"alloc_tensor: a {dt} tensor of shape {list(dims)} ({nbytes} bytes) at offset "
            f"{offset_bytes} does not fit in a storage of {storage.nbytes} bytes"
        )
    if offset_bytes % dt.bytes:
        raise VMError(
            f"alloc_tensor: offset {offset_bytes} is not a multiple of the {dt} element size "
            f"({dt.bytes} bytes)"
        )
    buffer = storage.buffer
    base = buffer.data_ptr + buffer.byte_offset
    return NDArray._make(base + offset_bytes, dims, dt, buffer.device, storage)


@builtin("alloc_tensor_direct")
def alloc_tensor_direct(
    shape: Any, dtype: str, device_index: int, *, devices: Sequence[Device]
) -> NDArray:
    """A fresh (uninitialized, aligned) tensor of `shape` and `dtype` on device `device_index`."""
    dims = _dims(shape, "alloc_tensor_direct")
    device = _device(devices, device_index, "alloc_tensor_direct")
    return empty(dims, parse_dtype(dtype), device)
