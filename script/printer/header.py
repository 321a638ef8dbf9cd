"""The import header of a printed file: one real import line per dialect the text uses.

A file whose graph functions keep large constants in the metadata table also defines that table,
``metadata = I.metadata("<base64>")``, right after the imports.
"""

from __future__ import annotations

# Dialect alias -> module of loom.script, in the order the import lines appear.
DIALECTS = {"I": "ir", "R": "relax", "T": "tir"}


def import_lines(used: set[str]) -> list[str]:
    """``from loom.script import tir as T`` lines for the dialects in `used`, sorted by module."""
    pairs = sorted((module, alias) for alias, module in DIALECTS.items() if alias in used)
    return [f"from loom.script import {module} as {alias}" for module, alias in pairs]


def file_text(used: set[str], body_lines: list[str], metadata: str | None = None) -> str:
    """A whole Python file: imports, the metadata line if any, two blank lines, the body."""
    if metadata is None:
        return "\n".join([*import_lines(used), "", "", *body_lines]) + "\n"
    table = f'metadata = I.metadata("{metadata}")'  # base64 needs no escaping
    lines = [*import_lines(used | {"I"}), "", table, "", "", *body_lines]
    return "\n".join(lines) + "\n"
