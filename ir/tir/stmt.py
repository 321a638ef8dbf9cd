"""TensorIR statements: loops, blocks, stores, control flow and allocation."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from ..container import Map
from ..diagnostics import TypeCheckError
from ..dtype import DataType, dtype
from ..node import Node
from .buffer import Buffer
from .expr import PrimExpr, Var, check_indices, convert


@dataclass(frozen=True, slots=True, eq=False)
class Stmt(Node):
    """Base of statements."""

    def __str__(self) -> str:
        from loom.script import printer

        return printer.stmt_text(self)


class ForKind(enum.Enum):
    """How a loop's iterations run. Script: ``range``/``T.serial``, ``T.parallel``, ..."""

    SERIAL = "serial"
    PARALLEL = "parallel"
    VECTORIZED = "vectorized"
    UNROLLED = "unroll"
    THREAD_BINDING = "thread_binding"


class IterType(enum.Enum):
    """What a block iteration variable means: data-parallel, reduction, ordered or opaque."""

    DATA_PAR = "S"
    COMM_REDUCE = "R"
    ORDERED = "scan"
    OPAQUE = "opaque"
    THREAD_INDEX = "thread"


@dataclass(frozen=True, slots=True, eq=False)
class Range(Node):
    """The half-open interval ``[min, min + extent)``. Script: ``lo:hi`` in regions."""

    min: PrimExpr
    extent: PrimExpr

    def __post_init__(self) -> None:
        if not isinstance(self.min, PrimExpr) and isinstance(self.extent, PrimExpr):
            object.__setattr__(self, "min", convert(self.min, self.extent.dtype))
        object.__setattr__(self, "min", convert(self.min))
        object.__setattr__(self, "extent", convert(self.extent, self.min.dtype))
        if self.min.dtype != self.extent.dtype:
            raise TypeCheckError(
                f"range bounds differ in dtype: {self.min.dtype} and {self.extent.dtype}", self.span
            )

    @staticmethod
    def from_bounds(begin: Any, end: Any) -> Range:
        """The range ``[begin, end)``."""
        begin = convert(begin)
        return Range(begin, convert(end, begin.dtype) - begin)


@dataclass(frozen=True, slots=True, eq=False)
class IterVar(Node):
    """A variable with a domain and a meaning (`IterType`); blocks and thread loops use these."""

    var: Var
    dom: Range | None
    iter_type: IterType
    thread_tag: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class BufferRegion(Node):
    """A rectangular part of a buffer. Script: ``A[i, 0:n]``."""

    buffer: Buffer
    region: tuple[Range, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "region", tuple(self.region))
        if len(self.region) != self.buffer.ndim:
            raise TypeCheckError(
                f"region of {self.buffer.name} has {len(self.region)} dimensions, "
                f"the buffer has {self.buffer.ndim}",
                self.span,
            )

    @staticmethod
    def full(buffer: Buffer) -> BufferRegion:
        """The whole buffer."""
        return BufferRegion(buffer, tuple(Range(convert(0, e.dtype), e) for e in buffer.shape))


@dataclass(frozen=True, slots=True, eq=False)
class MatchBufferRegion(Node):
    """Inside a block, `buffer` views `source`. Script: ``B = T.match_buffer(A[i, 0:4], (4,))``."""

    buffer: Buffer
    source: BufferRegion


@dataclass(frozen=True, slots=True, eq=False)
class For(Stmt):
    """``for loop_var in [min, min + extent)``, run as `kind` says.

    Script: ``for i in range(n)``, ``T.serial``, ``T.parallel``, ``T.vectorized``, ``T.unroll``,
    ``T.thread_binding(n, thread="threadIdx.x")``.
    """

    loop_var: Var
    min: PrimExpr
    extent: PrimExpr
    kind: ForKind
    body: Stmt
    thread_binding: IterVar | None = None
    annotations: Map[str, Any] = field(default_factory=Map)

    def __post_init__(self) -> None:
        if self.min.dtype != self.loop_var.dtype or self.extent.dtype != self.loop_var.dtype:
            raise TypeCheckError(
                f"loop {self.loop_var.name_hint}: min and extent must be "
                f"{self.loop_var.dtype}, not {self.min.dtype} and {self.extent.dtype}",
                self.span,
            )
        if (self.kind is ForKind.THREAD_BINDING) != (self.thread_binding is not None):
            raise TypeCheckError("a thread-bound loop needs a thread binding, and only it")


@dataclass(frozen=True, slots=True, eq=False)
class While(Stmt):
    """Repeat `body` while `condition` holds. Script: ``while cond:``."""

    condition: PrimExpr
    body: Stmt


