"""Runtime modules: named packed functions from one unit of code (a library, a JIT, Python).

`load_module` picks a loader by file suffix. The ``.so`` loader lives in `loom.ffi.library`;
other formats (object files from the LLVM codegen, CUBINs) register theirs with
`register_module_loader`.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ..ir import LoomError
from . import handles
from .abi import LoomObject, ObjectType
from .errors import FFIError
from .packed_func import PackedFunc, PythonFunc


class Module:
    """Packed functions by name (``mod["f"]``), plus imported modules searched after this one.

    Subclasses implement `_lookup` and `function_names`, and `save` where they can be saved.
    ``handle`` is the module's OBJECT handle, passed as ``resource_handle`` to its native
    functions; it is valid while the module lives.
    """

    type_key: ClassVar[str] = "module"

    def __init__(self) -> None:
        self.imports: list[Module] = []
        self._cache: dict[str, PackedFunc] = {}
        self._header = LoomObject(int(ObjectType.MODULE), 0)
        handles.register(ctypes.addressof(self._header), self)

    def _lookup(self, name: str) -> PackedFunc | None:
        """This module's own function `name`, or None."""
        raise NotImplementedError

    def function_names(self) -> list[str]:
        """The names of this module's own functions."""
        raise NotImplementedError

    @property
    def handle(self) -> int:
        """The OBJECT handle (a ``LoomObject*`` of type MODULE)."""
        return ctypes.addressof(self._header)

    @property
    def __loom_object_handle__(self) -> int:
        return ctypes.addressof(self._header)

    def get_function(self, name: str, query_imports: bool = True) -> PackedFunc | None:
        """Function `name` of this module (then of its imports), or None."""
        func = self._cache.get(name)
        if func is None:
            func = self._lookup(name)
            if func is not None:
                self._cache[name] = func
        if func is None and query_imports:
            for imported in self.imports:
                func = imported.get_function(name, True)
                if func is not None:
                    break
        return func

    def __getitem__(self, name: str) -> PackedFunc:
        func = self.get_function(name)
        if func is None:
            names = ", ".join(map(repr, self.function_names())) or "none"
            raise FFIError(f"{self.type_key} module has no function {name!r} (it has: {names})")
        return func

    def __contains__(self, name: str) -> bool:
        return self.get_function(name) is not None

    def import_module(self, other: Module) -> None:
        """Search `other` for functions this module lacks (e.g. device kernels of a host module)."""
        if other is self or _reaches(other, self):
            raise FFIError("importing this module would make a cycle of module imports")
        self.imports.append(other)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write this module to `path` so that `load_module` can load it without recompiling."""
        raise FFIError(f"a {self.type_key} module cannot be saved")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.type_key}: {', '.join(self.function_names())}>"


def _reaches(start: Module, target: Module) -> bool:
    return any(m is target or _reaches(m, target) for m in start.imports)


class FunctionModule(Module):
    """A module of functions that already live in this process (Python callables, PackedFuncs)."""

    type_key = "functions"

    def __init__(self, functions: Mapping[str, Callable[..., Any] | PackedFunc]):
        super().__init__()
        self._functions = {
            name: f if isinstance(f, PackedFunc) else PythonFunc(f, name)
            for name, f in functions.items()
        }

    def _lookup(self, name: str) -> PackedFunc | None:
        return self._functions.get(name)

    def function_names(self) -> list[str]:
        """The names of this module's own functions."""
        return list(self._functions)


ModuleLoader = Callable[[str], Module]
_loaders: dict[str, ModuleLoader] = {}


def register_module_loader(suffix: str, loader: ModuleLoader, override: bool = False) -> None:
    """Make `load_module` use `loader(path)` for files ending in `suffix` (e.g. ``".o"``)."""
    if not suffix.startswith(".") or len(suffix) < 2:
        raise FFIError(f"a module file suffix starts with '.', got {suffix!r}")
    if suffix in _loaders and not override:
        raise FFIError(f"a loader for {suffix!r} files is already registered")
    _loaders[suffix] = loader


def load_module(path: str | os.PathLike[str]) -> Module:
    """Load a saved module, choosing the loader by file suffix (``.so``, and registered ones).

    Missing, truncated or corrupt files raise `FFIError` (or the loader's `LoomError`).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FFIError(f"cannot load module {path!r}: no such file")
    suffix = max((s for s in _loaders if path.endswith(s)), key=len, default=None)
    if suffix is None:
        known = ", ".join(sorted(_loaders)) or "none"
        hint = (
            "; object files are loaded by the LLVM codegen's loader, registered when "
            "loom.codegen is imported"
            if path.endswith(".o")
            else ""
        )
        raise FFIError(f"no module loader for {path!r} (known suffixes: {known}){hint}")
    try:
        return _loaders[suffix](path)
    except LoomError:
        raise
    except Exception as err:
        raise FFIError(f"cannot load module {path!r}: {type(err).__name__}: {err}") from err
