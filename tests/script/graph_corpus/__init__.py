"""The graph round-trip corpus: whole ``@I.ir_module`` modules mixing graph functions and
prim_funcs, one theme per file.

Each theme module defines decorated modules at module level (importing it exercises the
decorator path) and lists them in ``CASES``; `load` imports every theme, attaches to each case
the module the decorator built and the class's own source text (sliced from the theme file by
line range), and keeps going when a theme fails to import.

Tests load this package by path under the name ``loom_graph_corpus`` (``tests/script`` is not a
package, and the name ``script`` would clash with ``loom.script``).
"""

from __future__ import annotations

import ast
import importlib
import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

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


@dataclass
class Corpus:
    """Every case that loaded, and for each theme that did not import, its traceback."""

    cases: list[Case] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def by_name(self) -> dict[str, Case]:
        """Cases keyed by name."""
        return {c.name: c for c in self.cases}


def definitions(path: Path) -> dict[str, str]:
    """Source text of each top-level class of a file, decorators included."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out[node.name] = "".join(lines[first - 1 : node.end_lineno])
    return out


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
    corpus = Corpus()
    root = Path(__file__).parent
    for theme in THEMES:
        try:
            module = importlib.import_module(f"{__name__}.{theme}")
            corpus.cases.extend(_fill(theme, module, definitions(root / f"{theme}.py")))
        except Exception:
            corpus.errors[theme] = traceback.format_exc()
    names = [c.name for c in corpus.cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        corpus.errors["<registry>"] = f"duplicate case names: {duplicates}"
    return corpus
