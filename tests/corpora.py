"""The two round-trip corpora (TIR programs, graph modules) and the loader they share.

Each corpus is a folder of theme modules that define decorated programs at module level and list
them in ``CASES``. The folders are imported by path as packages (``tests/script`` is not a
package, and the name ``script`` would clash with ``loom.script``).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

SCRIPT_TESTS = Path(__file__).resolve().parent / "script"


def tir_corpus() -> ModuleType:
    """The TIR corpus package (``tests/script/corpus``)."""
    return _package("loom_corpus", SCRIPT_TESTS / "corpus")


def graph_corpus() -> ModuleType:
    """The graph-module corpus package (``tests/script/graph_corpus``)."""
    return _package("loom_graph_corpus", SCRIPT_TESTS / "graph_corpus")


def _package(name: str, root: Path) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, root / "__init__.py", submodule_search_locations=[str(root)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class Corpus:
    """Every case that loaded, and for each theme that did not import, its traceback."""

    cases: list[Any] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def by_name(self) -> dict[str, Any]:
        """Cases keyed by name."""
        return {c.name: c for c in self.cases}


def definitions(path: Path, kinds: tuple[type, ...]) -> dict[str, str]:
    """Source text of each top-level definition of `kinds` in a file, decorators included."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, kinds):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out[node.name] = "".join(lines[first - 1 : node.end_lineno])
    return out


Fill = Callable[[str, ModuleType, dict[str, str]], list[Any]]


def load_themes(package: str, themes: Sequence[str], kinds: tuple[type, ...], fill: Fill) -> Corpus:
    """Import every theme of `package`, collect its cases with `fill`; keep going on errors."""
    corpus = Corpus()
    root = Path(sys.modules[package].__file__).parent
    for theme in themes:
        try:
            module = importlib.import_module(f"{package}.{theme}")
            corpus.cases.extend(fill(theme, module, definitions(root / f"{theme}.py", kinds)))
        except Exception:
            corpus.errors[theme] = traceback.format_exc()
    names = [c.name for c in corpus.cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        corpus.errors["<registry>"] = f"duplicate case names: {duplicates}"
    return corpus
