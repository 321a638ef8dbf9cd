"""DLPack in both directions: `NDArray.__dlpack__` produces capsules, `from_dlpack` consumes them.

Loom speaks the capsule protocol itself (through ctypes and the CPython capsule API) rather than
routing through numpy, because numpy's DLPack cannot carry bfloat16 or GPU memory. Both DLPack
1.x versioned capsules and the older unversioned ones are read and written; nothing is copied.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from .abi import (
    DLPACK_FLAG_IS_COPIED,
    DLPACK_FLAG_READ_ONLY,
    DLPACK_VERSION,
    DLManagedTensor,
    DLManagedTensorVersioned,
    DLPackDeleter,
    DLTensor,
)
from .device import Device, cpu
from .errors import FFIError
from .ndarray import NDArray, view_numpy

_LEGACY = ctypes.create_string_buffer(b"dltensor")
_VERSIONED = ctypes.create_string_buffer(b"dltensor_versioned")
_USED_LEGACY = ctypes.create_string_buffer(b"used_dltensor")
_USED_VERSIONED = ctypes.create_string_buffer(b"used_dltensor_versioned")


def _api(name: str, restype: Any, *argtypes: Any) -> Any:
    return ctypes.PYFUNCTYPE(restype, *argtypes)((name, ctypes.pythonapi))


_capsule_new = _api(
    "PyCapsule_New", ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p
)
_capsule_is_valid = _api("PyCapsule_IsValid", ctypes.c_int, ctypes.py_object, ctypes.c_void_p)
_capsule_is_valid_raw = _api("PyCapsule_IsValid", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_capsule_pointer = _api("PyCapsule_GetPointer", ctypes.c_void_p, ctypes.py_object, ctypes.c_void_p)
_capsule_pointer_raw = _api(
    "PyCapsule_GetPointer", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p
)
_capsule_set_name = _api("PyCapsule_SetName", ctypes.c_int, ctypes.py_object, ctypes.c_void_p)

# -- producer -------------------------------------------------------------------------------

# Exported managed tensors still alive, by address: the entry keeps the NDArray and the structs.
_exports: dict[int, tuple[Any, ...]] = {}


@DLPackDeleter
def _deleter(address: int | None) -> None:
    _exports.pop(address or 0, None)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _capsule_destructor(capsule: int | None) -> None:
    # A capsule that no consumer renamed still owns its tensor (DLPack's rule).
    for name in (_VERSIONED, _LEGACY):
        if _capsule_is_valid_raw(capsule, ctypes.addressof(name)):
            _exports.pop(_capsule_pointer_raw(capsule, ctypes.addressof(name)) or 0, None)
            return


def to_dlpack_capsule(
    array: NDArray,
    stream: Any = None,
    max_version: tuple[int, int] | None = None,
    dl_device: tuple[int, int] | None = None,
    copy: bool | None = None,
) -> Any:
    """Export `array` as a DLPack capsule (the body of ``NDArray.__dlpack__``)."""
    del stream  # Loom's copies are synchronous: there is no pending work to order after
    copied = False
    if dl_device is not None and tuple(dl_device) != array.__dlpack_device__():
        target = Device(*dl_device)
        if copy is False or not target.is_cpu:
            raise BufferError(f"cannot export an NDArray on {array.device} to {target}")
        array, copied = array.copyto(cpu()), True
    elif copy:
        array, copied = array.copyto(array.device), True
    versioned = max_version is not None and max_version[0] >= 1
    managed = DLManagedTensorVersioned() if versioned else DLManagedTensor()
    t: DLTensor = managed.dl_tensor
    ndim = array.ndim
    shape = (ctypes.c_int64 * max(ndim, 1))(*array.shape)
    strides = (ctypes.c_int64 * max(ndim, 1))(*_explicit_strides(array))
    t.data = array.data_ptr
    t.device.device_type, t.device.device_id = array.__dlpack_device__()
    t.ndim = ndim
    t.dtype = array.dltensor.dtype
    t.shape, t.strides, t.byte_offset = shape, strides, array.byte_offset
    managed.deleter = ctypes.cast(_deleter, ctypes.c_void_p).value
    if versioned:
        managed.version.major, managed.version.minor = DLPACK_VERSION
        flags = DLPACK_FLAG_READ_ONLY if array.read_only else 0
        managed.flags = flags | (DLPACK_FLAG_IS_COPIED if copied else 0)
    address = ctypes.addressof(managed)
    _exports[address] = (array, managed, shape, strides)
    name = _VERSIONED if versioned else _LEGACY
    destructor = ctypes.cast(_capsule_destructor, ctypes.c_void_p).value
    return _capsule_new(address, ctypes.addressof(name), destructor)


def _explicit_strides(array: NDArray) -> tuple[int, ...]:
    if array.strides is not None:
        return array.strides
    strides, step = [], 1
    for dim in reversed(array.shape):
        strides.append(step)
        step *= max(dim, 1)
    return tuple(reversed(strides))


# -- consumer -------------------------------------------------------------------------------


class _Imported:
    """Owns a consumed managed tensor; calls the producer's deleter when the NDArray goes."""

    __slots__ = ("address", "armed", "deleter")

    def __init__(self, address: int, deleter: int | None):
        self.address, self.deleter, self.armed = address, deleter, False

    def __del__(self) -> None:
        if self.armed and self.deleter:
            self.armed = False
            DLPackDeleter(self.deleter)(self.address)


