"""The graph round-trip corpus: whole ``@I.ir_module`` modules mixing graph functions and
prim_funcs, one theme per file.

Each theme module defines decorated modules at module level (importing it exercises the
decorator path) and lists them in ``CASES``; `load` imports every theme, attaches to each case
the module the decorator built and the class's own source text (sliced from the theme file by
line range), and keeps going when a theme fails to import.

Tests import it by path through ``corpora.graph_corpus`` (``tests/corpora.py``).
"""

from __future__ import annotations

import ast
from functools import cache
from types import ModuleType

from corpora import Corpus, load_themes

from ._case import Case

THEMES = (
    "models",
    "elementwise",
    "reduction",
    "manipulation",
    "nn",
    "calls",
    "control",
    "struct_info",
    "constants",
    "dtypes",
    "seed",
)


def _fill(theme: str, module: ModuleType, sources: dict[str, str]) -> list[Case]:
    cases = list(module.CASES)
    for c in cases:
        if c.name not in sources:
            raise LookupError(f"{theme}: no module-level class named {c.name}")
        c.theme = theme
        c.source = sources[c.name]
        c.obj = getattr(module, c.name)
        c.namespace = dict(vars(module)) if c.env else None
    return cases


@cache
def load() -> Corpus:
    """Import every theme module and collect its cases."""
    return load_themes(__name__, THEMES, (ast.ClassDef,), _fill)
