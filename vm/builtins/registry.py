"""The table of VM builtins: each is registered as global packed function ``vm.builtin.<name>``.

The VM calls a builtin's Python implementation directly (skipping packed-call argument
normalization: VM values are already normal) as long as the global registry still holds the
function registered here. A builtin with a keyword-only ``devices`` parameter is bound to the
VM's devices (``device_index`` arguments index that list); called through the registry, it
sees ``(cpu(),)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ...ffi import Device, PackedFunc, cpu, get_global_func, register_func
from ..isa import BUILTIN_PREFIX

F = TypeVar("F", bound=Callable[..., Any])

_IMPLS: dict[str, Callable[..., Any]] = {}
_REGISTERED: dict[str, PackedFunc] = {}
_NEEDS_DEVICES: set[str] = set()


def builtin(name: str) -> Callable[[F], F]:
    """Register the decorated function as builtin ``vm.builtin.<name>``."""

    def decorate(fn: F) -> F:
        full = BUILTIN_PREFIX + name
        params = inspect.signature(fn).parameters
        impl: Callable[..., Any] = fn
        if "devices" in params:
            _NEEDS_DEVICES.add(full)
            impl = functools.partial(fn, devices=(cpu(),))
        # override: re-importing this package (a second import path) must not fail.
        register_func(full, impl, override=True)
        _IMPLS[full] = fn
        _REGISTERED[full] = get_global_func(full)
        return fn

    return decorate


def resolve_builtin(name: str, devices: Sequence[Device]) -> Callable[..., Any] | None:
    """The Python implementation to call for global function `name`, or None if not ours.

    None also when someone replaced the builtin in the registry: then the VM calls theirs.
    """
    impl = _IMPLS.get(name)
    if impl is None or get_global_func(name, allow_missing=True) is not _REGISTERED[name]:
        return None
    if name in _NEEDS_DEVICES:
        return functools.partial(impl, devices=tuple(devices))
    return impl


def builtin_names() -> list[str]:
    """Every builtin's global name, sorted."""
    return sorted(_IMPLS)
