"""Visitors and mutators: dispatch on node class through a table of ``visit_<snake_case>``.

Each IR family subclasses these. A node class without its own method falls back to a base
class's method, then to the field-driven generic walk, so new node types need no boilerplate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from .container import Map
from .node import Node, child_fields, replace, snake_case


class Functor:
    """Calls ``self.visit_<snake_case(ClassName)>(node)``; the table is built once per class."""

    _dispatch: ClassVar[dict[type, Callable[..., Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._dispatch = {}

    def visit(self, node: Any) -> Any:
        """Visit one node."""
        table = type(self)._dispatch
        method = table.get(type(node))
        if method is None:
            method = table[type(node)] = self._resolve(type(node))
        return method(self, node)

    @classmethod
    def _resolve(cls, node_cls: type) -> Callable[..., Any]:
        for base in node_cls.__mro__:
            method = getattr(cls, "visit_" + snake_case(base.__name__), None)
            if method is not None:
                return method
        return cls.generic_visit

    def generic_visit(self, node: Any) -> Any:
        """What to do with a node that has no visit method of its own."""
        raise NotImplementedError(f"{type(self).__name__} cannot visit {type(node).__name__}")


class Visitor(Functor):
    """Walks every child node; override ``visit_<kind>`` and call `generic_visit` to recurse."""

    def generic_visit(self, node: Any) -> None:
        """Visit every child of `node`."""
        for name in child_fields(type(node)):
            self.visit_value(getattr(node, name))

    def visit_value(self, value: Any) -> None:
        """Visit a field value: a node, a tuple of values, or a mapping."""
        if isinstance(value, Node):
            self.visit(value)
        elif isinstance(value, tuple):
            for item in value:
                self.visit_value(item)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self.visit_value(key)
                self.visit_value(item)


class Mutator(Functor):
    """Rebuilds nodes whose children changed; returns the same object when nothing did.

    Binders (variables, buffers) are memoised by identity, so every use of a rebuilt binder
    refers to the one new object and the binding stays intact.
    """

    def __init__(self) -> None:
        self._binders: dict[int, tuple[Any, Any]] = {}

    def visit(self, node: Any) -> Any:
        """Visit one node; a binder is rebuilt at most once."""
        if not getattr(node, "_binder", False):
            return Functor.visit(self, node)
        memo = self.__dict__.setdefault("_binders", {})
        hit = memo.get(id(node))
        if hit is None:
            hit = memo[id(node)] = (node, Functor.visit(self, node))
        return hit[1]

    def generic_visit(self, node: Any) -> Any:
        """Mutate every child of `node`; rebuild it only if a child changed."""
        changes = {}
        for name in child_fields(type(node)):
            old = getattr(node, name)
            new = self.visit_value(old)
            if new is not old:
                changes[name] = new
        return replace(node, **changes) if changes else node

    def visit_value(self, value: Any) -> Any:
        """Mutate a field value: a node, a tuple of values, or a mapping."""
        if isinstance(value, Node):
            return self.visit(value)
        if isinstance(value, tuple):
            items = tuple(self.visit_value(item) for item in value)
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if isinstance(value, Mapping):
            pairs = [(self.visit_value(k), self.visit_value(v)) for k, v in value.items()]
            same = all(
                k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)
            )
            return value if same else Map(dict(pairs))
        return value