def from_dlpack(obj: Any) -> NDArray:
    """View any DLPack producer (numpy, PyTorch, an NDArray, a capsule) as an NDArray, no copy.

    The result keeps the producer's memory alive. numpy arrays are wrapped directly (which also
    covers ml_dtypes' bfloat16, that numpy's own DLPack export refuses).
    """
    if isinstance(obj, NDArray):
        return obj
    if isinstance(obj, np.ndarray):
        view = view_numpy(obj)
        if view is not None:
            return view
    if type(obj).__name__ == "PyCapsule":
        return _consume(obj)
    if not hasattr(obj, "__dlpack__"):
        raise FFIError(f"{type(obj).__name__} does not support DLPack (no __dlpack__ method)")
    try:
        capsule = obj.__dlpack__(max_version=DLPACK_VERSION)
    except TypeError:  # a producer older than DLPack 1.0 takes no max_version
        capsule = obj.__dlpack__()
    except BufferError as err:
        raise FFIError(f"cannot export {type(obj).__name__} through DLPack: {err}") from None
    return _consume(capsule)


def _consume(capsule: Any) -> NDArray:
    if _capsule_is_valid(capsule, ctypes.addressof(_VERSIONED)):
        name, used = _VERSIONED, _USED_VERSIONED
        managed: Any = DLManagedTensorVersioned.from_address(
            _capsule_pointer(capsule, ctypes.addressof(name))
        )
        if managed.version.major != 1:
            raise FFIError(
                f"DLPack version {managed.version.major}.{managed.version.minor} is not "
                f"supported (Loom reads 1.x)"
            )
        read_only = bool(managed.flags & DLPACK_FLAG_READ_ONLY)
    elif _capsule_is_valid(capsule, ctypes.addressof(_LEGACY)):
        name, used = _LEGACY, _USED_LEGACY
        managed = DLManagedTensor.from_address(_capsule_pointer(capsule, ctypes.addressof(name)))
        read_only = False
    else:
        raise FFIError("not a DLPack capsule, or one that was already consumed")
    owner = _Imported(ctypes.addressof(managed), managed.deleter)
    array = NDArray.from_dltensor(ctypes.addressof(managed.dl_tensor), owner)
    array.read_only = read_only
    # From here the capsule no longer owns the tensor: the NDArray's owner calls the deleter.
    _capsule_set_name(capsule, ctypes.addressof(used))
    owner.armed = True
    return array
