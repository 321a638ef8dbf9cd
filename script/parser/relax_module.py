"""How the functions of one ``@I.ir_module`` see each other while they are parsed.

Every function of the class gets its `GlobalVar` before any is parsed, so a graph function can
call one defined below it (``cls.f``, or ``f`` by bare name). Functions are parsed on demand:
a graph function that calls ``f`` or passes it to ``R.call_dps`` parses ``f`` first, so its
signature and result are known; a call of a function still being parsed (recursion) uses the
signature read so far.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loom.ir import BaseFunc, GlobalVar, IRModule, LoomError, Map
from loom.ir.graph import StructInfo

ParseFunction = Callable[["ModuleContext"], BaseFunc]


@dataclass(frozen=True)
class Signature:
    """What a call of a graph function still being parsed may rely on."""

    params: tuple[StructInfo, ...]
    ret: StructInfo | None
    pure: bool | None


class ModuleContext:
    """The functions of one module: their names, the parsed ones, and the ones in progress."""

    def __init__(self, class_name: str):
        self.class_name = class_name
        self.gvs: dict[str, GlobalVar] = {}
        self._parsers: dict[str, ParseFunction] = {}
        self._functions: dict[str, BaseFunc] = {}
        self._in_progress: dict[str, Signature | None] = {}
        self._module: IRModule | None = None
        self.ref = ModuleRef(self)
        # Graph functions parsed with check_well_formed=False.
        self.unchecked: set[str] = set()

    def declare(self, name: str, gv: GlobalVar, parse: ParseFunction) -> None:
        """Add a function of the module, parsed by `parse` when first needed."""
        self.gvs[name] = gv
        self._parsers[name] = parse

    def require(self, name: str) -> BaseFunc | None:
        """The parsed function `name`: parsed now if need be; None while it is being parsed."""
        if name in self._functions:
            return self._functions[name]
        if name in self._in_progress:
            return None
        self._in_progress[name] = None
        try:
            func = self._parsers[name](self)
        finally:
            del self._in_progress[name]
        self._functions[name] = func
        self._module = None
        return func

    def begin(self, name: str, signature: Signature) -> None:
        """Record the signature of `name`, whose body is being parsed now."""
        if name in self._in_progress:
            self._in_progress[name] = signature

    def signature(self, name: str) -> Signature | None:
        """The signature of `name` while it is being parsed (None if not read yet)."""
        return self._in_progress.get(name)

    def module(self) -> IRModule:
        """The module of the functions parsed so far, in declaration order."""
        if self._module is None:
            functions = {
                gv: self._functions[name]
                for name, gv in self.gvs.items()
                if name in self._functions
            }
            self._module = IRModule(Map(functions))
        return self._module

    def parse_all(self) -> IRModule:
        """Parse every function (in declaration order) and return them as a module."""
        for name in self.gvs:
            self.require(name)
        return self.module()


class ModuleRef:
    """The class name inside its own body (``cls = Module``): ``cls.f`` is function f."""

    __loom_dialect__ = "module"

    def __init__(self, context: ModuleContext):
        self._context = context

    def function(self, name: str) -> GlobalVar:
        """The `GlobalVar` of function `name`; raise if the module has none."""
        gvs = self._context.gvs
        if name in gvs:
            return gvs[name]
        close = difflib.get_close_matches(name, list(gvs), n=1)
        note = f" (did you mean {close[0]}?)" if close else ""
        raise LoomError(f"module {self._context.class_name} has no function {name!r}{note}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.function(name)

    def __repr__(self) -> str:
        return f"<module {self._context.class_name} being parsed>"


def bind_module_names(context: ModuleContext, names: dict[str, Any]) -> None:
    """Make the class name and every function name visible to the functions' bodies."""
    names[context.class_name] = context.ref
    names.update(context.gvs)
