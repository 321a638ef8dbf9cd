"""TIR statements to LLVM control flow: one `visit_<node>` per statement kind.

Serial, unrolled and vectorized loops that reach codegen become counted loops (LLVM's own
unroller and vectorizer take it from there); parallel loops go to `parallel.py`. A thread-bound
loop runs serially, as the reference interpreter runs it (CPU targets have no GPU threads).
Blocks must have been lowered to loops before codegen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llvmlite import ir

from loom.ir import Functor
from loom.ir.tir import (
    Allocate,
    AssertStmt,
    Block,
    BlockRealize,
    BufferStore,
    Call,
    DeclBuffer,
    Evaluate,
    For,
    ForKind,
    IfThenElse,
    IntImm,
    LetStmt,
    SeqStmt,
    Stmt,
    Var,
    While,
)

from ..errors import CodegenError
from .memory import STACK_LIMIT, constant_size, heap_block, stack_slot, store
from .types import I64

if TYPE_CHECKING:
    from .emitter import FunctionEmitter


def _raises(stmt: Stmt) -> bool:
    """Whether `stmt` ends in ``assert False`` (a failed check): its branch is cold."""
    last = stmt.seq[-1] if isinstance(stmt, SeqStmt) else stmt
    return (
        isinstance(last, AssertStmt)
        and isinstance(last.condition, IntImm)
        and not last.condition.value
    )


class StmtEmitter(Functor):
    """Emits statements into a `FunctionEmitter`."""

    def __init__(self, state: FunctionEmitter):
        self.state = state

    def emit(self, stmt: Stmt) -> None:
        """Emit `stmt` at the current point."""
        self.visit(stmt)

    def generic_visit(self, node: object) -> None:
        """Reject what is not a statement codegen knows."""
        raise CodegenError(f"{self.state.name}: cannot compile statement {type(node).__name__}")

    @property
    def b(self) -> ir.IRBuilder:
        """The builder."""
        return self.state.builder

    # Loops ------------------------------------------------------------------------------------

    def visit_for(self, loop: For) -> None:
        """A counted loop; parallel loops run on the thread pool."""
        if loop.kind is ForKind.PARALLEL:
            from .parallel import emit_parallel

            emit_parallel(self.state, loop)
            return
        exprs = self.state.exprs
        low, extent = exprs.emit(loop.min), exprs.emit(loop.extent)
        end = self.b.add(low, extent)
        extra = loop.thread_binding.var if loop.thread_binding is not None else None
        if extra is loop.loop_var:
            extra = None
        self.counted_loop(loop.loop_var, low, end, lambda: self.visit(loop.body), extra)

    def counted_loop(
        self, var: Var, low: ir.Value, end: ir.Value, body: Callable[[], None],
        alias: Var | None = None,
    ) -> None:  # fmt: skip
        """``for var in [low, end): body()`` (`alias`, if given, is bound to the same value)."""
        state, b = self.state, self.b
        signed = var.dtype.is_int
        before = b.block
        header, inner, latch, done = (
            state.block(f"for.{var.name_hint}"),
            state.block(f"for.{var.name_hint}.body"),
            state.block(f"for.{var.name_hint}.next"),
            state.block(f"for.{var.name_hint}.end"),
        )
        b.branch(header)
        b.position_at_end(header)
        index = b.phi(low.type, name=var.name_hint)
        index.add_incoming(low, before)
        more = b.icmp_signed("<", index, end) if signed else b.icmp_unsigned("<", index, end)
        b.cbranch(more, inner, done)
        b.position_at_end(inner)
        with state.bind(var, index):
            if alias is not None:
                with state.bind(alias, index):
                    body()
            else:
                body()
        b.branch(latch)
        b.position_at_end(latch)
        # index < end, so index + 1 cannot overflow.
        step = b.add(index, ir.Constant(low.type, 1), flags=("nsw",) if signed else ("nuw",))
        index.add_incoming(step, latch)
        b.branch(header)
        b.position_at_end(done)

    def visit_while(self, loop: While) -> None:
        """Test, run the body, repeat."""
        state, b = self.state, self.b
        header, inner, done = (
            state.block("while"),
            state.block("while.body"),
            state.block("while.end"),
        )
        b.branch(header)
        b.position_at_end(header)
        b.cbranch(state.exprs.emit(loop.condition), inner, done)
        b.position_at_end(inner)
        self.visit(loop.body)
        b.branch(header)
        b.position_at_end(done)

    # Straight-line statements -----------------------------------------------------------------

    def visit_buffer_store(self, node: BufferStore) -> None:
        """A scalar or vector store."""
        value = self.state.exprs.emit(node.value)
        store(self.state, node.buffer, node.indices, value, node.value.dtype)

    def visit_seq_stmt(self, node: SeqStmt) -> None:
        """Statements in order."""
        for stmt in node.seq:
            self.visit(stmt)

    def visit_evaluate(self, node: Evaluate) -> None:
        """An expression for its effect."""
        value = node.value
        if isinstance(value, IntImm):
            return
        if isinstance(value, Call) and getattr(value.op, "name", None) == "call_packed":
            from .calls import call_packed

            call_packed(self.state.exprs, value, want_result=False)
            return
        self.state.exprs.emit(value)

    def visit_if_then_else(self, node: IfThenElse) -> None:
        """Run the branch the condition picks."""
        if node.condition.dtype.is_vector:
            raise CodegenError(f"{self.state.name}: an if condition must be a scalar bool")
        cond = self.state.exprs.emit(node.condition)
        if node.else_case is None:
            with self.b.if_then(cond, likely=False if _raises(node.then_case) else None):
                self.visit(node.then_case)
            return
        with self.b.if_else(cond) as (then, otherwise):
            with then:
                self.visit(node.then_case)
            with otherwise:
                self.visit(node.else_case)

    def visit_let_stmt(self, node: LetStmt) -> None:
        """Bind the variable in the body."""
        value = self.state.exprs.emit(node.value)
        with self.state.bind(node.var, value):
            if node.var.dtype.is_handle:
                self.state.scopes.add(node.var)
            self.visit(node.body)

    def visit_assert_stmt(self, node: AssertStmt) -> None:
        """Fail with the message unless the condition holds."""
        cond = self.state.exprs.emit(node.condition)
        with self.b.if_then(self.b.not_(cond), likely=False):
            self.state.raise_text(node.message)
        self.visit(node.body)

    def visit_decl_buffer(self, node: DeclBuffer) -> None:
        """Buffers are resolved through their data variable; only the body matters."""
        self.visit(node.body)

    # Memory -----------------------------------------------------------------------------------

    def visit_allocate(self, node: Allocate) -> None:
        """Stack memory for small constant sizes, heap memory (64-byte aligned) otherwise."""
        state = self.state
        name = node.buffer_var.name_hint
        count = constant_size(node.extents)
        element_bytes = node.dtype.element.bytes * node.dtype.lanes
        storage = node.annotations.get("storage")
        if storage not in (None, "stack", "heap"):
            raise CodegenError(f"{state.name}: allocation {name} has unknown storage {storage!r}")
        on_stack = count is not None and (
            storage == "stack" or (storage is None and count * element_bytes <= STACK_LIMIT)
        )
        if on_stack:
            assert count is not None
            pointer = stack_slot(state, node.dtype, count, name)
            with state.bind(node.buffer_var, pointer):
                state.scopes.add(node.buffer_var, fresh=True)
                self.visit(node.body)
            return
        size: ir.Value = ir.Constant(I64, element_bytes)
        for extent in node.extents:
            value = state.exprs.emit(extent)
            wide = self.b.sext(value, I64) if value.type != I64 else value
            size = self.b.mul(size, wide)
        negative = self.b.icmp_signed("<", size, ir.Constant(I64, 0))
        with self.b.if_then(negative, likely=False):
            state.raise_text(f"{state.name}: allocation {name} has a negative size")
        pointer = heap_block(state, size, name)
        state.heap.append(pointer)
        with state.bind(node.buffer_var, pointer):
            state.scopes.add(node.buffer_var, fresh=True)
            self.visit(node.body)
        state.heap.pop()
        from .memory import free

        free(state, pointer)

    # Not lowered ------------------------------------------------------------------------------

    def visit_block_realize(self, node: BlockRealize) -> None:
        """Blocks are lowered before codegen."""
        raise CodegenError(
            f"{self.state.name}: block {node.block.name_hint!r} reached codegen; run the TIR "
            "lowering pipeline (loom.transform.tir.lower_tir_pipeline) first"
        )

    def visit_block(self, node: Block) -> None:
        """Blocks are lowered before codegen."""
        raise CodegenError(
            f"{self.state.name}: block {node.name_hint!r} reached codegen; run the TIR lowering "
            "pipeline first"
        )
