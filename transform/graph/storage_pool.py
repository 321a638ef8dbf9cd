"""The storage pool of static memory planning: which storage each tensor is placed in.

Tensors are requested in binding order and released after their last use; a request reuses a
free storage of the same kind (dtype, scope, device) when it provably fits:

- a constant size takes the smallest free constant storage at least as large, else grows the
  largest free constant storage (one of at least 1/16 of the size: growing a much smaller one
  saves little), else a new storage;
- a symbolic size takes a free storage of provably equal size, else one it provably fits in,
  else grows one it provably exceeds (by at most 16 times) whose size uses the same
  variables, else a new storage of exactly its size (sizes are non-negative; declared upper
  bounds of size variables are facts of the analyzer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loom.ir import DataType
from loom.ir.tir import IntImm, PrimExpr, const
from loom.ir.tir.arith import Analyzer, free_vars

GROW_RATIO = 16
"""A free constant storage grows for a request at most this many times its size."""


@dataclass(frozen=True)
class StorageKind:
    """What storages must agree on to be shared: element dtype, scope and device."""

    dtype: DataType
    scope: str = "global"
    device: int = 0


@dataclass(eq=False)
class Storage:
    """One planned storage: its kind and size in bytes (an int when constant)."""

    kind: StorageKind
    size: int | PrimExpr
    users: int = 0

    @property
    def size_expr(self) -> PrimExpr:
        """The size as an int64 expression."""
        return const(self.size, "int64") if isinstance(self.size, int) else self.size


@dataclass
class StoragePool:
    """Free and used storages of one planning region (see the module docstring)."""

    analyzer: Analyzer
    storages: list[Storage] = field(default_factory=list)
    free: list[Storage] = field(default_factory=list)

    def request(self, kind: StorageKind, size: int | PrimExpr) -> Storage:
        """A storage for a tensor of `size` bytes, reused or new; it is in use until released."""
        if isinstance(size, IntImm):
            size = size.value
        candidates = [s for s in self.free if s.kind == kind]
        chosen = (
            self._constant(candidates, size)
            if isinstance(size, int)
            else self._symbolic(candidates, size)
        )
        if chosen is None:
            chosen = Storage(kind, size)
            self.storages.append(chosen)
        else:
            self.free.remove(chosen)
        chosen.users += 1
        return chosen

    def release(self, storage: Storage) -> None:
        """The tensor placed in `storage` is dead: others may use the storage now."""
        assert storage not in self.free, "a storage is released twice"
        self.free.append(storage)

    def _constant(self, candidates: list[Storage], size: int) -> Storage | None:
        constant = [s for s in candidates if isinstance(s.size, int)]
        large = [s for s in constant if s.size >= size]  # type: ignore[operator]
        if large:
            return min(large, key=lambda s: s.size)  # type: ignore[arg-type, return-value]
        small = [s for s in constant if s.size * GROW_RATIO >= size]  # type: ignore[operator]
        if small:
            chosen = max(small, key=lambda s: s.size)  # type: ignore[arg-type, return-value]
            chosen.size = size
            return chosen
        fits = [s for s in candidates if not isinstance(s.size, int) and self._fits(size, s)]
        return fits[0] if fits else None

    def _symbolic(self, candidates: list[Storage], size: PrimExpr) -> Storage | None:
        for storage in candidates:
            if self.analyzer.can_prove_equal(storage.size_expr, size):
                return storage
        for storage in candidates:
            if self._fits(size, storage):
                return storage
        variables = set(free_vars(size))
        for storage in candidates:
            # Grow a storage the size provably exceeds: its allocation, before its first
            # tensor, can compute the new size when that uses no other variables.
            old = storage.size_expr
            if variables <= set(free_vars(old)) and self.analyzer.can_prove(
                (old <= size) & (size <= old * GROW_RATIO)
            ):
                storage.size = size
                return storage
        return None

    def _fits(self, size: int | PrimExpr, storage: Storage) -> bool:
        needed = const(size, "int64") if isinstance(size, int) else size
        return self.analyzer.can_prove(needed <= storage.size_expr)
