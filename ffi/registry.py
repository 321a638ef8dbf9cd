"""The global function registry: packed functions by name, for Python, the VM and native code.

Native code reaches it through ``LoomCallPacked`` / ``LoomGetGlobalFunc`` (`loom.ffi.runtime`).
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from .errors import FFIError
from .packed_func import PackedFunc, PythonFunc

F = TypeVar("F", bound=Callable[..., Any])

_functions: dict[str, PackedFunc] = {}
_lock = threading.Lock()


@overload
def register_func(name: str, f: None = None, override: bool = False) -> Callable[[F], F]: ...
@overload
def register_func(name: str, f: F, override: bool = False) -> F: ...
@overload
def register_func(name: F, f: None = None, override: bool = False) -> F: ...
def register_func(name: Any, f: Any = None, override: bool = False) -> Any:
    """Register `f` (a callable or a PackedFunc) as global function `name`.

    ``register_func("my.add", f)`` registers and returns `f`; ``@register_func("my.add")``
    decorates; a bare ``@register_func`` uses the function's ``__name__``. Registering a name
    twice raises `FFIError` unless ``override=True``.
    """
    if callable(name) and f is None:
        func = name
        _register(getattr(func, "__name__", None) or getattr(func, "name", ""), func, override)
        return func
    if f is not None:
        _register(name, f, override)
        return f

    def decorate(func: F) -> F:
        _register(name, func, override)
        return func

    return decorate


def _register(name: Any, f: Any, override: bool) -> None:
    if not isinstance(name, str) or not name or "\0" in name:
        raise FFIError(f"a global function name is a non-empty string, got {name!r}")
    packed = f if isinstance(f, PackedFunc) else PythonFunc(f, name)
    with _lock:
        if name in _functions and not override:
            raise FFIError(
                f"global function {name!r} is already registered (pass override=True to replace it)"
            )
        _functions[name] = packed


@overload
def get_global_func(name: str, allow_missing: Literal[False] = False) -> PackedFunc: ...
@overload
def get_global_func(name: str, allow_missing: bool) -> PackedFunc | None: ...
def get_global_func(name: str, allow_missing: bool = False) -> PackedFunc | None:
    """The global function `name`; None if missing and `allow_missing`, else `FFIError`."""
    func = _functions.get(name)
    if func is None and not allow_missing:
        close = difflib.get_close_matches(name, list(_functions), n=3)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise FFIError(f"no global function named {name!r}{hint}")
    return func


def list_global_func_names() -> list[str]:
    """The names of every registered global function, sorted."""
    return sorted(_functions)


def remove_global_func(name: str) -> None:
    """Unregister `name` (`FFIError` if it is not registered)."""
    with _lock:
        if _functions.pop(name, None) is None:
            raise FFIError(f"no global function named {name!r} to remove")
