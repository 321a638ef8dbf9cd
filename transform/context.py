"""`PassContext`: the settings every pass reads while it runs (opt level, config, instruments).

Enter one with ``with PassContext(opt_level=3, config={"tir.vector_width": 8}):``; passes find
it with `PassContext.current()`. Config keys are registered with a type and a default
(`register_config`), so a misspelt key or a wrongly typed value fails when the context is made,
not silently inside a pass.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from loom.ir import PassError

if TYPE_CHECKING:
    from .instruments import PassInstrument
    from .pass_infra import Pass


@dataclass(frozen=True)
class ConfigOption:
    """A registered config key: the types its value may have, its default, what it means."""

    key: str
    types: tuple[type, ...]
    default: Any
    doc: str

    def check(self, value: Any) -> None:
        """Raise `PassError` unless `value` has one of the option's types."""
        if value is None and self.default is None:
            return
        ok = isinstance(value, self.types)
        if isinstance(value, bool) and bool not in self.types:
            ok = False  # bool is an int subclass; an int option wants a number
        if not ok:
            names = " or ".join(t.__name__ for t in self.types)
            raise PassError(
                f"config {self.key!r} must be {names}, not {type(value).__name__} ({value!r})"
            )


_OPTIONS: dict[str, ConfigOption] = {}


def register_config(key: str, types: type | tuple[type, ...], default: Any, doc: str) -> None:
    """Register a config key (idempotent for the same key); passes do this at import."""
    if key not in _OPTIONS:
        kinds = types if isinstance(types, tuple) else (types,)
        _OPTIONS[key] = ConfigOption(key, kinds, default, doc)


def config_options() -> dict[str, ConfigOption]:
    """Every registered config key."""
    return dict(_OPTIONS)


_CURRENT: contextvars.ContextVar[PassContext | None] = contextvars.ContextVar(
    "loom_pass_context", default=None
)


class PassContext:
    """Opt level, typed config and instruments for the passes run inside it.

    A pass whose `opt_level` exceeds the context's is skipped by `Sequential` unless it is in
    `required_passes`; a pass named in `disabled_passes` is always skipped.
    """

    def __init__(
        self,
        opt_level: int = 2,
        config: Mapping[str, Any] | None = None,
        instruments: Iterable[PassInstrument] = (),
        disabled_passes: Iterable[str] = (),
        required_passes: Iterable[str] = (),
    ) -> None:
        if isinstance(opt_level, bool) or not isinstance(opt_level, int) or opt_level < 0:
            raise PassError(f"opt_level must be a non-negative int, not {opt_level!r}")
        self.opt_level = opt_level
        self.config: dict[str, Any] = {}
        for key, value in (config or {}).items():
            option = _OPTIONS.get(key)
            if option is None:
                known = ", ".join(sorted(_OPTIONS)) or "none"
                raise PassError(f"unknown pass config {key!r} (known: {known})")
            option.check(value)
            self.config[key] = value
        self.instruments: tuple[PassInstrument, ...] = tuple(instruments)
        self.disabled_passes = frozenset(disabled_passes)
        self.required_passes = frozenset(required_passes)
        self._tokens: list[contextvars.Token] = []

    @staticmethod
    def current() -> PassContext:
        """The innermost entered context, or a default one (opt level 2, no instruments)."""
        ctx = _CURRENT.get()
        return ctx if ctx is not None else _DEFAULT

    def get_config(self, key: str) -> Any:
        """The value of a registered config key: the context's, or the key's default."""
        option = _OPTIONS.get(key)
        if option is None:
            raise PassError(f"unknown pass config {key!r}")
        return self.config.get(key, option.default)

    def pass_enabled(self, pass_: Pass) -> bool:
        """Whether `Sequential` runs `pass_` in this context."""
        if pass_.name in self.disabled_passes:
            return False
        return pass_.name in self.required_passes or pass_.opt_level <= self.opt_level

    def __enter__(self) -> PassContext:
        self._tokens.append(_CURRENT.set(self))
        for instrument in self.instruments:
            instrument.enter_pass_ctx()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            for instrument in self.instruments:
                instrument.exit_pass_ctx()
        finally:
            _CURRENT.reset(self._tokens.pop())

    def __repr__(self) -> str:
        return (
            f"PassContext(opt_level={self.opt_level}, config={self.config}, "
            f"instruments={list(self.instruments)})"
        )


_DEFAULT = PassContext()