@dataclass(frozen=True, slots=True, eq=False)
class BufferStore(Stmt):
    """``buffer[indices] = value``."""

    buffer: Buffer
    value: PrimExpr
    indices: tuple[PrimExpr, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "indices", tuple(self.indices))
        check_indices(self.buffer, self.indices, self.span)
        lanes = max((index.dtype.lanes for index in self.indices), default=1)
        expected = self.buffer.dtype.with_lanes(lanes)
        if self.value.dtype != expected:
            raise TypeCheckError(
                f"cannot store a value of dtype {self.value.dtype} into {self.buffer.name}, "
                f"a buffer of {expected}",
                self.span,
            )


@dataclass(frozen=True, slots=True, eq=False)
class Block(Stmt):
    """A unit of computation with declared iteration variables and buffer regions.

    `init` runs on the first iteration of the reduction variables. Script: ``with T.block():``.
    """

    iter_vars: tuple[IterVar, ...]
    reads: tuple[BufferRegion, ...]
    writes: tuple[BufferRegion, ...]
    name_hint: str
    body: Stmt
    init: Stmt | None = None
    alloc_buffers: tuple[Buffer, ...] = ()
    match_buffers: tuple[MatchBufferRegion, ...] = ()
    annotations: Map[str, Any] = field(default_factory=Map)


@dataclass(frozen=True, slots=True, eq=False)
class BlockRealize(Stmt):
    """A block instance: iteration values bound to the block's vars, run where `predicate`."""

    iter_values: tuple[PrimExpr, ...]
    predicate: PrimExpr
    block: Block

    def __post_init__(self) -> None:
        object.__setattr__(self, "iter_values", tuple(self.iter_values))
        if len(self.iter_values) != len(self.block.iter_vars):
            raise TypeCheckError(
                f"block {self.block.name_hint} has {len(self.block.iter_vars)} iteration "
                f"variables but {len(self.iter_values)} values",
                self.span,
            )


@dataclass(frozen=True, slots=True, eq=False)
class SeqStmt(Stmt):
    """Statements run in order (two or more)."""

    seq: tuple[Stmt, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "seq", tuple(self.seq))
        if len(self.seq) < 2:
            raise TypeCheckError("SeqStmt needs at least two statements; use the statement")


def seq(*stmts: Stmt) -> Stmt:
    """Sequence statements, flattening nested sequences; one statement stays as it is."""
    flat: list[Stmt] = []
    for stmt in stmts:
        flat.extend(stmt.seq if isinstance(stmt, SeqStmt) else (stmt,))
    return flat[0] if len(flat) == 1 else SeqStmt(tuple(flat))


@dataclass(frozen=True, slots=True, eq=False)
class IfThenElse(Stmt):
    """``if condition: then_case else: else_case``."""

    condition: PrimExpr
    then_case: Stmt
    else_case: Stmt | None = None

    def __post_init__(self) -> None:
        if not self.condition.dtype.is_bool:
            raise TypeCheckError(f"if condition must be bool, not {self.condition.dtype}")


@dataclass(frozen=True, slots=True, eq=False)
class LetStmt(Stmt):
    """`var` bound to `value` in `body`. Script: ``x: T.int32 = value``."""

    var: Var
    value: PrimExpr
    body: Stmt

    def __post_init__(self) -> None:
        if self.var.dtype != self.value.dtype:
            raise TypeCheckError(
                f"cannot bind {self.var.name_hint}: {self.var.dtype} to a {self.value.dtype} value",
                self.span,
            )


@dataclass(frozen=True, slots=True, eq=False)
class Allocate(Stmt):
    """Memory for `extents` elements of `dtype`, named by `buffer_var`, live in `body`.

    Script: ``data = T.allocate([n], "float32", "global")``.
    """

    buffer_var: Var
    dtype: DataType
    extents: tuple[PrimExpr, ...]
    condition: PrimExpr
    body: Stmt
    scope: str = "global"
    annotations: Map[str, Any] = field(default_factory=Map)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", dtype(self.dtype))
        object.__setattr__(self, "extents", tuple(convert(e) for e in self.extents))


@dataclass(frozen=True, slots=True, eq=False)
class DeclBuffer(Stmt):
    """Declares `buffer` for use in `body`. Script: ``A = T.decl_buffer((n,), "float32")``."""

    buffer: Buffer
    body: Stmt


@dataclass(frozen=True, slots=True, eq=False)
class Evaluate(Stmt):
    """Evaluate an expression for its effect. Script: ``T.evaluate(value)``."""

    value: PrimExpr


@dataclass(frozen=True, slots=True, eq=False)
class AssertStmt(Stmt):
    """Fail with `message` unless `condition`, then run `body`. Script: ``assert c, "m"``."""

    condition: PrimExpr
    message: str
    body: Stmt
