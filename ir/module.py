"""The IRModule: the one container of graph functions and prim_funcs, keyed by `GlobalVar`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .container import Map
from .diagnostics import LoomError
from .node import Node


@dataclass(frozen=True, slots=True, eq=False)
class GlobalVar(Node):
    """The name of a function in a module; compared by name. Script: ``cls.name`` or ``name``."""

    name_hint: str


@dataclass(frozen=True, slots=True, eq=False)
class BaseFunc(Node):
    """Base of every function kind a module holds (prim_funcs, graph functions)."""

    def script(self) -> str:
        """Print this function as canonical script text."""
        from loom.script import printer

        return printer.script(self)

    def __str__(self) -> str:
        return self.script()


@dataclass(frozen=True, slots=True, eq=False)
class IRModule(Node):
    """Functions in declaration order, by `GlobalVar`, plus module attributes.

    Script: an ``@I.ir_module`` class whose methods are the functions.
    """

    functions: Map[GlobalVar, BaseFunc] = field(default_factory=Map)
    attrs: Map[str, Any] = field(default_factory=Map)

    @staticmethod
    def from_functions(functions: dict[str, BaseFunc], attrs: dict | None = None) -> IRModule:
        """Build a module from functions by name."""
        return IRModule(Map({GlobalVar(n): f for n, f in functions.items()}), Map(attrs or {}))

    def global_var(self, name: str) -> GlobalVar:
        """The `GlobalVar` of the function called `name`."""
        for gv in self.functions:
            if gv.name_hint == name:
                return gv
        raise LoomError(f"module has no function named {name!r}")

    def __getitem__(self, key: str | GlobalVar) -> BaseFunc:
        gv = self.global_var(key) if isinstance(key, str) else key
        return self.functions[gv]

    def __contains__(self, key: str | GlobalVar) -> bool:
        name = key if isinstance(key, str) else key.name_hint
        return any(gv.name_hint == name for gv in self.functions)

    def with_function(self, key: str | GlobalVar, func: BaseFunc) -> IRModule:
        """Return a module where `key` names `func` (added at the end if new)."""
        name = key if isinstance(key, str) else key.name_hint
        gv = self.global_var(name) if name in self else GlobalVar(name)
        return IRModule(self.functions.set(gv, func), self.attrs, span=self.span)

    def without_function(self, key: str | GlobalVar) -> IRModule:
        """Return a module without `key`."""
        gv = self.global_var(key) if isinstance(key, str) else key
        return IRModule(self.functions.remove(gv), self.attrs, span=self.span)

    def script(self) -> str:
        """Print the module as canonical script text (a valid Python file)."""
        from loom.script import printer

        return printer.script(self)

    def __str__(self) -> str:
        return self.script()
