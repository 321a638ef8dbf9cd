"""Pass instruments: code that runs around every pass of a `PassContext`.

`PassTiming` measures each pass (a nested report table), `PrintIR` prints the module before or
after named passes, and `VerifyIR` checks the module after every pass (well-formedness by
default; the test suite adds the printer round trip with `check_round_trip`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from loom.ir import IRModule, LoomError, PassError, structural_equal

if TYPE_CHECKING:
    from .pass_infra import Pass


class PassInstrument:
    """Hooks called around every pass run in a context; override the ones you need."""

    def enter_pass_ctx(self) -> None:
        """The context holding this instrument is entered."""

    def exit_pass_ctx(self) -> None:
        """The context holding this instrument is left."""

    def should_run(self, mod: IRModule, pass_: Pass) -> bool:
        """Whether `pass_` runs at all (every instrument must agree)."""
        return True

    def run_before_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Just before `pass_` transforms `mod`."""

    def run_after_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Just after `pass_` produced `mod`."""

    def run_failed_pass(self, mod: IRModule, pass_: Pass) -> None:
        """`pass_` raised on `mod` (no `run_after_pass` follows)."""


@dataclass(frozen=True)
class PassTime:
    """One run of one pass: its nesting depth (a `Sequential`'s passes sit one deeper)."""

    name: str
    depth: int
    seconds: float


class PassTiming(PassInstrument):
    """Wall time of every pass run; `report()` renders them as a nested table.

    The records start afresh each time a context holding the instrument is entered.
    """

    def __init__(self) -> None:
        self.records: list[PassTime] = []
        self._open: list[tuple[int, float]] = []  # (record index, start time)

    def enter_pass_ctx(self) -> None:
        """Start a fresh record."""
        self.records.clear()
        self._open.clear()

    def run_before_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Open a record (filled in when the pass ends)."""
        self.records.append(PassTime(pass_.name, len(self._open), 0.0))
        self._open.append((len(self.records) - 1, time.perf_counter()))

    def run_after_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Close the innermost record."""
        self._close()

    def run_failed_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Close the innermost record: the time until the failure counts."""
        self._close()

    def _close(self) -> None:
        index, start = self._open.pop()
        record = self.records[index]
        self.records[index] = PassTime(record.name, record.depth, time.perf_counter() - start)

    def total(self, name: str) -> float:
        """Seconds spent in every run of the pass called `name`."""
        return sum(r.seconds for r in self.records if r.name == name)

    def report(self) -> str:
        """A table of the runs in order: pass (indented by nesting), milliseconds, share."""
        top = sum(r.seconds for r in self.records if r.depth == 0) or 1e-12
        rows = [(("  " * r.depth) + r.name, r.seconds * 1e3, 100 * r.seconds / top)
                for r in self.records]  # fmt: skip
        width = max([len("pass"), *(len(name) for name, _, _ in rows)])
        lines = [f"{'pass':<{width}}  {'ms':>10}  {'%':>6}", "-" * (width + 20)]
        lines += [f"{name:<{width}}  {ms:>10.3f}  {share:>6.1f}" for name, ms, share in rows]
        return "\n".join(lines)


class PrintIR(PassInstrument):
    """Print the module's script before and/or after the passes with the given names.

    `print_all` prints after every pass. Output goes to `stream` (default: stdout).
    """

    def __init__(
        self,
        before: Iterable[str] = (),
        after: Iterable[str] = (),
        *,
        print_all: bool = False,
        stream: TextIO | None = None,
    ) -> None:
        self.before = frozenset(before)
        self.after = frozenset(after)
        self.print_all = print_all
        self.stream = stream

    def run_before_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Print if `pass_` is named in `before`."""
        if pass_.name in self.before:
            self._print(f"before {pass_.name}", mod)

    def run_after_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Print if `pass_` is named in `after` (or every pass, with `print_all`)."""
        if self.print_all or pass_.name in self.after:
            self._print(f"after {pass_.name}", mod)

    def _print(self, title: str, mod: IRModule) -> None:
        stream = self.stream if self.stream is not None else sys.stdout
        stream.write(f"# ---- IR {title} ----\n{mod.script()}\n")


Check = Callable[[IRModule], None]


def check_well_formed(mod: IRModule) -> None:
    """Raise `WellFormedError` unless every prim_func and graph function of `mod` is sound."""
    from loom.ir import graph
    from loom.ir.tir import well_formed

    well_formed(mod)
    graph.well_formed(mod)


def check_round_trip(mod: IRModule) -> None:
    """Raise `PassError` unless ``parse(print(mod))`` is structurally equal to `mod`."""
    from loom.script import from_source

    text = mod.script()
    again = from_source(text)
    if not structural_equal(mod, again):
        raise PassError("the printed module does not parse back to the same IR", notes=(text,))
    if again.script() != text:
        raise PassError("printing the parsed module again gives different text", notes=(text,))


class VerifyIR(PassInstrument):
    """Run checks on the module after every pass; a failure names the pass that broke it.

    The default check is `check_well_formed`; pass ``checks=(check_well_formed,
    check_round_trip)`` to also require that the printer round-trips every intermediate module.
    `Sequential` passes are not checked themselves (their inner passes are).
    """

    def __init__(self, checks: Iterable[Check] = (check_well_formed,)) -> None:
        self.checks = tuple(checks)

    def run_after_pass(self, mod: IRModule, pass_: Pass) -> None:
        """Check `mod`; raise `PassError` on the first failed check."""
        from .pass_infra import Sequential

        if isinstance(pass_, Sequential):
            return
        for check in self.checks:
            try:
                check(mod)
            except LoomError as err:
                raise PassError(
                    f"the IR after pass {pass_.name} fails {check.__name__}: {err.message}",
                    err.span,
                    err.notes,
                ) from err
