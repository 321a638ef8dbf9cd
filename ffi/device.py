"""Devices: where an NDArray's memory lives and a kernel runs (``loom.cpu()``, ``loom.cuda(i)``).

A `Device` is DLPack's ``DLDevice`` as a value: a device type and an ordinal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .abi import DLDeviceType
from .errors import FFIError

_NAMES = {
    DLDeviceType.CPU: "cpu",
    DLDeviceType.CUDA: "cuda",
    DLDeviceType.CUDA_HOST: "cuda_host",
    DLDeviceType.CUDA_MANAGED: "cuda_managed",
}
_TYPES = {name: int(code) for code, name in _NAMES.items()} | {"llvm": int(DLDeviceType.CPU)}
_SPELLING = re.compile(r"^\s*([a-z_]+)\s*(?:[:(]\s*(\d+)\s*\)?)?\s*$")


@dataclass(frozen=True, slots=True)
class Device:
    """A device type (DLPack's numbering: CPU = 1, CUDA = 2) and an ordinal; compared by value."""

    device_type: int
    device_id: int = 0

    def __post_init__(self) -> None:
        if not (0 < self.device_type < 2**31) or not (0 <= self.device_id < 2**31):
            raise FFIError(f"invalid device: type {self.device_type}, id {self.device_id}")

    @property
    def name(self) -> str:
        """The device type's name (``"cpu"``, ``"cuda"``; ``"dev7"`` for unnamed types)."""
        return _NAMES.get(self.device_type, f"dev{self.device_type}")  # type: ignore[call-overload]

    @property
    def is_cpu(self) -> bool:
        """Host memory."""
        return self.device_type == DLDeviceType.CPU

    @property
    def is_cuda(self) -> bool:
        """An NVIDIA GPU's memory."""
        return self.device_type == DLDeviceType.CUDA

    @property
    def exists(self) -> bool:
        """Whether this device is present: the CPU always; a GPU if CUDA sees that ordinal."""
        if self.is_cpu:
            return self.device_id == 0
        if self.is_cuda:
            from . import cuda_driver

            return cuda_driver.is_available() and self.device_id < cuda_driver.device_count()
        return False

    def __str__(self) -> str:
        return f"{self.name}({self.device_id})"

    def __repr__(self) -> str:
        return (
            f"loom.{self}"
            if self.device_type in _NAMES
            else f"Device({self.device_type}, {self.device_id})"
        )

    def __dlpack_device__(self) -> tuple[int, int]:
        return (self.device_type, self.device_id)


def cpu(device_id: int = 0) -> Device:
    """The host CPU."""
    return Device(int(DLDeviceType.CPU), device_id)


def cuda(device_id: int = 0) -> Device:
    """NVIDIA GPU number `device_id` (it need not exist: see `Device.exists`)."""
    return Device(int(DLDeviceType.CUDA), device_id)


def device(value: Device | str) -> Device:
    """Read a device spelling: a `Device`, ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"cuda(1)"``."""
    if isinstance(value, Device):
        return value
    match = _SPELLING.match(value) if isinstance(value, str) else None
    if match is None or match.group(1) not in _TYPES:
        known = ", ".join(sorted(_TYPES))
        raise FFIError(f"unknown device {value!r}: expected one of {known}, optionally ':<id>'")
    return Device(_TYPES[match.group(1)], int(match.group(2) or 0))
