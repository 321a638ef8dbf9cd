"""The C-callable runtime functions that compiled code links against (see `loom.ffi.abi`).

They are ctypes callbacks: each takes the GIL, never lets a Python exception reach C (it sets
the last error and returns -1), and lives for the whole process.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

from . import handles
from .abi import RUNTIME_POINTER_PREFIX, LoomFunc, PackedCFunc
from .errors import FFIError, set_last_error
from .module import Module
from .packed_func import PackedFunc, call_from_native, describe
from .registry import get_global_func

_VP, _I32 = ctypes.c_void_p, ctypes.c_int32
# Functions handed out by LoomGetGlobalFunc stay alive for the process: C may cache the handle.
_pinned: dict[int, PackedFunc] = {}


def _guard(body: Callable[[], int]) -> int:
    try:
        return body()
    except BaseException as err:  # nothing may unwind into C
        set_last_error(describe(err), err)
        return -1


def _name(raw: bytes | None) -> str:
    if raw is None:
        raise FFIError("NULL function name")
    return raw.decode()


def _write_pointer(out: int | None, value: int) -> None:
    if not out:
        raise FFIError("NULL output pointer")
    _VP.from_address(out).value = value or None


@ctypes.CFUNCTYPE(None, ctypes.c_char_p)
def _set_last_error(message: bytes | None) -> None:
    text = message.decode(errors="replace") if message is not None else "(NULL error message)"
    set_last_error(text)


@ctypes.CFUNCTYPE(_I32, ctypes.c_char_p, _VP, _VP, _I32, _VP, _VP)
def _call_packed(name: bytes | None, args: int, codes: int, n: int, ret: int, ret_code: int) -> int:
    try:
        func = get_global_func(_name(name))
    except BaseException as err:
        set_last_error(describe(err), err)
        return -1
    return call_from_native(func, args, codes, n, ret, ret_code)


@ctypes.CFUNCTYPE(_I32, ctypes.c_char_p, _VP)
def _get_global_func(name: bytes | None, out: int) -> int:
    def body() -> int:
        func = get_global_func(_name(name))
        _pinned[func.handle] = func
        _write_pointer(out, func.handle)
        return 0

    return _guard(body)


@ctypes.CFUNCTYPE(_I32, _VP, _VP, _VP, _I32, _VP, _VP)
def _func_call(handle: int | None, args: int, codes: int, n: int, ret: int, ret_code: int) -> int:
    func = handles.lookup(handle or 0)
    if isinstance(func, PackedFunc):
        return call_from_native(func, args, codes, n, ret, ret_code)
    if not handle:
        set_last_error("LoomFuncCall: NULL function handle")
        return -1
    # A function the runtime never made (a C-built LoomFunc): call it as it describes itself.
    c = LoomFunc.from_address(handle)
    if not c.fn:
        set_last_error(f"LoomFuncCall: function handle {handle:#x} has a NULL function pointer")
        return -1
    return PackedCFunc(c.fn)(args, codes, n, ret, ret_code, c.resource_handle)


@ctypes.CFUNCTYPE(_I32, _VP, ctypes.c_char_p, _I32, _VP)
def _module_get_function(
    module: int | None, name: bytes | None, query_imports: int, out: int
) -> int:
    def body() -> int:
        mod = handles.lookup(module or 0)
        if not isinstance(mod, Module):
            raise FFIError(f"LoomModuleGetFunction: {module!r} is not a live module handle")
        func = mod.get_function(_name(name), bool(query_imports))
        # The module caches its functions, so the handle lives as long as the module.
        _write_pointer(out, func.handle if func is not None else 0)
        return 0

    return _guard(body)


@ctypes.CFUNCTYPE(_I32, _VP)
def _object_retain(handle: int | None) -> int:
    if handles.retain(handle or 0):
        return 0
    set_last_error(f"LoomObjectRetain: handle {handle!r} is unknown to the runtime")
    return -1


@ctypes.CFUNCTYPE(_I32, _VP)
def _object_free(handle: int | None) -> int:
    handles.release(handle or 0)
    return 0


_SYMBOLS = {
    "LoomSetLastError": _set_last_error,
    "LoomCallPacked": _call_packed,
    "LoomGetGlobalFunc": _get_global_func,
    "LoomFuncCall": _func_call,
    "LoomModuleGetFunction": _module_get_function,
    "LoomObjectRetain": _object_retain,
    "LoomObjectFree": _object_free,
}
_ADDRESSES = {name: ctypes.cast(cb, _VP).value or 0 for name, cb in _SYMBOLS.items()}


def runtime_symbols() -> dict[str, int]:
    """The address of every runtime function, by its C name (for ``add_symbol`` in a JIT)."""
    return dict(_ADDRESSES)


def fill_runtime_pointers(symbol_address: Callable[[str], int | None]) -> list[str]:
    """Write each runtime function's address into the loaded code's ``__loom_fp_<name>``.

    `symbol_address(symbol)` returns the address of a data symbol of the loaded code, or None
    when it has none. Returns the names that were filled.
    """
    filled = []
    for name, address in _ADDRESSES.items():
        slot = symbol_address(RUNTIME_POINTER_PREFIX + name)
        if slot:
            _VP.from_address(slot).value = address
            filled.append(name)
    return filled
