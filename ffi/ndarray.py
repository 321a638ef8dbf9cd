"""`NDArray`: device memory plus shape, dtype and strides, with a stable `DLTensor` for the ABI.

Every NDArray owns (or keeps alive) its memory and a `DLTensor` whose address is its DLTENSOR
handle; the shape and strides arrays that the DLTensor points to live as long as the NDArray.
CPU memory that Loom allocates is 64-byte aligned (numpy memory, over-allocated and sliced).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..ir import DataType
from . import cuda_driver, handles
from .abi import DLTensor
from .device import Device, cpu
from .device import device as parse_device
from .dtypes import array_dtype, from_dl, to_dl
from .errors import FFIError

ALIGNMENT = 64
_MAX_NDIM = 1024
_CPU = cpu()
_MASK64 = (1 << 64) - 1


class NDArray:
    """An n-dimensional array on a `Device`; made by `array`, `empty` or `from_dlpack`.

    ``.numpy()`` of a CPU array is a zero-copy view (writes show through both ways, and the view
    keeps the memory alive); of a GPU array, a copy. ``strides`` is None for a compact row-major
    layout, else one stride per dimension, in elements.
    """

    __slots__ = (
        "__weakref__",
        "_dl",
        "_handle",
        "_owner",
        "device",
        "dtype",
        "read_only",
        "shape",
        "strides",
    )

    _dl: ctypes.Array
    _handle: int
    _owner: Any
    shape: tuple[int, ...]
    dtype: DataType
    device: Device
    strides: tuple[int, ...] | None
    read_only: bool

    def __init__(self) -> None:
        raise FFIError("make NDArrays with loom.ffi.array, empty or from_dlpack")

    @staticmethod
    def _make(
        data: int,
        shape: tuple[int, ...],
        dtype: DataType,
        device: Device,
        owner: Any,
        strides: tuple[int, ...] | None = None,
        byte_offset: int = 0,
        read_only: bool = False,
    ) -> NDArray:
        """Wrap memory at `data` (kept alive by `owner`) without copying."""
        self = object.__new__(NDArray)
        if strides is not None and _is_compact(shape, strides):
            strides = None
        ndim = len(shape)
        # One int64 buffer holds the DLTensor (6 words), then its shape, then its strides:
        # one allocation, filled with slice stores, is several times cheaper than ctypes
        # structs and arrays built field by field.
        dl = (ctypes.c_int64 * (6 + ndim + (0 if strides is None else ndim)))()
        handle = ctypes.addressof(dl)
        dl[0:6] = [
            data,
            _device_word(device),
            ndim | _dtype_word(dtype),
            handle + 48,
            0 if strides is None else handle + 48 + 8 * ndim,
            byte_offset,
        ]
        if ndim:
            dl[6 : 6 + ndim] = list(shape)
            if strides is not None:
                dl[6 + ndim :] = list(strides)
        self._dl, self._handle, self._owner = dl, handle, owner
        self.shape, self.dtype, self.device, self.strides = shape, dtype, device, strides
        self.read_only = read_only
        handles.register(handle, self)
        return self

    @staticmethod
    def from_dltensor(address: int, owner: Any = None) -> NDArray:
        """View the `DLTensor` at `address` without copying; `owner` keeps its memory alive.

        With no owner the view borrows: it is valid only while the producer keeps the memory
        (for a packed-function argument, until the call returns).
        """
        if not address:
            raise FFIError("NULL DLTensor pointer")
        t = DLTensor.from_address(address)
        if not 0 <= t.ndim <= _MAX_NDIM or (t.ndim and not t.shape):
            raise FFIError(f"malformed DLTensor at {address:#x}: ndim {t.ndim}")
        shape = tuple(t.shape[i] for i in range(t.ndim))
        strides = tuple(t.strides[i] for i in range(t.ndim)) if t.strides else None
        if any(d < 0 for d in shape):
            raise FFIError(f"malformed DLTensor at {address:#x}: shape {shape}")
        dtype = from_dl(t.dtype.code, t.dtype.bits, t.dtype.lanes)
        if dtype.lanes != 1:
            raise FFIError(f"an NDArray holds scalar elements, not {dtype}")
        device = Device(t.device.device_type, t.device.device_id)
        return NDArray._make(t.data or 0, shape, dtype, device, owner, strides, t.byte_offset)

    # -- properties -------------------------------------------------------------------------

    @property
    def handle(self) -> int:
        """The DLTENSOR handle: the address of this array's `DLTensor`."""
        return self._handle

    @property
    def data_ptr(self) -> int:
        """The ``data`` field of the DLTensor (element 0 is at ``data_ptr + byte_offset``)."""
        return self._dl[0] & _MASK64

    @property
    def byte_offset(self) -> int:
        """Bytes from ``data_ptr`` to element 0."""
        return self._dl[5] & _MASK64

    @property
    def dltensor(self) -> DLTensor:
        """This array's `DLTensor`, as a ctypes struct sharing its memory (for inspection)."""
        return DLTensor.from_buffer(self._dl)

    @property
    def ndim(self) -> int:
        """The rank."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        return math.prod(self.shape)

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.dtype.bytes

    @property
    def nbytes(self) -> int:
        """Bytes covered by the elements (for a compact array, its memory)."""
        return self.size * self.itemsize

    @property
    def is_contiguous(self) -> bool:
        """Compact row-major layout."""
        return self.strides is None

    # -- conversion -------------------------------------------------------------------------

    def numpy(self) -> np.ndarray:
        """The contents as numpy: a zero-copy view on CPU, a copy from any other device."""
        if self.device.is_cpu:
            return _host_view(self)
        address = self._device_region("copy to the host")
        out = np.empty(self.shape, self.dtype.numpy)
        cuda_driver.copy_device_to_host(
            out.ctypes.data, address, self.nbytes, self.device.device_id
        )
        return out

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy is False and not self.device.is_cpu:
            raise ValueError(
                f"an NDArray on {self.device} cannot be viewed by numpy without a copy"
            )
        out = self.numpy()
        if dtype is not None and np.dtype(dtype) != out.dtype:
            return out.astype(dtype)
        return out.copy() if copy and self.device.is_cpu else out

    def copyfrom(self, source: NDArray | np.ndarray | Sequence[Any]) -> NDArray:
        """Copy `source` (same shape; same dtype for arrays) into this array; return self."""
        if isinstance(source, NDArray):
            self._check_same(source.shape, source.dtype, "copy from")
            if source.device.is_cpu or self.device.is_cpu:
                self._copy_from_host(source.numpy())
            else:
                cuda_driver.copy_device_to_device(
                    self._device_region("copy between devices"),
                    source._device_region("copy between devices"),
                    self.nbytes,
                    self.device.device_id,
                )
            return self
        if isinstance(source, np.ndarray):
            self._check_same(source.shape, array_dtype(source.dtype), "copy from")
        else:
            source = np.asarray(source, dtype=self.dtype.numpy)
            self._check_same(source.shape, self.dtype, "copy from")
        self._copy_from_host(source)
        return self

    def copyto(self, target: NDArray | Device | str) -> NDArray:
        """Copy into `target` (an NDArray, or a new array on a device); return the target."""
        if not isinstance(target, NDArray):
            target = empty(self.shape, self.dtype, target)
        return target.copyfrom(self)

    def _copy_from_host(self, source: np.ndarray) -> None:
        if self.read_only:
            raise FFIError("cannot write into a read-only NDArray")
        if self.device.is_cpu:
            np.copyto(_host_view(self), source, casting="no")
            return
        address = self._device_region("copy from the host")
        host = np.ascontiguousarray(source)
        cuda_driver.copy_host_to_device(
            address, host.ctypes.data, self.nbytes, self.device.device_id
        )

    def _device_region(self, what: str) -> int:
        """The address of element 0 of this compact GPU array (`FFIError` for anything else)."""
        if not self.device.is_cuda:
            raise FFIError(f"cannot {what} on {self.device}: only cpu and cuda memory is supported")
        if self.strides is not None:
            raise FFIError(
                f"cannot {what}: a GPU copy needs a compact array, got strides {self.strides}"
            )
        return self.data_ptr + self.byte_offset

    def _check_same(self, shape: tuple[int, ...], dtype: DataType, what: str) -> None:
        if tuple(shape) != self.shape or dtype != self.dtype:
            raise FFIError(
                f"cannot {what} an array of shape {tuple(shape)} and dtype {dtype} into an "
                f"NDArray of shape {self.shape} and dtype {self.dtype}"
            )

    # -- DLPack -----------------------------------------------------------------------------

    def __dlpack__(
        self,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: tuple[int, int] | None = None,
        copy: bool | None = None,
    ) -> Any:
        from .dlpack import to_dlpack_capsule

        return to_dlpack_capsule(self, stream, max_version, dl_device, copy)

    def __dlpack_device__(self) -> tuple[int, int]:
        return (self.device.device_type, self.device.device_id)

    def __repr__(self) -> str:
        head = f"NDArray(shape={self.shape}, dtype={self.dtype}, device={self.device})"
        return f"{head}\n{self.numpy()!r}" if self.device.is_cpu else head


_DTYPE_WORDS: dict[DataType, int] = {}
_DEVICE_WORDS: dict[Device, int] = {}


def _dtype_word(dt: DataType) -> int:
    """The DLDataType placed in the high half of the DLTensor's ``ndim`` word."""
    word = _DTYPE_WORDS.get(dt)
    if word is None:
        code, bits, lanes = to_dl(dt)
        word = _DTYPE_WORDS[dt] = (code | bits << 8 | lanes << 16) << 32
    return word


