"""`PrimFunc`: a tensor-level function, the unit that codegen compiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..container import Map
from ..dtype import DataType
from ..module import BaseFunc
from .buffer import Buffer
from .expr import Var
from .stmt import Stmt


@dataclass(frozen=True, slots=True, eq=False)
class PrimFunc(BaseFunc):
    """A loop program over buffers.

    `params` are scalar or handle variables; `buffer_map` binds handle params to the buffers
    the body uses. Script: ``@T.prim_func def f(A: T.Buffer((n,), "float32")): ...``.
    """

    params: tuple[Var, ...]
    body: Stmt
    buffer_map: Map[Var, Buffer] = field(default_factory=Map)
    attrs: Map[str, Any] = field(default_factory=Map)
    ret_type: DataType | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        if not isinstance(self.buffer_map, Map):
            object.__setattr__(self, "buffer_map", Map(self.buffer_map))
        if not isinstance(self.attrs, Map):
            object.__setattr__(self, "attrs", Map(self.attrs))

    def with_attr(self, key: str, value: Any) -> PrimFunc:
        """Return a copy with one attribute set."""
        from ..node import replace

        return replace(self, attrs=self.attrs.set(key, value))
