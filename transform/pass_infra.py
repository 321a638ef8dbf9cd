"""Passes: module-to-module transformations, their function-level form, and `Sequential`.

A pass is a small frozen dataclass whose fields are its options. Class attributes describe it:
`name` (the class name unless set), `opt_level` (the lowest context opt level at which
`Sequential` runs it) and `required` (names of passes that must run before it). Calling a pass
runs it under the current `PassContext`, with the context's instruments around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from loom.ir import IRModule, LoomError, PassError
from loom.ir.tir import PrimFunc

from .context import PassContext

Target = TypeVar("Target", IRModule, PrimFunc)


@dataclass(frozen=True)
class Pass:
    """A transformation of an `IRModule`; subclasses implement `transform_module`.

    `transform_module` returns a new module, or the same object when nothing changed, and never
    mutates its input. Bad input raises `PassError`.
    """

    # Class-level description (not dataclass fields: a pass's fields are its options).
    name = ""
    opt_level: ClassVar[int] = 0
    required: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Return the transformed module."""
        raise NotImplementedError(f"{type(self).__name__} does not implement transform_module")

    def __call__(self, target: Target, ctx: PassContext | None = None) -> Target:
        """Run the pass on a module (or on one prim_func, returning the prim_func)."""
        ctx = ctx if ctx is not None else PassContext.current()
        if isinstance(target, PrimFunc):
            name = str(target.attrs.get("global_symbol", "main"))
            out = run_pass(self, IRModule.from_functions({name: target}), ctx)
            func = out[name]
            assert isinstance(func, PrimFunc), "a pass keeps prim_funcs prim_funcs"
            return func
        if not isinstance(target, IRModule):
            raise PassError(
                f"pass {self.name} runs on an IRModule or a PrimFunc, not {type(target).__name__}"
            )
        return run_pass(self, target, ctx)


def run_pass(pass_: Pass, mod: IRModule, ctx: PassContext) -> IRModule:
    """Run one pass with the context's instruments around it."""
    instruments = ctx.instruments
    if not all(instrument.should_run(mod, pass_) for instrument in instruments):
        return mod
    for instrument in instruments:
        instrument.run_before_pass(mod, pass_)
    try:
        out = pass_.transform_module(mod, ctx)
    except LoomError as err:
        for instrument in instruments:
            instrument.run_failed_pass(mod, pass_)
        note = f"in pass {pass_.name}"
        if not any(n.startswith("in pass ") for n in err.notes):
            err.notes = (*err.notes, note)
        raise
    except BaseException:
        for instrument in instruments:
            instrument.run_failed_pass(mod, pass_)
        raise
    assert isinstance(out, IRModule), f"pass {pass_.name} returned {type(out).__name__}"
    for instrument in instruments:
        instrument.run_after_pass(out, pass_)
    return out


@dataclass(frozen=True)
class PrimFuncPass(Pass):
    """A pass applied to each prim_func of a module on its own; other functions stay as they are."""

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Return the transformed prim_func (the same object when nothing changed)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement transform_function")

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Transform every prim_func, keeping the module when none changed."""
        out = mod
        for gv, func in mod.functions.items():
            if not isinstance(func, PrimFunc):
                continue
            new = self.transform_function(func, ctx)
            if new is not func:
                out = IRModule(out.functions.set(gv, new), out.attrs, span=out.span)
        return out


@dataclass(frozen=True)
class Sequential(Pass):
    """Passes run in order; each is skipped when the context does not enable it.

    A pass listed after one of its `required` passes is fine; one listed before it is a
    mistake caught here (`PassError`), since the requirement could never hold.
    """

    passes: tuple[Pass, ...] = ()
    name: str = "Sequential"  # type: ignore[misc]

    def __post_init__(self) -> None:
        object.__setattr__(self, "passes", tuple(self.passes))
        for item in self.passes:
            if not isinstance(item, Pass):
                raise PassError(f"Sequential takes passes, not {type(item).__name__}")
        order = {p.name: k for k, p in enumerate(self.passes)}
        for k, item in enumerate(self.passes):
            for needed in item.required:
                if needed in order and order[needed] > k:
                    raise PassError(
                        f"{self.name}: pass {item.name} requires {needed}, which comes after it"
                    )

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Run the enabled passes in order."""
        for item in self.passes:
            if ctx.pass_enabled(item):
                mod = run_pass(item, mod, ctx)
        return mod