def _device_word(device: Device) -> int:
    """The DLDevice as one little-endian int64 word."""
    word = _DEVICE_WORDS.get(device)
    if word is None:
        word = _DEVICE_WORDS[device] = device.device_type | device.device_id << 32
    return word


def _is_compact(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """Whether `strides` address the same elements as the compact row-major layout."""
    if 0 in shape:
        return True
    expected = 1
    for dim, stride in zip(reversed(shape), reversed(strides)):
        if dim != 1 and stride != expected:
            return False
        expected *= dim
    return True


class _HostView:
    """Presents CPU memory to numpy through ``__array_interface__`` and keeps it alive."""

    __slots__ = ("__array_interface__", "array")

    def __init__(self, array: NDArray):
        dt = array.dtype.numpy
        itemsize = dt.itemsize
        self.array = array
        self.__array_interface__ = {
            "version": 3,
            "shape": array.shape,
            "typestr": f"<u{itemsize}" if array.dtype.kind == "bfloat" else dt.str,
            "data": (array.data_ptr + array.byte_offset, array.read_only),
            "strides": None
            if array.strides is None
            else tuple(s * itemsize for s in array.strides),
        }


def _host_view(array: NDArray) -> np.ndarray:
    if array.size == 0:  # the producer's data pointer may be NULL; numpy needs none
        return np.empty(array.shape, array.dtype.numpy)
    view = np.asarray(_HostView(array))
    return view.view(array.dtype.numpy) if array.dtype.kind == "bfloat" else view


def _shape_of(shape: int | Sequence[int]) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    for d in dims:
        if not isinstance(d, int | np.integer) or isinstance(d, bool) or d < 0:
            raise FFIError(f"invalid array shape {shape!r}: dimensions are non-negative ints")
    return tuple(int(d) for d in dims)


def empty(
    shape: int | Sequence[int], dtype: Any = "float32", device: Device | str | None = None
) -> NDArray:
    """Allocate an uninitialized array (CPU memory is 64-byte aligned)."""
    dims = _shape_of(shape)
    dt = array_dtype(dtype)
    device = parse_device(device) if device is not None else _CPU
    nbytes = math.prod(dims) * dt.bytes
    if device.is_cpu:
        raw = np.empty(nbytes + ALIGNMENT, np.uint8)
        address = raw.ctypes.data
        return NDArray._make(address + (-address) % ALIGNMENT, dims, dt, device, raw)
    if device.is_cuda:
        buffer = cuda_driver.DeviceBuffer(nbytes, device.device_id)
        return NDArray._make(buffer.ptr, dims, dt, device, buffer)
    raise FFIError(f"cannot allocate memory on {device}: only cpu and cuda are supported")


def array(data: Any, dtype: Any = None, device: Device | str | None = None) -> NDArray:
    """Copy `data` (numpy array, NDArray, nested sequence, scalar) into a new aligned NDArray."""
    device = parse_device(device) if device is not None else None
    if isinstance(data, NDArray):
        if dtype is not None and array_dtype(dtype) != data.dtype:
            data = data.numpy().astype(array_dtype(dtype).numpy)
        else:
            return data.copyto(device if device is not None else data.device)
    host = np.asarray(data, dtype=None if dtype is None else array_dtype(dtype).numpy)
    if not host.dtype.isnative:
        host = host.astype(host.dtype.newbyteorder("="))
    out = empty(host.shape, array_dtype(host.dtype), device)
    out._copy_from_host(host)
    return out


_NUMPY_DTYPES: dict[np.dtype, DataType] = {}


def view_numpy(host: np.ndarray) -> NDArray | None:
    """Wrap a numpy array's memory without copying, or None when the layout cannot be expressed.

    Expressible means: a dtype Loom has, native byte order, strides that are multiples of the
    element size, and data aligned to the element size. The view keeps `host` alive.
    """
    np_dtype = host.dtype
    dt = _NUMPY_DTYPES.get(np_dtype)
    if dt is None:
        if not np_dtype.isnative:
            return None
        try:
            dt = _NUMPY_DTYPES[np_dtype] = array_dtype(np_dtype)
        except FFIError:
            return None
    itemsize = np_dtype.itemsize
    address = host.ctypes.data
    if address % itemsize:
        return None
    flags = host.flags
    strides = None
    if not flags.c_contiguous:
        if any(s % itemsize for s in host.strides):
            return None
        strides = tuple(s // itemsize for s in host.strides)
    return NDArray._make(address, host.shape, dt, _CPU, host, strides, 0, not flags.writeable)
