"""CUDA device memory through cuda-python's driver API, imported on first use.

Loom imports and runs without cuda-python; any CUDA operation then raises `FFIError`. Every
call here makes the device's primary context current first, so callers never manage contexts.
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

from .errors import FFIError

_lock = threading.Lock()
_driver: ModuleType | None = None
_contexts: dict[int, Any] = {}


def _load() -> ModuleType:
    global _driver
    if _driver is not None:
        return _driver
    with _lock:
        if _driver is None:
            try:
                from cuda.bindings import driver  # cuda-python >= 12.6
            except ImportError:
                try:
                    from cuda import cuda as driver  # older cuda-python
                except ImportError:
                    raise FFIError(
                        "CUDA is unavailable: the cuda-python package is not installed "
                        "(pip install 'loom[cuda]')"
                    ) from None
            _check(driver, driver.cuInit(0), "cuInit")
            _driver = driver
    return _driver


def _check(driver: ModuleType, result: tuple, what: str) -> Any:
    """Raise `FFIError` for a failed driver call; return its value (or None)."""
    err = result[0]
    if int(err) != 0:
        name = driver.cuGetErrorName(err)
        label = name[1].decode() if int(name[0]) == 0 else f"error {int(err)}"
        raise FFIError(f"CUDA call {what} failed: {label}")
    return result[1] if len(result) == 2 else result[1:] or None


def is_available() -> bool:
    """Whether cuda-python imports, the driver initializes and at least one GPU is present."""
    try:
        return device_count() > 0
    except FFIError:
        return False


def device_count() -> int:
    """The number of CUDA devices (raises `FFIError` when CUDA is unavailable)."""
    driver = _load()
    return int(_check(driver, driver.cuDeviceGetCount(), "cuDeviceGetCount"))


def activate(device_id: int) -> ModuleType:
    """Make GPU `device_id`'s primary context current on this thread; return the driver."""
    driver = _load()
    ctx = _contexts.get(device_id)
    if ctx is None:
        count = device_count()
        if not 0 <= device_id < count:
            raise FFIError(f"cuda({device_id}) does not exist: this machine has {count} GPU(s)")
        dev = _check(driver, driver.cuDeviceGet(device_id), "cuDeviceGet")
        ctx = _check(driver, driver.cuDevicePrimaryCtxRetain(dev), "cuDevicePrimaryCtxRetain")
        _contexts[device_id] = ctx
    _check(driver, driver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent")
    return driver


class DeviceBuffer:
    """One allocation of GPU memory, freed when the last reference goes."""

    __slots__ = ("device_id", "nbytes", "ptr")

    def __init__(self, nbytes: int, device_id: int):
        self.ptr = 0
        driver = activate(device_id)
        # Zero-byte arrays still get a real, aligned pointer: kernels may compare it.
        self.ptr = int(_check(driver, driver.cuMemAlloc(max(nbytes, 1)), "cuMemAlloc"))
        self.nbytes = nbytes
        self.device_id = device_id

    def __del__(self) -> None:
        driver = _driver
        if driver is not None and self.ptr:
            try:
                driver.cuCtxSetCurrent(_contexts[self.device_id])
                driver.cuMemFree(self.ptr)
            except Exception:  # the process may be shutting down; nothing to report to
                pass


def copy_host_to_device(dst: int, src_host: int, nbytes: int, device_id: int) -> None:
    """Copy `nbytes` from host address `src_host` to device address `dst` (synchronous)."""
    driver = activate(device_id)
    _check(driver, driver.cuMemcpyHtoD(dst, src_host, nbytes), "cuMemcpyHtoD")


def copy_device_to_host(dst_host: int, src: int, nbytes: int, device_id: int) -> None:
    """Copy `nbytes` from device address `src` to host address `dst_host` (synchronous)."""
    driver = activate(device_id)
    _check(driver, driver.cuMemcpyDtoH(dst_host, src, nbytes), "cuMemcpyDtoH")


def copy_device_to_device(dst: int, src: int, nbytes: int, device_id: int) -> None:
    """Copy `nbytes` between device addresses, across GPUs if need be (synchronous)."""
    driver = activate(device_id)
    _check(driver, driver.cuMemcpy(dst, src, nbytes), "cuMemcpy")
    _check(driver, driver.cuCtxSynchronize(), "cuCtxSynchronize")
