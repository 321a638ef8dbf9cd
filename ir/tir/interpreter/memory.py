"""Memory and buffer views of the TIR reference interpreter, with bounds checks on every access.

A data variable (a buffer's `data`, an `Allocate`'s var) holds a `Memory`; each buffer in scope
is a `View` of one: element ``B[i0, ..., ik]`` sits at ``elem_offset + sum(i_d * stride_d)``
elements from the data pointer, exactly as `Buffer` documents.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...diagnostics import InterpreterError
from ...dtype import DataType
from ..buffer import Buffer


class Memory:
    """The elements a data pointer can reach.

    `array` is a 1-d numpy array; ``array[0]`` is the element at position `origin` from the data
    pointer. Argument memory starts at the argument's first element, so positions before it
    (and past its last element) are out of reach rather than silently read.
    """

    __slots__ = ("array", "name", "origin")

    def __init__(self, array: np.ndarray, origin: int, name: str):
        self.array = array
        self.origin = origin
        self.name = name


def allocate(dtype: DataType, elements: int, name: str) -> Memory:
    """Fresh memory of `elements` elements, zero-filled so that every run is deterministic."""
    if elements < 0:
        raise InterpreterError(f"cannot allocate {name} with a negative size {elements}")
    return Memory(np.zeros(elements, dtype=dtype.numpy), 0, name)


def compact_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Row-major strides, in elements, of a compact array of `shape`."""
    strides, step = [], 1
    for extent in reversed(shape):
        strides.append(step)
        step *= extent
    return tuple(reversed(strides))


def footprint(shape: Sequence[int], strides: Sequence[int], offset: int) -> int:
    """Elements an allocation needs so that every element of the view fits."""
    if any(extent == 0 for extent in shape):
        return offset
    return offset + 1 + sum((extent - 1) * stride for extent, stride in zip(shape, strides))


class View:
    """A buffer's window on a `Memory`: concrete shape, strides and start, checked on access."""

    __slots__ = ("array", "base", "buffer", "elem_offset", "memory", "shape", "size", "strides")

    def __init__(
        self,
        buffer: Buffer,
        memory: Memory,
        shape: tuple[int, ...],
        strides: tuple[int, ...],
        elem_offset: int,
    ):
        self.buffer = buffer
        self.memory = memory
        self.array = _typed(memory, buffer)
        scale = memory.array.itemsize / self.array.itemsize
        self.elem_offset = elem_offset
        self.base = elem_offset - int(memory.origin * scale)
        self.shape = shape
        self.strides = strides
        self.size = self.array.shape[0]

    def locate(self, indices: Sequence[int]) -> int:
        """The array position of one element; raise if any index leaves the buffer."""
        position = self.base
        for i, extent, stride in zip(indices, self.shape, self.strides):
            if i < 0 or i >= extent:
                raise self._out_of_bounds(indices)
            position += i * stride
        if position < 0 or position >= self.size:
            raise self._outside_memory(indices)
        return position

    def locate_lanes(self, indices: Sequence[object]) -> np.ndarray:
        """Array positions of a vector access (some indices are lane arrays)."""
        lanes = [np.asarray(i, dtype=np.int64) for i in indices]
        position = np.full(np.broadcast_shapes(*(i.shape for i in lanes)), self.base, np.int64)
        for i, extent, stride in zip(lanes, self.shape, self.strides):
            if np.any((i < 0) | (i >= extent)):
                raise self._out_of_bounds(lanes)
            position = position + i * stride
        if np.any((position < 0) | (position >= self.size)):
            raise self._outside_memory(lanes)
        return position

    def _out_of_bounds(self, indices: Sequence[object]) -> InterpreterError:
        shown = ", ".join(_text(i) for i in indices)
        shape = ", ".join(str(e) for e in self.shape)
        return InterpreterError(
            f"index [{shown}] is out of bounds of buffer {self.buffer.name} with shape [{shape}]"
        )

    def _outside_memory(self, indices: Sequence[object]) -> InterpreterError:
        shown = ", ".join(_text(i) for i in indices)
        return InterpreterError(
            f"element [{shown}] of buffer {self.buffer.name} lies outside the memory of "
            f"{self.memory.name} (strides {list(self.strides)}, elem_offset "
            f"{self.elem_offset})"
        )


def _text(index: object) -> str:
    if isinstance(index, np.ndarray):
        return "[" + ", ".join(str(v) for v in index.tolist()) + "]"
    return str(index)


def _typed(memory: Memory, buffer: Buffer) -> np.ndarray:
    """The memory's elements as the buffer's dtype (a byte reinterpretation if they differ)."""
    target = buffer.dtype.element.numpy
    array = memory.array
    if array.dtype == target:
        return array
    item = np.dtype(target).itemsize
    if (array.nbytes % item) or ((memory.origin * array.itemsize) % item):
        raise InterpreterError(
            f"buffer {buffer.name} of {buffer.dtype} cannot view the memory of {memory.name} "
            f"({array.dtype}, {array.size} elements): the sizes do not divide"
        )
    return array.view(target)


def argument_memory(array: np.ndarray, what: str) -> Memory:
    """The memory of a numpy argument: its elements from the first one, as a writable 1-d view.

    `origin` starts as the argument's element offset inside the numpy allocation it views (0
    for a fresh array); binding the buffer param sets it to the buffer's `elem_offset`.
    """
    item = array.itemsize
    for extent, stride in zip(array.shape, array.strides):
        if extent > 1 and (stride < 0 or stride % item):
            raise InterpreterError(
                f"{what}: numpy strides {array.strides} are not non-negative multiples of the "
                f"element size {item}"
            )
    span = footprint(array.shape, element_strides(array), 0)
    flat = np.lib.stride_tricks.as_strided(array, shape=(span,), strides=(item,))
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    low, _ = np.lib.array_utils.byte_bounds(root)
    start = array.__array_interface__["data"][0]
    offset_bytes = start - low if array.size else 0
    if offset_bytes % item:
        raise InterpreterError(
            f"{what}: the array starts {offset_bytes} bytes into its allocation, not a whole "
            f"number of {array.dtype} elements"
        )
    return Memory(flat, offset_bytes // item, what)


def element_strides(array: np.ndarray) -> tuple[int, ...]:
    """Numpy byte strides in elements (an axis of extent 0 or 1 reports its compact stride)."""
    compact = compact_strides(array.shape)
    return tuple(
        stride // array.itemsize if extent > 1 else fallback
        for extent, stride, fallback in zip(array.shape, array.strides, compact)
    )
