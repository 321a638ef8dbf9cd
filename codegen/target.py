"""`Target`: what code generation compiles for (``"llvm"``: this host's CPU and its features).

A target is a plain value: a kind, the CPU name, the feature string, and code-generation options
(fast-math, optimization level, thread pool). ``Target("llvm")`` asks LLVM for the host CPU.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from loom.ir import LoomError


class TargetError(LoomError):
    """A target string or option that Loom cannot compile for."""


@cache
def _host() -> tuple[str, str]:
    import llvmlite.binding as llvm

    features = llvm.get_host_cpu_features().flatten()
    return llvm.get_host_cpu_name(), features


@dataclass(frozen=True)
class Target:
    """A compilation target.

    Spelled as a string, ``"llvm -mcpu=znver4 -mattr=+avx2 -fast-math -opt-level=2"``; options
    left out take the host's values. `fast_math` lets LLVM reassociate and ignore NaN and
    infinity (off by default: results then match the reference interpreter bit for bit where the
    operations are exact). `num_threads` caps the parallel-loop thread pool (0: every core).
    """

    kind: str = "llvm"
    mcpu: str = ""
    mattr: str = ""
    fast_math: bool = False
    opt_level: int = 3
    num_threads: int = 0

    def __post_init__(self) -> None:
        if self.kind != "llvm":
            raise TargetError(f"unknown target kind {self.kind!r}: this build compiles 'llvm'")
        if self.opt_level not in (0, 1, 2, 3):
            raise TargetError(f"opt level must be 0 to 3, not {self.opt_level}")
        if self.num_threads < 0:
            raise TargetError(f"num_threads must be non-negative, not {self.num_threads}")
        if not self.mcpu:
            cpu, features = _host()
            object.__setattr__(self, "mcpu", cpu)
            if not self.mattr:
                object.__setattr__(self, "mattr", features)

    @staticmethod
    def parse(text: str) -> Target:
        """Read a target string such as ``"llvm -fast-math"``."""
        kind, *options = text.split()
        if not kind:
            raise TargetError("empty target string")
        fields: dict[str, Any] = {}
        for option in options:
            key, _, value = option.lstrip("-").partition("=")
            if key == "mcpu" and value:
                fields["mcpu"] = value
            elif key == "mattr" and value:
                fields["mattr"] = value
            elif key == "fast-math" and not value:
                fields["fast_math"] = True
            elif key == "opt-level" and value.isdigit():
                fields["opt_level"] = int(value)
            elif key == "num-threads" and value.isdigit():
                fields["num_threads"] = int(value)
            else:
                raise TargetError(
                    f"unknown target option {option!r} in {text!r} (known: -mcpu=, -mattr=, "
                    "-fast-math, -opt-level=, -num-threads=)"
                )
        return Target(kind, **fields)

    def with_options(self, **changes: Any) -> Target:
        """This target with some options changed."""
        return replace(self, **changes)

    @property
    def is_host(self) -> bool:
        """Whether this is the CPU (and feature set) of the machine that compiles."""
        return (self.mcpu, self.mattr) == _host()

    def __str__(self) -> str:
        parts = [self.kind]
        if not self.is_host:
            parts.append(f"-mcpu={self.mcpu}")
            if self.mattr:
                parts.append(f"-mattr={self.mattr}")
        if self.fast_math:
            parts.append("-fast-math")
        if self.opt_level != 3:
            parts.append(f"-opt-level={self.opt_level}")
        if self.num_threads:
            parts.append(f"-num-threads={self.num_threads}")
        return " ".join(parts)


def as_target(target: str | Target | None) -> Target:
    """A `Target` from a target string, a `Target`, or None (the host)."""
    if target is None:
        return Target()
    if isinstance(target, Target):
        return target
    if isinstance(target, str):
        return Target.parse(target)
    raise TargetError(f"expected a target string or Target, not {type(target).__name__}")
