"""An immutable, ordered mapping for IR fields (buffer maps, attributes, module functions)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Map(Mapping[K, V], Generic[K, V]):
    """A read-only dict that keeps insertion order; IR nodes hold these instead of dicts."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | None = None, /, **kwargs: V):
        data = dict(items or {})
        data.update(kwargs)
        object.__setattr__(self, "_items", data)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Map is immutable")

    def __repr__(self) -> str:
        return f"Map({self._items!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def set(self, key: K, value: V) -> Map[K, V]:
        """Return a copy with `key` bound to `value`."""
        data = dict(self._items)
        data[key] = value
        return Map(data)

    def remove(self, key: K) -> Map[K, V]:
        """Return a copy without `key`."""
        data = dict(self._items)
        del data[key]
        return Map(data)
