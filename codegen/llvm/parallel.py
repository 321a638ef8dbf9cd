"""Parallel loops on libgomp's thread pool: the loop body becomes a closure over a range.

``for i in T.parallel(lo, lo + n)`` is emitted as: a frame holding the values the body uses (its
free variables) and a closure ``body(frame*, begin, end)`` running iterations ``lo + [begin,
end)``. libgomp runs it with dynamic scheduling (``GOMP_parallel_loop_dynamic``; each thread
takes chunks of about n / (8 * threads) iterations until none are left), so a thread that the OS
delays, or a chunk that costs more, does not hold the others back. A failure inside the closure
raises a flag in the frame that the launching function checks when the pool returns (the error
message is already set). Without libgomp the runtime's own pool runs the closure
(`loom.ffi.thread_pool`, reached as the packed function ``loom.runtime.parallel_for``).
"""

from __future__ import annotations

from llvmlite import ir

from loom.ffi.abi import TypeCode
from loom.ffi.thread_pool import PARALLEL_FOR
from loom.ir import Visitor
from loom.ir.tir import Allocate, For, Let, LetStmt, Var

from .emitter import FunctionEmitter
from .machine import libgomp
from .module import ModuleEmitter
from .types import I32, I64, PTR, VOID

CHUNKS_PER_THREAD = 8
BODY = ir.FunctionType(VOID, [PTR, I64, I64])


class _FreeVars(Visitor):
    """Variables a statement uses, in order of first use, and those it defines."""

    def __init__(self) -> None:
        self.used: dict[Var, None] = {}
        self.defined: set[Var] = set()

    def visit_var(self, var: Var) -> None:
        self.used.setdefault(var)

    def visit_for(self, loop: For) -> None:
        self.defined.add(loop.loop_var)
        if loop.thread_binding is not None:
            self.defined.add(loop.thread_binding.var)
        self.generic_visit(loop)

    def visit_let_stmt(self, node: LetStmt) -> None:
        self.defined.add(node.var)
        self.generic_visit(node)

    def visit_let(self, node: Let) -> None:
        self.defined.add(node.var)
        self.generic_visit(node)

    def visit_allocate(self, node: Allocate) -> None:
        self.defined.add(node.buffer_var)
        self.generic_visit(node)


def captured(state: FunctionEmitter, loop: For) -> list[Var]:
    """The variables of the enclosing function that the loop body reads."""
    walk = _FreeVars()
    walk.visit(loop.body)
    return [v for v in walk.used if v not in walk.defined and v in state.env]


def emit_parallel(state: FunctionEmitter, loop: For) -> None:
    """Run `loop`'s iterations on the thread pool."""
    b, module = state.builder, state.module
    low, extent = state.exprs.emit(loop.min), state.exprs.emit(loop.extent)
    free = captured(state, loop)
    values = [state.lookup(v) for v in free]
    frame_type = ir.LiteralStructType([PTR, low.type, *(v.type for v in values)])
    frame = state.alloca(frame_type, "parallel.frame", align=8)
    flag = state.alloca(I32, "parallel.failed", align=4)
    b.store(ir.Constant(I32, 0), flag)
    for k, value in enumerate([flag, low, *values]):
        b.store(value, _field(b, frame, frame_type, k))
    count = _wide(b, extent, loop.loop_var.dtype.is_int)
    body = _closure(state, loop, frame_type, free)
    threads = ir.Constant(I32, module.target.num_threads)
    with b.if_then(b.icmp_signed(">", count, ir.Constant(I64, 0))):
        if libgomp() is not None:
            _gomp_launch(state, body, frame, count, threads)
        else:
            _pool_launch(state, body, frame, count, threads)
    failed = b.load(flag, typ=I32)
    with b.if_then(b.icmp_signed("!=", failed, ir.Constant(I32, 0)), likely=False):
        state.fail()


def _field(b: ir.IRBuilder, frame: ir.Value, frame_type: ir.Type, k: int) -> ir.Value:
    return b.gep(frame, [ir.Constant(I32, 0), ir.Constant(I32, k)], source_etype=frame_type)


def _wide(b: ir.IRBuilder, value: ir.Value, signed: bool) -> ir.Value:
    if value.type == I64:
        return value
    return b.sext(value, I64) if signed else b.zext(value, I64)


