"""The handle table: which Python object a C handle (DLTensor*, LoomFunc*, LoomObject*) stands for.

Objects with a C view (NDArrays, packed functions, shapes, modules, boxed opaque objects) are
registered weakly when the view is made, so native code can hand a handle back to Python and get
the same object. References that native code owns (results it received, ``LoomObjectRetain``)
are counted in a strong table until ``LoomObjectFree``.
"""

from __future__ import annotations

import ctypes
import threading
import weakref
from typing import Any

from .abi import LoomObject, ObjectType

# handle -> weak reference. Plain weakrefs (no callbacks) are several times cheaper to make than
# a WeakValueDictionary entry; entries of dead objects are swept when the table doubles.
_weak: dict[int, weakref.ref] = {}
_strong: dict[int, list[Any]] = {}
_lock = threading.Lock()
_sweep_at = 1024


def register(handle: int, obj: Any) -> None:
    """Make `handle` resolve to `obj` for as long as `obj` lives."""
    global _sweep_at
    _weak[handle] = weakref.ref(obj)
    if len(_weak) > _sweep_at:
        for key, ref in list(_weak.items()):
            if ref() is None and _weak.get(key) is ref:
                del _weak[key]
        _sweep_at = max(1024, 2 * len(_weak))


def lookup(handle: int) -> Any | None:
    """The live object behind `handle`, or None if the runtime never handed it out."""
    entry = _strong.get(handle)
    if entry is not None:
        return entry[0]
    ref = _weak.get(handle)
    return ref() if ref is not None else None


def retain(handle: int, obj: Any | None = None) -> bool:
    """Add one native-owned reference to the object behind `handle`; False if unknown."""
    with _lock:
        entry = _strong.get(handle)
        if entry is not None:
            entry[1] += 1
            return True
        obj = obj if obj is not None else lookup(handle)
        if obj is None:
            return False
        _strong[handle] = [obj, 1]
        return True


def release(handle: int) -> bool:
    """Drop one native-owned reference; False if native code held none (then nothing happens).

    Tolerating unknown handles lets a callee return a borrowed argument without retaining it.
    """
    with _lock:
        entry = _strong.get(handle)
        if entry is None:
            return False
        entry[1] -= 1
        if entry[1] == 0:
            del _strong[handle]
        return True


def owned_count(handle: int) -> int:
    """How many references native code holds on `handle` (for tests and leak checks)."""
    entry = _strong.get(handle)
    return entry[1] if entry is not None else 0


class ObjectBox:
    """The C view of an opaque Python object: a `LoomObject` header whose address is the handle."""

    __slots__ = ("__weakref__", "handle", "header", "obj")

    def __init__(self, obj: Any, type_index: ObjectType = ObjectType.OPAQUE):
        self.obj = obj
        self.header = LoomObject(int(type_index), 0)
        self.handle = ctypes.addressof(self.header)
        register(self.handle, self)
