"""Reading script source: from a decorated function or class, or from a string.

Decorated objects are located in their whole file (found through `linecache`, as `inspect` does),
so spans carry the real file name, line and column with no dedenting.
"""

from __future__ import annotations

import ast
import linecache
import textwrap
from dataclasses import dataclass, field
from types import FrameType, FunctionType

from loom.ir import LoomError, ParseError, SourceFile, Span

_USE_FROM_SOURCE = (
    "the source text of {what} cannot be read (was it created by exec of a string?); "
    "parse the text with loom.script.from_source(text) instead"
)


@dataclass(frozen=True)
class Source:
    """A parsed Python text and the file it came from; turns AST positions into spans."""

    file: SourceFile
    tree: ast.Module
    _definitions: dict[str, list[ast.AST]] = field(default_factory=dict, repr=False)

    def definitions(self, name: str) -> list[ast.AST]:
        """Every ``def`` and ``class`` called `name`, at any depth."""
        if not self._definitions:
            for node in ast.walk(self.tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    self._definitions.setdefault(node.name, []).append(node)
        return self._definitions.get(name, [])

    def span(self, node: ast.AST) -> Span:
        """The span of an AST node (real line numbers, 0-based character columns)."""
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        col = self._char_col(line, node.col_offset)  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self._char_col(end_line, end_col) if end_col is not None else col + 1
        return Span(self.file, line, col, end_line, end)

    def _char_col(self, line: int, byte_col: int) -> int:
        # ast columns count UTF-8 bytes; spans count characters.
        text = self.file.line(line)
        if text.isascii():
            return byte_col
        return len(text.encode()[:byte_col].decode(errors="replace"))


def source_of_text(text: str, name: str = "<string>") -> Source:
    """Parse script text; a Python syntax error becomes a `ParseError` at its position.

    Text indented as a whole (a triple-quoted string in a test) is dedented first.
    """
    if text[:1].isspace():
        text = textwrap.dedent(text)
    file = SourceFile(name, text)
    try:
        tree = ast.parse(text, filename=name)
    except SyntaxError as err:
        line = err.lineno or 1
        col = max((err.offset or 1) - 1, 0)
        end_line = err.end_lineno or line
        end_col = (err.end_offset or 0) - 1 if err.end_lineno == line else col + 1
        span = Span(file, line, col, end_line, max(end_col, col + 1))
        raise ParseError(f"invalid Python syntax: {err.msg}", span) from None
    return Source(file, tree)


def source_of_function(func: FunctionType) -> tuple[Source, ast.FunctionDef]:
    """The file holding `func` and the `def` node of it."""
    code = func.__code__
    source = _file_source(code.co_filename, func.__globals__, f"function {func.__name__}")
    for node in source.definitions(func.__name__):
        if isinstance(node, ast.FunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if code.co_firstlineno in (first, node.lineno):
                return source, node
    raise LoomError(_USE_FROM_SOURCE.format(what=f"function {func.__name__}"))


def source_of_class(cls: type, frame: FrameType) -> tuple[Source, ast.ClassDef]:
    """The file holding class `cls`, whose decorator runs in `frame`, and its `class` node."""
    what = f"class {cls.__name__}"
    source = _file_source(frame.f_code.co_filename, frame.f_globals, what)
    line = frame.f_lineno
    candidates = [
        node for node in source.definitions(cls.__name__) if isinstance(node, ast.ClassDef)
    ]
    # The decorator runs on a line of its class; the innermost class holding it is the one.
    around = [
        node
        for node in candidates
        if min([node.lineno, *(d.lineno for d in node.decorator_list)])
        <= line
        <= (node.end_lineno or line)
    ]
    if around:
        return source, max(around, key=lambda node: node.lineno)
    if len(candidates) == 1:  # called as I.ir_module(cls), not as a decorator
        return source, candidates[0]
    raise LoomError(_USE_FROM_SOURCE.format(what=what))


_FILES: dict[str, tuple[list[str], Source]] = {}


def _file_source(filename: str, module_globals: dict, what: str) -> Source:
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        raise LoomError(_USE_FROM_SOURCE.format(what=what))
    cached = _FILES.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    text = "".join(lines)
    try:
        source = Source(SourceFile(filename, text), ast.parse(text, filename=filename))
    except SyntaxError:
        raise LoomError(_USE_FROM_SOURCE.format(what=what)) from None
    _FILES[filename] = (lines, source)
    return source
