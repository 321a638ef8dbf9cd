"""`ObjectModule`: packed functions from an object file, linked into the process by MCJIT.

The LLVM codegen emits one object file per build; running it and saving it use the same bytes.
`save` writes a shared library (linked by the system C compiler) or the object file itself,
followed by a checksum trailer that the loaders verify before ``dlopen`` or the JIT linker sees
a byte, so truncated or corrupted files raise `FFIError` instead of crashing the process. This
file registers the ``.o`` loader and wraps the ``.so`` loader of `loom.ffi.library` with the
trailer check (libraries that Loom did not write still load as before). Every undefined symbol
must resolve in the process before linking: the JIT linker aborts on a missing one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import threading
from functools import cache

import llvmlite.binding as llvm

from .abi import FUNC_TABLE_SYMBOL, MODULE_CTX_SYMBOL, parse_func_table
from .elf import ET_REL, check_elf
from .errors import FFIError
from .library import LibraryModule
from .module import Module, register_module_loader
from .packed_func import NativeFunc, PackedFunc
from .runtime import fill_runtime_pointers

TRAILER_MAGIC = b"\nloom-object-sha256:"
_TRAILER = len(TRAILER_MAGIC) + 64 + 1  # magic, hex digest, newline
_lock = threading.Lock()


@cache
def load_system_libraries() -> None:
    """Make libc, libm and libgcc_s visible to the JIT linker (once per process)."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    for name in ("c", "m", "gcc_s"):
        path = ctypes.util.find_library(name)
        if path:
            llvm.load_library_permanently(path)


@cache
def libgomp() -> str | None:
    """Load libgomp with its symbols global and return its path; None if it is absent.

    With RTLD_GLOBAL, JIT-linked code and ``dlopen``-ed libraries resolve ``GOMP_parallel`` to
    this one copy, so every module in the process shares one thread pool.
    """
    path = ctypes.util.find_library("gomp")
    if path is None:
        return None
    try:
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    except OSError:
        return None
    load_system_libraries()
    llvm.load_library_permanently(path)
    return path


