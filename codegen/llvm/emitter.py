"""The state of one LLVM function being emitted: builder, variables, cleanups, failure path.

Expression and statement emitters (`expr.py`, `stmt.py`) share one `FunctionEmitter`. A packed
function fails by setting the runtime's last error and returning -1; a parallel-loop closure
fails by raising its error flag and returning (the launching function then fails).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from llvmlite import ir

from loom.ir.tir import Var

from ..errors import CodegenError
from .module import RUNTIME_FUNCTIONS, ModuleEmitter
from .types import I32, I64, PTR

if TYPE_CHECKING:
    from .expr import ExprEmitter
    from .stmt import StmtEmitter


class FunctionEmitter:
    """Emission state of one LLVM function.

    `env` maps each TIR variable in scope to its LLVM value. `heap` lists heap allocations live
    at the current point, freed on every failure path. `scopes` gives each noalias data variable
    its alias scope (see `memory.AliasScopes`).
    """

    def __init__(
        self,
        module: ModuleEmitter,
        fn: ir.Function,
        name: str,
        *,
        closure: bool = False,
        fast_math: bool = False,
    ):
        from .expr import ExprEmitter
        from .memory import AliasScopes
        from .stmt import StmtEmitter

        self.module = module
        self.fn = fn
        self.name = name
        self.closure = closure
        self.error_flag: ir.Value | None = None  # a closure's failure flag, set by its maker
        self.fast_math = ("fast",) if fast_math else ()
        entry = fn.append_basic_block("entry")
        start = fn.append_basic_block("start")
        self._allocas = ir.IRBuilder(entry)
        self._allocas.branch(start)
        self.builder = ir.IRBuilder(start)
        self.env: dict[Var, ir.Value] = {}
        self.heap: list[ir.Value] = []
        self._result: tuple[ir.Value, ir.Value] | None = None
        self.scopes = AliasScopes(module.module, fn.name)
        self.exprs: ExprEmitter = ExprEmitter(self)
        self.stmts: StmtEmitter = StmtEmitter(self)

    # Variables --------------------------------------------------------------------------------

    def lookup(self, var: Var) -> ir.Value:
        """The value of `var` here."""
        value = self.env.get(var)
        if value is None:
            raise CodegenError(
                f"{self.name}: variable {var.name_hint} is used outside the scope that defines it"
            )
        return value

    @contextmanager
    def bind(self, var: Var, value: ir.Value) -> Iterator[None]:
        """Bind `var` to `value` for the duration of the block."""
        if var in self.env:
            raise CodegenError(f"{self.name}: variable {var.name_hint} is defined twice")
        self.env[var] = value
        try:
            yield
        finally:
            del self.env[var]

    # Blocks and memory ------------------------------------------------------------------------

    def block(self, name: str) -> ir.Block:
        """A new basic block of this function."""
        return self.fn.append_basic_block(name)

    def alloca(self, ty: ir.Type, name: str = "", align: int = 0) -> ir.Value:
        """Stack memory for one `ty`, made in the entry block (so loops reuse it)."""
        self._allocas.position_before(self._allocas.block.terminator)
        slot = self._allocas.alloca(ty, name=name)
        if align:
            slot.align = align
        slot.type = PTR  # an opaque pointer, so llvmlite lets it address any type
        return slot

    def packed_result(self) -> tuple[ir.Value, ir.Value]:
        """Stack slots for a packed call's result and its type code, shared by every call."""
        if self._result is None:
            self._result = (
                self.alloca(I64, "packed.ret", align=8),
                self.alloca(I32, "packed.ret_code", align=4),
            )
        return self._result

    # Calls into the runtime and failure -------------------------------------------------------

    def call_runtime(self, name: str, args: list[ir.Value]) -> ir.Value:
        """Call runtime function `name` through the pointer variable the loader fills."""
        b = self.builder
        fnty = RUNTIME_FUNCTIONS[name]
        # A pointer typed with its function type: llvmlite derives the call's type from it.
        pointer = b.load(self.module.runtime_pointer(name), typ=fnty.as_pointer())
        return b.call(pointer, args)

    def fail(self) -> None:
        """End the current path as a failure, then continue emitting into an unreachable block.

        The last error must already be set. Live heap allocations are freed first.
        """
        from .memory import free

        b = self.builder
        for pointer in reversed(self.heap):
            free(self, pointer)
        if not self.closure:
            b.ret(ir.Constant(I32, -1))
        else:
            assert self.error_flag is not None, "a closure fails through its flag"
            b.store_atomic(ir.Constant(I32, 1), self.error_flag, "monotonic", 4)
            b.ret_void()
        b.position_at_end(self.block("after_error"))

    def raise_error(self, message: ir.Value) -> None:
        """Set the last error to the C string `message` and fail."""
        self.call_runtime("LoomSetLastError", [message])
        self.fail()

    def raise_text(self, text: str) -> None:
        """Set the last error to the constant `text` and fail."""
        self.raise_error(self.module.string(text))

    def finish(self) -> None:
        """Return success from the end of the body."""
        if not self.closure:
            self.builder.ret(ir.Constant(I32, 0))
        else:
            self.builder.ret_void()
