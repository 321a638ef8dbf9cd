"""Errors for bad input: a message, and where the input has a source, the line with a caret."""

from __future__ import annotations

from .span import Span


class LoomError(Exception):
    """The base of every error Loom raises for bad input.

    `str(err)` renders ``error: message``, ``--> file:line:col``, the source line and a ``^^^``
    underline below the offending text, then any ``note:`` lines.
    """

    def __init__(self, message: str, span: Span | None = None, notes: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.span = span
        self.notes = tuple(notes)

    @property
    def line(self) -> int | None:
        """The 1-based line of the offending text, if known."""
        return self.span.line if self.span else None

    @property
    def col(self) -> int | None:
        """The 1-based column of the offending text, if known."""
        return self.span.col + 1 if self.span else None

    def __str__(self) -> str:
        return render(self.message, self.span, self.notes)


class ParseError(LoomError):
    """The script text is not a valid Loom program."""


class TypeCheckError(LoomError):
    """Operands of an IR node disagree in type (dtype, arity, kind)."""


class StructInfoError(LoomError):
    """A graph expression's struct info is wrong: shapes provably disagree, bad dtype or rank."""


class WellFormedError(LoomError):
    """An IR function breaks a whole-function rule (e.g. a variable used before definition)."""


class PassError(LoomError):
    """A pass met input it cannot transform (e.g. blocks left where a pass needs loops)."""


class StructuralEqualError(LoomError):
    """Two IR objects that were asserted equal differ."""


class InterpreterError(LoomError):
    """The reference interpreter met a program it cannot run (bad index, unknown intrinsic)."""


def render(message: str, span: Span | None, notes: tuple[str, ...] = ()) -> str:
    """Render a diagnostic in the one format Loom uses everywhere."""
    out = [f"error: {message}"]
    if span is not None:
        out.append(f"  --> {span}")
        text = span.source.line(span.line)
        if text:
            end = span.end_col if span.end_line == span.line else len(text)
            width = max(1, end - span.col)
            gutter = f"{span.line} | "
            out.append(" " * (len(gutter) - 2) + "|")
            out.append(gutter + text)
            out.append(" " * (len(gutter) - 2) + "| " + " " * span.col + "^" * width)
    out.extend(f"  note: {note}" for note in notes)
    return "\n".join(out)
