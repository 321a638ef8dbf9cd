"""TIR expressions to docs: one ``visit_<node>`` per `PrimExpr` class (calls in tir_call.py).

Operators become `OperationDoc`s; the renderer adds the parentheses. Variables and buffers
print by the name the context gives them; one that nothing defined is declared as free.
"""

from __future__ import annotations

from typing import Any

from loom.ir import DataType, Functor, LoomError
from loom.ir.tir import (
    BinaryOp,
    Broadcast,
    Buffer,
    BufferLoad,
    Call,
    Cast,
    FloatImm,
    IntImm,
    Let,
    Max,
    Min,
    Mod,
    Not,
    PrimExpr,
    Ramp,
    Select,
    StringImm,
    Var,
)

from . import tir_buffer, tir_call
from .context import Context
from .doc import BINARY_PREC, DictDoc, ExprDoc, IndexDoc, LiteralDoc, OperationDoc, call
from .values import attr_dict, dtype_name, float_value, integer, string


class ExprPrinter(Functor):
    """Prints `PrimExpr`s in one `Context`; call it on an expression to get its doc."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __call__(self, expr: PrimExpr) -> ExprDoc:
        """The doc of `expr`."""
        return self.visit(expr)

    def generic_visit(self, node: Any) -> ExprDoc:
        """Nodes without a script form are an error, not a guess."""
        raise LoomError(f"cannot print {type(node).__name__} as a TIR expression: {node!r}")

    def buffer(self, buffer: Buffer) -> ExprDoc:
        """The name of a buffer (declaring it if nothing has defined it)."""
        doc = self.ctx.lookup(buffer)
        return doc if doc is not None else tir_buffer.free_buffer(self, buffer)

    def typed(self, expr: PrimExpr, like: DataType) -> ExprDoc:
        """`expr` where the parser gives a bare literal the dtype `like` (buffer strides, offset).

        So an int32 constant there, when `like` is another dtype, prints ``T.int32(v)``.
        """
        if isinstance(expr, IntImm) and str(expr.dtype) == "int32" and expr.dtype != like:
            return call(dtype_name(expr.dtype), integer(expr.value))
        return self.visit(expr)

    def attrs(self, attrs: Any, where: str) -> DictDoc:
        """A dict literal of attributes (values may be PrimExprs)."""
        return attr_dict(attrs, self, where)

    # Leaves

    def visit_var(self, var: Var) -> ExprDoc:
        """Its name (``T.int32()`` declaration in the header if nothing binds it)."""
        doc = self.ctx.lookup(var)
        return doc if doc is not None else self.ctx.free_var(var)

    def visit_int_imm(self, imm: IntImm) -> ExprDoc:
        """``5`` / ``-3`` for int32, ``True``/``False`` for bool, else ``T.int64(5)``."""
        if imm.dtype.is_bool:
            return LiteralDoc("True" if imm.value else "False")
        if str(imm.dtype) == "int32":
            return integer(imm.value)
        return call(dtype_name(imm.dtype), integer(imm.value))

    def visit_float_imm(self, imm: FloatImm) -> ExprDoc:
        """``T.float32(0.5)``, ``T.float16("inf")``, ..."""
        return call(dtype_name(imm.dtype), float_value(imm.value))

    def visit_string_imm(self, imm: StringImm) -> ExprDoc:
        """``"text"``."""
        return string(imm.value)

    # Operators

    def visit_binary_op(self, op: BinaryOp) -> ExprDoc:
        """``a + b``, ``a // b``, ``a < b``, ``a and b``, ... (every op with a Python symbol)."""
        if op.symbol not in BINARY_PREC:
            raise LoomError(f"cannot print {type(op).__name__}: it has no script form")
        return OperationDoc(op.symbol, (self.visit(op.a), self.visit(op.b)))

    def visit_mod(self, op: Mod) -> ExprDoc:
        """``T.truncmod(a, b)`` (Python's ``%`` is `FloorMod`)."""
        return call("T.truncmod", self.visit(op.a), self.visit(op.b))

    def visit_min(self, op: Min) -> ExprDoc:
        """``T.min(a, b)``."""
        return call("T.min", self.visit(op.a), self.visit(op.b))

    def visit_max(self, op: Max) -> ExprDoc:
        """``T.max(a, b)``."""
        return call("T.max", self.visit(op.a), self.visit(op.b))

    def visit_not(self, op: Not) -> ExprDoc:
        """``not a``."""
        return OperationDoc("not", (self.visit(op.a),))

    # Other expressions

    def visit_select(self, op: Select) -> ExprDoc:
        """``T.Select(c, t, f)``."""
        parts = (op.condition, op.true_value, op.false_value)
        return call("T.Select", *(self.visit(p) for p in parts))

    def visit_cast(self, op: Cast) -> ExprDoc:
        """``T.Cast("float32", x)``."""
        return call("T.Cast", string(str(op.dtype)), self.visit(op.value))

    def visit_ramp(self, op: Ramp) -> ExprDoc:
        """``T.Ramp(base, stride, lanes)``."""
        return call("T.Ramp", self.visit(op.base), self.visit(op.stride), integer(op.lanes))

    def visit_broadcast(self, op: Broadcast) -> ExprDoc:
        """``T.Broadcast(value, lanes)``."""
        return call("T.Broadcast", self.visit(op.value), integer(op.lanes))

    def visit_let(self, op: Let) -> ExprDoc:
        """``T.Let(body, where={x: value})``; `x` is declared in the header like a free var."""
        body = self.visit(op.body)
        binding = DictDoc(((self.visit(op.var), self.visit(op.value)),))
        return call("T.Let", body, where=binding)

    def visit_buffer_load(self, op: BufferLoad) -> ExprDoc:
        """``A[i, j]`` (``A[()]`` for a 0-d buffer)."""
        buffer = self.buffer(op.buffer)
        return IndexDoc(buffer, tuple(self.visit(i) for i in op.indices))

    def visit_call(self, op: Call) -> ExprDoc:
        """An intrinsic call; see tir_call.py."""
        return tir_call.call_doc(self, op)
