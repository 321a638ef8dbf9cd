"""The TIR round-trip corpus: user-written TVMScript programs, one module per theme.

Each theme module defines decorated programs at module level (so importing it exercises the
decorator path) and lists them in ``CASES``; `load` imports every theme, attaches to each case
the object the decorator built and the program's own source text (sliced from the module file
by line range), and keeps going when a theme fails to import.

Tests import it by path through ``corpora.tir_corpus`` (``tests/corpora.py``).
"""

from __future__ import annotations

import ast
from functools import cache
from types import ModuleType

from corpora import Corpus, load_themes

from loom.script import from_source

from ._case import Case

THEMES = (
    "elementwise",
    "reduction",
    "linalg",
    "nn",
    "control",
    "memory",
    "intrinsics",
    "dtypes",
    "gpu",
    "modules",
    "future_annotations",
    "text",
)


def _fill(theme: str, module: ModuleType, sources: dict[str, str]) -> list[Case]:
    cases = list(module.CASES)
    for c in cases:
        c.theme = theme
        if c.text is not None:
            c.source = c.text
            try:
                c.obj = from_source(c.text)
            except Exception as err:  # reported by the tests that use the case
                c.error = err
        else:
            if c.name not in sources:
                raise LookupError(f"{theme}: no module-level def or class named {c.name}")
            c.source = sources[c.name]
            c.obj = getattr(module, c.name)
    return cases


@cache
def load() -> Corpus:
    """Import every theme module and collect its cases."""
    return load_themes(__name__, THEMES, (ast.FunctionDef, ast.ClassDef), _fill)