@cache
def c_compiler() -> str | None:
    """The system C compiler used to link shared libraries, if there is one."""
    for name in (os.environ.get("CC", ""), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def undefined_symbols(data: bytes) -> list[str]:
    """Names of the symbols an ELF64 object file uses but does not define."""
    try:
        return _undefined(data)
    except (struct.error, IndexError, ValueError) as err:
        raise FFIError(f"corrupt symbol table in object file: {err}") from None


def _undefined(data: bytes) -> list[str]:
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    names = []
    for _, sh_type, _, _, offset, size, link, _, _, entsize in sections:
        if sh_type != 2 or entsize != 24:  # SHT_SYMTAB
            continue
        strtab = sections[link]
        str_offset, str_size = strtab[4], strtab[5]
        for k in range(1, size // entsize):
            st_name, _, _, st_shndx, _, _ = struct.unpack_from(
                "<IBBHQQ", data, offset + k * entsize
            )
            if st_shndx != 0 or not st_name or st_name >= str_size:
                continue
            end = data.index(b"\0", str_offset + st_name)
            names.append(data[str_offset + st_name : end].decode(errors="replace"))
    return names


def _check_resolvable(data: bytes, what: str) -> None:
    load_system_libraries()
    missing = []
    for name in undefined_symbols(data):
        if name.startswith(("GOMP_", "omp_")):
            libgomp()
        if not llvm.address_of_symbol(name):
            missing.append(name)
    if missing:
        raise FFIError(
            f"{what} uses C symbols this process does not define: {', '.join(sorted(missing))} "
            "(load the library that defines them, or register them with "
            "llvmlite.binding.add_symbol, before building or loading)"
        )


class ObjectModule(Module):
    """The packed functions of an object file (``__loom_func_names``), linked by MCJIT."""

    type_key = "llvm"

    def __init__(self, data: bytes, name: str = "object", source: str | None = None):
        super().__init__()
        what = f"object file {name!r}"
        check_elf(data, ET_REL, what)
        _check_resolvable(data, what)
        self.name, self.data, self.source = name, bytes(data), source
        with _lock:
            target = llvm.Target.from_triple(llvm.get_process_triple())
            engine = llvm.create_mcjit_compiler(
                llvm.parse_assembly(""), target.create_target_machine(reloc="pic", jit=True)
            )
            engine.add_object_file(llvm.ObjectFileRef.from_data(self.data))
            engine.finalize_object()
        self._engine = engine
        table = engine.get_global_value_address(FUNC_TABLE_SYMBOL)
        if not table:
            raise FFIError(f"{what} is not a Loom module: it does not define {FUNC_TABLE_SYMBOL}")
        self._symbols = parse_func_table(ctypes.string_at(table))
        fill_runtime_pointers(lambda s: engine.get_global_value_address(s) or None)
        ctx = engine.get_global_value_address(MODULE_CTX_SYMBOL)
        if ctx:
            ctypes.c_void_p.from_address(ctx).value = self.handle

    def _lookup(self, name: str) -> PackedFunc | None:
        symbol = self._symbols.get(name)
        if symbol is None:
            return None
        address = self._engine.get_function_address(symbol)
        if not address:
            raise FFIError(f"{self.name} lists function {name!r} but does not define {symbol!r}")
        return NativeFunc(address, self.handle, keep_alive=self, name=name)

    def function_names(self) -> list[str]:
        """The names of this module's own functions."""
        return list(self._symbols)

    def get_source(self, fmt: str = "ll") -> str:
        """The optimized LLVM IR the object was compiled from (``fmt="ll"``), if known."""
        if fmt != "ll" or self.source is None:
            raise FFIError(f"this module has no {fmt!r} source")
        return self.source

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a shared library (``.so``, linked with the C compiler) or the object (``.o``)."""
        path = os.fspath(path)
        if path.endswith(".o"):
            with open(path, "wb") as f:
                f.write(self.data + _trailer(self.data))
        elif path.endswith(".so"):
            link_shared_library(self.data, path)
        else:
            raise FFIError(
                f"cannot save to {path!r}: name a shared library (.so, linked with the system C "
                "compiler) or an object file (.o)"
            )


def _trailer(data: bytes) -> bytes:
    return TRAILER_MAGIC + hashlib.sha256(data).hexdigest().encode() + b"\n"


def link_shared_library(data: bytes, path: str) -> None:
    """Link object bytes into the shared library `path` with the system C compiler."""
    cc = c_compiler()
    if cc is None:
        raise FFIError(
            f"cannot write shared library {path!r}: no C compiler (cc) found; save to a '.o' "
            "path to write the object file instead"
        )
    libs = ["-lm"]
    undefined = undefined_symbols(data)
    if any(s.startswith(("GOMP_", "omp_")) for s in undefined):
        libs.append("-lgomp")
    if any(s.startswith("_ZGV") for s in undefined):
        libs.append("-lmvec")
    with tempfile.TemporaryDirectory(prefix="loom-link-") as tmp:
        obj = os.path.join(tmp, "module.o")
        with open(obj, "wb") as f:
            f.write(data)
        out = os.path.join(tmp, "module.so")
        try:
            result = subprocess.run(
                [cc, "-shared", "-o", out, obj, *libs], capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise FFIError(f"cannot link {path!r} with {cc}: {err}") from None
        if result.returncode != 0:
            raise FFIError(f"linking {path!r} with {cc} failed:\n{result.stderr.strip()}")
        with open(out, "rb") as f:
            library = f.read()
        with open(path, "wb") as f:
            f.write(library + _trailer(library))


def _read_checked(path: str, what: str) -> tuple[bytes, bool]:
    """The file's bytes without the trailer, and whether it had one (checked if so)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as err:
        raise FFIError(f"cannot read {what} {path!r}: {err.strerror}") from None
    data, trailer = raw[:-_TRAILER], raw[-_TRAILER:]
    if len(raw) < _TRAILER or not trailer.startswith(TRAILER_MAGIC):
        return raw, False
    if trailer != _trailer(data):
        raise FFIError(f"{what} {path!r} is corrupt: its checksum does not match its bytes")
    return data, True


def load_object(path: str) -> ObjectModule:
    """Load a ``.o`` written by `ObjectModule.save`, checking its checksum first."""
    data, checked = _read_checked(path, "object file")
    if not checked:
        raise FFIError(
            f"object file {path!r} is truncated or was not written by Loom (no checksum trailer)"
        )
    return ObjectModule(data, os.path.basename(path))


def load_library(path: str) -> LibraryModule:
    """Load a ``.so``: one written by Loom must pass its checksum before ``dlopen`` sees it."""
    _read_checked(path, "library")
    return LibraryModule(path)


register_module_loader(".o", load_object)
register_module_loader(".so", load_library, override=True)
