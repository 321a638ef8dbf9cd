"""The node base every IR class derives from: immutable fields declared once.

Traversal, structural equality, hashing and rebuilding are all derived from the declared fields.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from .span import Span


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """An immutable IR node. ``==`` is identity; use `structural_equal` to compare values.

    Subclasses are frozen slotted dataclasses. `span` is keyword-only, last, and ignored by
    structural equality. A binder class (a variable, a buffer) sets `_binder`: structural
    equality maps binders positionally, ignoring the fields named in `_ignored`.
    """

    _binder: ClassVar[bool] = False
    _ignored: ClassVar[tuple[str, ...]] = ()

    span: Span | None = field(default=None, kw_only=True, repr=False)

    def with_span(self, span: Span | None) -> Node:
        """Return this node with another span."""
        return dataclasses.replace(self, span=span)


@cache
def child_fields(cls: type) -> tuple[str, ...]:
    """Names of the constructor fields of a node class, without `span`, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init and f.name != "span")


@cache
def compared_fields(cls: type) -> tuple[str, ...]:
    """Fields that structural equality looks at: children minus a binder's ignored names."""
    ignored = getattr(cls, "_ignored", ())
    return tuple(name for name in child_fields(cls) if name not in ignored)


def replace(node: Any, **changes: Any) -> Any:
    """Return a copy of `node` with some fields changed (the span is kept)."""
    return dataclasses.replace(node, **changes)


_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")


@cache
def snake_case(name: str) -> str:
    """``BufferLoad`` -> ``buffer_load``; ``EQ`` -> ``eq``; ``IRModule`` -> ``ir_module``."""
    return _CAMEL.sub(r"\1_\2", _ACRONYM.sub(r"\1_\2", name)).lower()
