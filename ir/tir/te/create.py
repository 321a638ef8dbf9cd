"""`create_prim_func`: lower a te program to the block-based prim_func one would write by hand.

Each compute stage becomes a nest of serial loops (output dimensions, then reduce axes) around
one block named after the stage, with spatial and reduction iteration variables ``v_<loop>``
bound to the loop variables, regions inferred from the body, and for a reduction an `init`
that stores the reducer's identity. Stages that are not arguments become buffers allocated by a
root block around the whole body, as TVM does.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...container import Map
from ...dtype import dtype
from ...functor import Mutator, Visitor
from ...node import replace
from ..buffer import Buffer
from ..expr import BufferLoad, PrimExpr, Var, const, convert
from ..function import PrimFunc
from ..regions import infer_block_regions
from ..stmt import (
    Block,
    BlockRealize,
    BufferStore,
    For,
    ForKind,
    IterType,
    IterVar,
    Range,
    Stmt,
    seq,
)
from .reduce import Reduction
from .tensor import Compute, Placeholder, TeError, Tensor


def create_prim_func(args: Sequence[Tensor | Var], name: str = "main") -> PrimFunc:
    """The prim_func computing every compute tensor in `args` from the other arguments.

    `args` lists the function's parameters in order: tensors (inputs and outputs, bound as
    buffers) and scalar variables. Every placeholder a computed tensor reads must be among
    them; computed tensors that are not become intermediate buffers.
    """
    tensors, params, buffer_map = _params(args)
    stages = _stages(tensors)
    is_arg = {id(t) for t in tensors}
    for tensor in _reached(tensors):
        if isinstance(tensor.op, Placeholder) and id(tensor) not in is_arg:
            readers = [s.name for s in stages if any(t is tensor for t in _op(s).inputs)]
            raise TeError(
                f"placeholder {tensor.name} is read by {', '.join(readers)} but is not an "
                f"argument of create_prim_func"
            )
    if not stages:
        raise TeError("create_prim_func needs at least one computed tensor among its arguments")
    intermediates = tuple(s.buffer for s in stages if id(s) not in is_arg)
    _check_bound(args, stages, intermediates)
    body: Stmt = seq(*(_stage(s) for s in stages))
    if intermediates:
        root = Block((), (), (), "root", body, alloc_buffers=intermediates)
        body = BlockRealize((), const(True), root)
    attrs = {"global_symbol": name, "tir.noalias": True}
    return PrimFunc(tuple(params), body, Map(buffer_map), attrs=Map(attrs))


def _params(args: Sequence[Tensor | Var]) -> tuple[list[Tensor], list[Var], dict[Var, Buffer]]:
    if isinstance(args, Tensor | Var) or not isinstance(args, Sequence):
        raise TeError("create_prim_func takes a list of tensors and variables")
    tensors, params, buffer_map, seen = [], [], {}, set()
    for arg in args:
        if id(arg) in seen:
            raise TeError(f"create_prim_func lists {_label(arg)} twice")
        seen.add(id(arg))
        if isinstance(arg, Tensor):
            handle = Var(arg.name, dtype("handle"))
            tensors.append(arg)
            params.append(handle)
            buffer_map[handle] = arg.buffer
        elif isinstance(arg, Var) and not arg.dtype.is_handle:
            params.append(arg)
        else:
            raise TeError(
                f"create_prim_func arguments are tensors and scalar variables, not {arg!r}"
            )
    return tensors, params, buffer_map


def _label(arg: object) -> str:
    return arg.name if isinstance(arg, Tensor) else getattr(arg, "name_hint", repr(arg))


def _reached(tensors: list[Tensor]) -> list[Tensor]:
    """Every tensor the arguments depend on (themselves included), inputs before consumers."""
    order: list[Tensor] = []
    done: set[int] = set()

    def visit(tensor: Tensor) -> None:
        if id(tensor) in done:
            return
        done.add(id(tensor))
        if isinstance(tensor.op, Compute):
            for source in tensor.op.inputs:
                visit(source)
        order.append(tensor)

    for tensor in tensors:
        visit(tensor)
    return order


def _stages(tensors: list[Tensor]) -> list[Tensor]:
    return [t for t in _reached(tensors) if isinstance(t.op, Compute)]


def _op(tensor: Tensor) -> Compute:
    assert isinstance(tensor.op, Compute), "only compute tensors are stages"
    return tensor.op


def _stage(tensor: Tensor) -> Stmt:
    """The loop nest and block of one compute stage."""
    op = _op(tensor)
    body = op.body
    reduce_axes = body.axis if isinstance(body, Reduction) else ()
    loops: list[tuple[Var, PrimExpr, PrimExpr]] = []
    iter_vars: list[IterVar] = []
    mapping: dict[Var, Var] = {}
    for axis, extent in zip(op.axis, tensor.shape):
        _nest(axis, convert(0, extent.dtype), extent, IterType.DATA_PAR, loops, iter_vars, mapping)
    for axis in reduce_axes:
        _nest(axis, axis.dom.min, axis.dom.extent, IterType.COMM_REDUCE, loops, iter_vars, mapping)
    indices = tuple(iv.var for iv in iter_vars[: len(op.axis)])
    rename = _Rename(mapping)
    init = None
    if isinstance(body, Reduction):
        accumulator = BufferLoad(tensor.buffer, indices)
        value = body.reducer.combine(accumulator, rename.visit(body.source))
        init = BufferStore(tensor.buffer, convert(body.reducer.identity(body.dtype)), indices)
    else:
        value = rename.visit(body)
    update = BufferStore(tensor.buffer, value, indices)
    block = Block(tuple(iter_vars), (), (), tensor.name, update, init)
    reads, writes = infer_block_regions(block)
    block = replace(block, reads=tuple(reads), writes=tuple(writes))
    nest: Stmt = BlockRealize(tuple(v for v, _, _ in loops), const(True), block)
    for loop_var, low, extent in reversed(loops):
        nest = For(loop_var, low, extent, ForKind.SERIAL, nest)
    return nest


def _nest(
    axis: Var,
    low: PrimExpr,
    extent: PrimExpr,
    kind: IterType,
    loops: list[tuple[Var, PrimExpr, PrimExpr]],
    iter_vars: list[IterVar],
    mapping: dict[Var, Var],
) -> None:
    loop_var = Var(axis.name_hint, axis.dtype)
    block_var = Var(f"v_{axis.name_hint}", axis.dtype)
    loops.append((loop_var, low, extent))
    iter_vars.append(IterVar(block_var, Range(low, extent), kind))
    mapping[axis] = block_var


class _Rename(Mutator):
    """Replace the te axes of a stage by its block iteration variables."""

    def __init__(self, mapping: dict[Var, Var]):
        self.mapping = mapping

    def visit_var(self, var: Var) -> Var:
        """A te axis becomes its block variable; other variables stay."""
        return self.mapping.get(var, var)

    def visit_buffer(self, buffer: Buffer) -> Buffer:
        """Buffers are declarations, not uses: keep them whole."""
        return buffer


def _check_bound(args: Sequence[Tensor | Var], stages: list[Tensor], scratch: tuple) -> None:
    """Raise unless every variable the function uses is a parameter or an argument's extent."""
    bound = {id(a) for a in args if isinstance(a, Var)}
    for arg in args:
        if isinstance(arg, Tensor):
            bound.update(id(e) for e in arg.shape if isinstance(e, Var))
    free = _Free()
    for arg in args:
        if isinstance(arg, Tensor):
            for extent in arg.shape:
                free.visit(extent)
    for buffer in scratch:
        for extent in buffer.shape:
            free.visit(extent)
    for stage in stages:
        body = _op(stage).body
        axes = {id(a) for a in _op(stage).axis}
        if isinstance(body, Reduction):
            axes.update(id(a) for a in body.axis)
            for axis in body.axis:
                free.visit(axis.dom)
            free.visit(body.source, skip=axes)
        else:
            free.visit(body, skip=axes)
    missing = [v.name_hint for v in free.found if id(v) not in bound]
    if missing:
        raise TeError(
            f"create_prim_func: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "used but not bound; pass each as an argument, or as an extent of an argument "
            "tensor's shape"
        )


class _Free(Visitor):
    """Scalar variables in expressions, in order of first use, skipping given ones."""

    def __init__(self) -> None:
        self.found: list[Var] = []
        self._seen: set[int] = set()
        self._skip: set[int] = set()

    def visit(self, node: object, skip: set[int] | None = None) -> None:
        """Visit `node`, ignoring the variables whose ids are in `skip`."""
        if skip is None:
            super().visit(node)
            return
        saved, self._skip = self._skip, skip
        super().visit(node)
        self._skip = saved

    def visit_var(self, var: Var) -> None:
        """Record a scalar variable once."""
        if id(var) in self._skip or id(var) in self._seen or var.dtype.is_handle:
            return
        self._seen.add(id(var))
        self.found.append(var)

    def visit_buffer_load(self, load: BufferLoad) -> None:
        """Indices are uses; the buffer's shape is checked with the buffer."""
        for index in load.indices:
            super().visit(index)