def _closure(
    state: FunctionEmitter, loop: For, frame_type: ir.LiteralStructType, free: list[Var]
) -> ir.Function:
    """``void body(frame*, i64 begin, i64 end)``: iterations ``low + [begin, end)``."""
    module = state.module
    fn = ir.Function(module.module, BODY, module.unique_name(f"{state.fn.name}.parallel"))
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    frame, begin, end = fn.args
    frame.add_attribute("noalias")
    inner = FunctionEmitter(module, fn, state.name, closure=True, fast_math=bool(state.fast_math))
    b = inner.builder
    # The flag is loaded as a typed pointer: llvmlite's atomic store insists on one.
    types = [I32.as_pointer(), *frame_type.elements[1:]]
    fields = [b.load(_field(b, frame, frame_type, k), typ=ty) for k, ty in enumerate(types)]
    inner.error_flag, low = fields[:2]
    for var, value in zip(free, fields[2:]):
        inner.env[var] = value
        if state.scopes.has(var):
            inner.scopes.add(var, fresh=True)
    start, stop = b.add(low, _narrow(b, begin, low.type)), b.add(low, _narrow(b, end, low.type))
    inner.stmts.counted_loop(loop.loop_var, start, stop, lambda: inner.stmts.visit(loop.body))
    inner.finish()
    return fn


def _narrow(b: ir.IRBuilder, value: ir.Value, ty: ir.Type) -> ir.Value:
    return value if ty == I64 else b.trunc(value, ty)


def _gomp_launch(
    state: FunctionEmitter, body: ir.Function, frame: ir.Value, count: ir.Value, threads: ir.Value
) -> None:
    """``GOMP_parallel_loop_dynamic(entry, frame, threads, 0, count, 1, chunk, 0)``."""
    module, b = state.module, state.builder
    module.uses_gomp = True
    width = b.call(module.function("omp_get_max_threads", ir.FunctionType(I32, [])), [])
    width = b.select(b.icmp_signed(">", threads, ir.Constant(I32, 0)), threads, width)
    parts = b.mul(b.sext(width, I64), ir.Constant(I64, CHUNKS_PER_THREAD))
    chunk = b.sdiv(b.add(count, b.sub(parts, ir.Constant(I64, 1))), parts)
    launch = module.function(
        "GOMP_parallel_loop_dynamic",
        ir.FunctionType(VOID, [PTR, PTR, I32, I64, I64, I64, I64, I32]),
    )
    one, zero = ir.Constant(I64, 1), ir.Constant(I64, 0)
    b.call(launch, [_gomp_entry(module, body), frame, threads, zero, count, one, chunk,
                    ir.Constant(I32, 0)])  # fmt: skip


def _gomp_entry(module: ModuleEmitter, body: ir.Function) -> ir.Function:
    """Each thread: ``while (GOMP_loop_dynamic_next(&b, &e)) body(frame, b, e); end_nowait``."""
    fn = ir.Function(
        module.module, ir.FunctionType(VOID, [PTR]), module.unique_name(f"{body.name}.entry")
    )
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    entry, loop, done = (fn.append_basic_block(n) for n in ("entry", "next", "done"))
    b = ir.IRBuilder(entry)
    begin, end = b.alloca(I64, name="begin"), b.alloca(I64, name="end")
    begin.type = end.type = PTR
    b.branch(loop)
    b.position_at_end(loop)
    next_chunk = module.function(
        "GOMP_loop_dynamic_next", ir.FunctionType(ir.IntType(8), [PTR, PTR])
    )
    more = b.call(next_chunk, [begin, end])
    work = fn.append_basic_block("work")
    b.cbranch(b.icmp_unsigned("!=", more, ir.Constant(ir.IntType(8), 0)), work, done)
    b.position_at_end(work)
    b.call(body, [fn.args[0], b.load(begin, typ=I64), b.load(end, typ=I64)])
    b.branch(loop)
    b.position_at_end(done)
    b.call(module.function("GOMP_loop_end_nowait", ir.FunctionType(VOID, [])), [])
    b.ret_void()
    return fn


def _pool_launch(
    state: FunctionEmitter, body: ir.Function, frame: ir.Value, count: ir.Value, threads: ir.Value
) -> None:
    """``loom.runtime.parallel_for(body, frame, count, threads)`` as a packed call."""
    from .calls import packed_call

    b = state.builder
    operands = [
        (b.ptrtoint(body, I64), TypeCode.HANDLE),
        (b.ptrtoint(frame, I64), TypeCode.HANDLE),
        (count, TypeCode.INT),
        (b.sext(threads, I64), TypeCode.INT),
    ]
    packed_call(state, PARALLEL_FOR, operands)
