"""Source locations: every parsed node points back at the text it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, eq=False)
class SourceFile:
    """The text a script was parsed from; `line_offset` maps its lines to the real file."""

    name: str
    text: str
    line_offset: int = 0
    # The text split once: the parser asks for a line per node it makes a span of.
    _lines: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lines", tuple(self.text.splitlines()))

    def line(self, lineno: int) -> str:
        """Return line `lineno` (1-based, in real-file numbering) without its newline."""
        lines = self._lines
        index = lineno - 1 - self.line_offset
        return lines[index] if 0 <= index < len(lines) else ""


@dataclass(frozen=True, slots=True)
class Span:
    """A range of source text: 1-based lines, 0-based columns, end exclusive."""

    source: SourceFile
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.source.name}:{self.line}:{self.col + 1}"
