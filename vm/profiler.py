"""Profiling mode: time every kernel and packed-function call of a VM run, report a table.

`VirtualMachine.profile` decodes the program a second time with each kernel and packed call
wrapped in a timer; the plain program is untouched, so profiling costs nothing when off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter_ns
from typing import Any


@dataclass(frozen=True)
class ProfileRow:
    """Calls of one function-table entry during a profiled run."""

    name: str
    kind: str  # "kernel", "builtin" or "extern"
    calls: int
    total_s: float

    @property
    def mean_us(self) -> float:
        """Mean time per call in microseconds."""
        return self.total_s / self.calls * 1e6 if self.calls else 0.0


class ProfileRecorder:
    """Accumulates call counts and times per callee for the wrapped callables it hands out."""

    def __init__(self) -> None:
        self._entries: dict[str, list[Any]] = {}

    def wrap(self, name: str, kind: str, f: Callable[..., Any]) -> Callable[..., Any]:
        """`f`, timed into the row for `name`."""
        entry = self._entries.setdefault(name, [kind, 0, 0])

        def timed(*args: Any) -> Any:
            start = perf_counter_ns()
            try:
                return f(*args)
            finally:
                entry[1] += 1
                entry[2] += perf_counter_ns() - start

        return timed

    def reset(self) -> None:
        """Zero every row."""
        for entry in self._entries.values():
            entry[1] = entry[2] = 0

    def rows(self) -> list[ProfileRow]:
        """The rows with at least one call, slowest first."""
        rows = [
            ProfileRow(name, kind, calls, ns / 1e9)
            for name, (kind, calls, ns) in self._entries.items()
            if calls
        ]
        return sorted(rows, key=lambda r: (-r.total_s, r.name))


@dataclass(frozen=True)
class ProfileReport:
    """What `VirtualMachine.profile` returns: the rows, the run's wall time and its result."""

    function: str
    rows: tuple[ProfileRow, ...]
    total_s: float
    result: Any

    @property
    def interpreter_s(self) -> float:
        """Wall time not spent inside kernels or packed functions: the interpreter's share."""
        return max(self.total_s - sum(r.total_s for r in self.rows), 0.0)

    def table(self) -> str:
        """The report as an aligned text table."""
        header = ("name", "kind", "calls", "total us", "mean us", "%")
        total = self.total_s or 1e-30
        body = [
            (r.name, r.kind, str(r.calls), f"{r.total_s * 1e6:.1f}", f"{r.mean_us:.2f}",
             f"{100 * r.total_s / total:.1f}")
            for r in self.rows
        ]  # fmt: skip
        body.append(
            ("(interpreter)", "", "", f"{self.interpreter_s * 1e6:.1f}", "",
             f"{100 * self.interpreter_s / total:.1f}")
        )  # fmt: skip
        body.append(("total", "", "", f"{self.total_s * 1e6:.1f}", "", "100.0"))
        widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]

        def line(row: tuple[str, ...]) -> str:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
            cells += [cell.rjust(w) for cell, w in zip(row[2:], widths[2:], strict=True)]
            return "  ".join(cells).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join(
            [f"profile of {self.function!r}", line(header), rule, *map(line, body[:-1]), rule,
             line(body[-1])]
        )  # fmt: skip

    def __str__(self) -> str:
        return self.table()
