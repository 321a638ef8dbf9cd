"""Structural equality and hashing of IR, derived from the node fields.

Both walk a value in pre-order and compare a stream of tokens. Binders (variables, buffers) are
numbered by first appearance, so two functions that differ only in names compare equal:
bound variables are compared positionally, and so are free ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .diagnostics import StructuralEqualError
from .node import Node, compared_fields

# A path is a linked list of steps, (parent_path, step), built only as far as the walk goes.
Path = tuple | None


def _tokens(root: Any) -> Iterator[tuple[Any, Path, Any]]:
    binder_ids: dict[int, int] = {}
    stack: list[tuple[Any, Path]] = [(root, None)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, Node):
            cls = type(value)
            if cls._binder:
                index = binder_ids.get(id(value))
                if index is not None:
                    yield ("ref", index), path, value
                    continue
                binder_ids[id(value)] = len(binder_ids)
                yield ("def", cls), path, value
            else:
                yield (cls,), path, value
            names = compared_fields(cls)
            for name in reversed(names):
                stack.append((getattr(value, name), (path, "." + name)))
        elif isinstance(value, tuple | list):
            yield ("tuple", len(value)), path, value
            for i in range(len(value) - 1, -1, -1):
                stack.append((value[i], (path, f"[{i}]")))
        elif isinstance(value, Mapping):
            yield ("map", len(value)), path, value
            for key, item in reversed(list(value.items())):
                label = f"[{key!r}]" if isinstance(key, str | int) else f"[{_describe(key)}]"
                stack.append((item, (path, label)))
                stack.append((key, (path, label + ".key")))
        elif isinstance(value, float):
            yield ("float", "nan" if math.isnan(value) else value), path, value
        elif isinstance(value, np.ndarray):
            yield ("array", value.shape, str(value.dtype), value.tobytes()), path, value
        else:
            yield (type(value), value), path, value


def structural_equal(lhs: Any, rhs: Any) -> bool:
    """Whether two IR values are equal up to the names and identities of binders."""
    return _first_difference(lhs, rhs) is None


def structural_hash(value: Any) -> int:
    """A hash consistent with `structural_equal` (stable within one process)."""
    return hash(tuple(token for token, _, _ in _tokens(value)))


def assert_structural_equal(lhs: Any, rhs: Any) -> None:
    """Raise `StructuralEqualError` naming the path of the first difference, if any."""
    diff = _first_difference(lhs, rhs)
    if diff is None:
        return
    path, left, right = diff
    raise StructuralEqualError(
        f"structural mismatch at {path}",
        notes=(f"lhs: {_describe(left)}", f"rhs: {_describe(right)}"),
    )


def _first_difference(lhs: Any, rhs: Any) -> tuple[str, Any, Any] | None:
    left_tokens, right_tokens = _tokens(lhs), _tokens(rhs)
    for left in left_tokens:
        right = next(right_tokens, None)
        if right is None:
            return _render_path(left[1]), left[2], "<nothing>"
        if left[0] != right[0]:
            path = _render_path(left[1])
            if left[0][0] in ("tuple", "map") and right[0][0] == left[0][0]:
                path += f" (length {left[0][1]} vs {right[0][1]})"
            return path, left[2], right[2]
    right = next(right_tokens, None)
    if right is not None:
        return _render_path(right[1]), "<nothing>", right[2]
    return None


def _render_path(path: Path) -> str:
    steps = []
    while path is not None:
        path, step = path
        steps.append(step)
    return "root" + "".join(reversed(steps))


def _describe(value: Any) -> str:
    try:
        text = str(value) if isinstance(value, Node) else repr(value)
    except Exception:  # the printer may not handle a fragment; the repr always works
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."
