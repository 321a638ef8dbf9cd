"""Buffer accesses, alias scopes and allocation.

An access ``B[i, j]`` reads element ``elem_offset + i * stride0 + j * stride1`` of the memory
behind ``B.data`` (flattened buffers have one index and no offset, and cost nothing more). A
vector index that is ``Ramp(base, 1, n)`` is one contiguous vector access; any other vector
index is done lane by lane. Data variables known not to alias (every allocation, and in a
``tir.noalias`` function every pointer variable) each get an LLVM alias scope, so loads and
stores through one are known not to touch another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llvmlite import ir

from loom.ir import DataType
from loom.ir.tir import (
    Add,
    Broadcast,
    Buffer,
    IntImm,
    PrimExpr,
    Ramp,
    Var,
    const,
)

from ..errors import CodegenError
from .types import I32, I64, PTR, VOID, from_storage, storage_type, to_storage

if TYPE_CHECKING:
    from .emitter import FunctionEmitter


class AliasScopes:
    """One alias-scope domain per function; one scope per noalias data variable.

    Allocations always get a scope (their memory is new). Other pointer variables get one only
    when `enabled` (the function is ``tir.noalias``: distinct data variables do not overlap).
    """

    def __init__(self, module: ir.Module, name: str):
        self.module = module
        self.name = name
        self.enabled = False
        self._domain: ir.MDValue | None = None
        self._scopes: dict[Var, ir.MDValue] = {}
        self._lists: dict[Var, tuple[ir.MDValue, ir.MDValue]] = {}

    def has(self, var: Var) -> bool:
        """Whether `var` has a scope."""
        return var in self._scopes

    def add(self, var: Var, fresh: bool = False) -> None:
        """Declare that `var` points to memory no other scoped variable reaches.

        `fresh` says that is certain (a new allocation); otherwise it holds under noalias only.
        """
        if not (fresh or self.enabled):
            return
        if self._domain is None:
            self._domain = self.module.add_metadata(
                [ir.MetaDataString(self.module, f"loom.{self.name}")]
            )
        label = f"loom.{self.name}.{var.name_hint}.{len(self._scopes)}"
        scope = self.module.add_metadata([ir.MetaDataString(self.module, label), self._domain])
        self._scopes[var] = scope
        self._lists.clear()

    def annotate(self, instr: ir.Instruction, var: Var) -> None:
        """Mark a load or store through `var` with its scope."""
        if var not in self._scopes:
            return
        lists = self._lists.get(var)
        if lists is None:
            own = self.module.add_metadata([self._scopes[var]])
            others = [s for v, s in self._scopes.items() if v is not var]
            lists = self._lists[var] = (own, self.module.add_metadata(others))
        instr.set_metadata("alias.scope", lists[0])
        if len(self._scopes) > 1:
            instr.set_metadata("noalias", lists[1])


def check_buffer(buffer: Buffer) -> None:
    """Refuse buffers whose elements are vectors (accesses address scalar elements)."""
    if buffer.dtype.is_vector:
        raise CodegenError(f"buffer {buffer.name} has vector elements ({buffer.dtype})")


def flat_index(buffer: Buffer, indices: tuple[PrimExpr, ...]) -> PrimExpr:
    """The element offset of ``buffer[indices]`` from its data pointer, as an expression."""
    if len(indices) == 1 and _is_zero(buffer.elem_offset) and not buffer.strides:
        return indices[0]
    strides = list(buffer.strides)
    if not strides:
        step: PrimExpr = const(1, buffer.index_dtype)
        for extent in reversed(buffer.shape):
            strides.insert(0, step)
            step = step * extent
    offset: PrimExpr = buffer.elem_offset
    for index, stride in zip(indices, strides):
        offset = offset + index * stride
    return offset


def _is_zero(expr: PrimExpr) -> bool:
    return isinstance(expr, IntImm) and expr.value == 0


def contiguous_base(index: PrimExpr) -> PrimExpr | None:
    """The scalar first index of a vector index ``Ramp(base, 1, n)`` (+ a broadcast), or None."""
    if isinstance(index, Ramp):
        stride = index.stride
        return index.base if isinstance(stride, IntImm) and stride.value == 1 else None
    if isinstance(index, Add):
        for ramp, other in ((index.a, index.b), (index.b, index.a)):
            if isinstance(other, Broadcast):
                base = contiguous_base(ramp)
                if base is not None:
                    return base + other.value
    return None


def _pointer(state: FunctionEmitter, buffer: Buffer) -> ir.Value:
    check_buffer(buffer)
    value = state.lookup(buffer.data)
    if value.type != PTR:
        raise CodegenError(f"{state.name}: data of buffer {buffer.name} is not a pointer")
    return value


def _addresses(
    state: FunctionEmitter, buffer: Buffer, indices: tuple[PrimExpr, ...], lanes: int
) -> ir.Value | list[ir.Value]:
    """The address of the access (one for a scalar or contiguous vector), or one per lane."""
    b, base = state.builder, _pointer(state, buffer)
    element = storage_type(buffer.dtype.element)
    index = flat_index(buffer, indices)
    first = index if lanes == 1 else contiguous_base(index)
    if first is not None:
        return b.gep(base, [state.exprs.index(first)], source_etype=element)
    positions = state.exprs.index(index)
    return [
        b.gep(base, [b.extract_element(positions, ir.Constant(I32, k))], source_etype=element)
        for k in range(lanes)
    ]


def load(
    state: FunctionEmitter, buffer: Buffer, indices: tuple[PrimExpr, ...], t: DataType
) -> ir.Value:
    """Read ``buffer[indices]`` as a register value of dtype `t`."""
    b, align = state.builder, buffer.dtype.bytes
    where = _addresses(state, buffer, indices, t.lanes)
    if not isinstance(where, list):
        raw = b.load(where, typ=storage_type(t), align=align)
        state.scopes.annotate(raw, buffer.data)
        return from_storage(b, raw, t)
    lanes = ir.Constant(storage_type(t), None)
    for k, address in enumerate(where):
        raw = b.load(address, typ=storage_type(t.element), align=align)
        state.scopes.annotate(raw, buffer.data)
        lanes = b.insert_element(lanes, raw, ir.Constant(I32, k))
    return from_storage(b, lanes, t)


def store(
    state: FunctionEmitter, buffer: Buffer, indices: tuple[PrimExpr, ...], value: ir.Value,
    t: DataType,
) -> None:  # fmt: skip
    """Write the register value `value` of dtype `t` to ``buffer[indices]``."""
    b, align = state.builder, buffer.dtype.bytes
    raw = to_storage(b, value, t)
    where = _addresses(state, buffer, indices, t.lanes)
    if not isinstance(where, list):
        state.scopes.annotate(b.store(raw, where, align=align), buffer.data)
        return
    for k, address in enumerate(where):
        lane = b.extract_element(raw, ir.Constant(I32, k))
        state.scopes.annotate(b.store(lane, address, align=align), buffer.data)


# Allocation ----------------------------------------------------------------------------------

STACK_LIMIT = 64 * 1024
"""Largest allocation (bytes) put on the stack when no pass chose the storage."""
ALIGN = 64


def constant_size(extents: tuple[PrimExpr, ...]) -> int | None:
    """The element count of constant extents, or None if one is symbolic."""
    count = 1
    for extent in extents:
        if not isinstance(extent, IntImm):
            return None
        count *= extent.value
    return count


def stack_slot(state: FunctionEmitter, t: DataType, count: int, name: str) -> ir.Value:
    """Entry-block stack memory for `count` elements of `t`."""
    ty = ir.ArrayType(storage_type(t.element), max(count * t.lanes, 1))
    return state.alloca(ty, name=name, align=ALIGN)


def heap_block(state: FunctionEmitter, size: ir.Value, name: str) -> ir.Value:
    """``aligned_alloc(64, size rounded up to 64)``; fails the function if it returns NULL."""
    b = state.builder
    alloc = state.module.function("aligned_alloc", ir.FunctionType(PTR, [I64, I64]))
    rounded = b.and_(b.add(size, ir.Constant(I64, ALIGN - 1)), ir.Constant(I64, -ALIGN))
    # aligned_alloc(64, 0) may return NULL; ask for one block instead.
    rounded = b.select(b.icmp_unsigned("==", rounded, ir.Constant(I64, 0)),
                       ir.Constant(I64, ALIGN), rounded)  # fmt: skip
    pointer = b.call(alloc, [ir.Constant(I64, ALIGN), rounded])
    failed = b.icmp_unsigned("==", b.ptrtoint(pointer, I64), ir.Constant(I64, 0))
    with b.if_then(failed, likely=False):
        state.raise_text(f"{state.name}: out of memory allocating {name}")
    return pointer


def free(state: FunctionEmitter, pointer: ir.Value) -> None:
    """Release memory from `heap_block`."""
    fn = state.module.function("free", ir.FunctionType(VOID, [PTR]))
    state.builder.call(fn, [pointer])
