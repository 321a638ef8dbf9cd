"""The import header of a printed file: one real import line per dialect the text uses."""

from __future__ import annotations

# Dialect alias -> module of loom.script, in the order the import lines appear.
DIALECTS = {"I": "ir", "R": "relax", "T": "tir"}


def import_lines(used: set[str]) -> list[str]:
    """``from loom.script import tir as T`` lines for the dialects in `used`, sorted by module."""
    pairs = sorted((module, alias) for alias, module in DIALECTS.items() if alias in used)
    return [f"from loom.script import {module} as {alias}" for module, alias in pairs]


def file_text(used: set[str], body_lines: list[str]) -> str:
    """A whole Python file: imports, two blank lines, the body, a final newline."""
    return "\n".join([*import_lines(used), "", "", *body_lines]) + "\n"
