"""`LibraryModule`: a shared library that exports packed functions, loaded with ``dlopen``.

The library's bytes are read once, checked (`check_elf`), written to a private temporary file
and loaded from there: each load gets its own copy of the library's globals (its module context
and runtime pointers), the checked bytes are exactly the loaded ones, and `save` can always
write them back out even if the original file changed or went away.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
from typing import Any

from .abi import FUNC_TABLE_SYMBOL, MODULE_CTX_SYMBOL, parse_func_table
from .elf import ET_DYN, check_elf
from .errors import FFIError
from .module import Module, register_module_loader
from .packed_func import NativeFunc, PackedFunc
from .runtime import fill_runtime_pointers


class _DlInfo(ctypes.Structure):
    _fields_ = (
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    )


_dladdr: Any
try:
    _dladdr = ctypes.CDLL(None).dladdr
    _dladdr.argtypes = (ctypes.c_void_p, ctypes.POINTER(_DlInfo))
    _dladdr.restype = ctypes.c_int
except AttributeError:  # pragma: no cover - every glibc and musl has dladdr
    _dladdr = None


def _object_base(address: int) -> int | None:
    """The load address of the shared object that contains `address` (None if unknown)."""
    if _dladdr is None:
        return None
    info = _DlInfo()
    return info.dli_fbase if _dladdr(address, ctypes.byref(info)) else None


class LibraryModule(Module):
    """Packed functions exported by a shared library (``__loom_func_names``, see `loom.ffi.abi`).

    Libraries are never unloaded: functions taken from one keep working for the process.
    """

    type_key = "library"

    def __init__(self, path: str):
        super().__init__()
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as err:
            raise FFIError(f"cannot read library {path!r}: {err.strerror}") from None
        check_elf(data, ET_DYN, f"library {path!r}")
        self.path, self._data = path, data
        self._lib = _dlopen_copy(data, path)
        table = self._symbol(FUNC_TABLE_SYMBOL)
        if table is None:
            raise FFIError(
                f"library {path!r} is not a Loom module: it does not define {FUNC_TABLE_SYMBOL}"
            )
        self._base = _object_base(table)
        self._symbols = parse_func_table(ctypes.string_at(table))
        fill_runtime_pointers(self._symbol)
        ctx = self._symbol(MODULE_CTX_SYMBOL)
        if ctx:
            ctypes.c_void_p.from_address(ctx).value = self.handle

    def _symbol(self, name: str) -> int | None:
        try:
            return ctypes.addressof(ctypes.c_char.in_dll(self._lib, name))
        except ValueError:
            return None

    def _lookup(self, name: str) -> PackedFunc | None:
        symbol = self._symbols.get(name)
        if symbol is None:
            return None
        address = self._symbol(symbol)
        # dlsym also searches the library's dependencies (libc): a symbol found there is not the
        # packed function the table promised, and calling it would crash.
        if address is None or (self._base is not None and _object_base(address) != self._base):
            raise FFIError(
                f"library {self.path!r} lists function {name!r} but does not define its symbol "
                f"{symbol!r}"
            )
        return NativeFunc(address, self.handle, keep_alive=self, name=name)

    def function_names(self) -> list[str]:
        """The names of this module's own functions."""
        return list(self._symbols)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the library's bytes to `path` (a ``.so`` that `load_module` reads back)."""
        with open(path, "wb") as f:
            f.write(self._data)


def _dlopen_copy(data: bytes, path: str) -> ctypes.CDLL:
    # RTLD_NOW: an unresolved symbol fails here, cleanly, not later inside a call.
    mode = os.RTLD_NOW | os.RTLD_LOCAL
    fd, private = tempfile.mkstemp(prefix="loom-", suffix=".so")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return ctypes.CDLL(private, mode=mode)
    except OSError as err:
        first = str(err).replace(private, path)
    finally:
        os.unlink(private)  # the mapping outlives the file
    try:  # the temporary directory may forbid executable mappings (noexec): use the original
        return ctypes.CDLL(os.path.abspath(path), mode=mode)
    except OSError:
        raise FFIError(f"cannot load library {path!r}: {first}") from None


register_module_loader(".so", LibraryModule)
