"""The namer: names belong to the printer, not to the IR.

Every binder gets a legal, unique, deterministic Python identifier from its name hint; names that
the printed text itself needs (``T``, ``I``, ``R``, ``range``, keywords) are never handed out.
"""

from __future__ import annotations

import keyword
import re

# Names the text uses (dialect modules, the loop builtin) or that Python reserves.
RESERVED = frozenset(keyword.kwlist) | {"T", "I", "R", "range"}

_INVALID = re.compile(r"[^A-Za-z0-9_]")


def legalize(hint: str) -> str:
    """Turn a hint into an identifier: ASCII letters, digits and ``_``; no leading digit.

    Only ASCII is kept on purpose: Python folds Unicode identifiers with NFKC, so two different
    Unicode hints could become one Python name.
    """
    text = _INVALID.sub("_", hint) or "v"
    return "_" + text if text[0].isdigit() else text


def is_legal_name(text: str) -> bool:
    """Whether `text` is already an identifier the namer could hand out unchanged."""
    return legalize(text) == text and text not in RESERVED


class Namer:
    """Hands out unique names within one scope (one function, or one printed fragment)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def fresh(self, hint: str) -> str:
        """A new name from `hint`: the legal form, else its first free ``_1``, ``_2``, ..."""
        base = legalize(hint)
        if base not in self._used and base not in RESERVED:
            self._used.add(base)
            return base
        suffix = 1
        while f"{base}_{suffix}" in self._used:
            suffix += 1
        name = f"{base}_{suffix}"
        self._used.add(name)
        return name
