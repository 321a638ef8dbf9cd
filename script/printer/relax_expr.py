"""Graph expressions to docs: one ``visit_<node>`` per leaf and compound expression.

Calls are in relax_call.py, struct info in relax_sinfo.py, constants in relax_const.py. `tir`
expressions inside shapes and prim values go to the T dialect's `ExprPrinter` over the same
`Context`, so graph variables and symbolic sizes share one namespace.
"""

from __future__ import annotations

from typing import Any

from loom.ir import Functor, GlobalVar, LoomError
from loom.ir.graph import (
    Call,
    Constant,
    ExternFunc,
    Function,
    If,
    PrimValue,
    SeqExpr,
    ShapeExpr,
    StringImm,
    StructInfo,
    Tuple,
    TupleGetItem,
    Var,
)
from loom.ir.tir import IntImm, PrimExpr

from . import relax_call, render
from .context import Context
from .doc import AttrDoc, ExprDoc, IdDoc, IndexDoc, ListDoc, TupleDoc, call
from .namer import is_legal_name
from .refs import referenced
from .relax_const import ConstantTable, constant_doc
from .relax_sinfo import sinfo_doc
from .tir_expr import ExprPrinter
from .values import integer, string

MODULE_REF = "cls"
"""The name a graph function body gives its module (``cls = Module``) to call ``cls.f``."""


class RelaxPrinter(Functor):
    """Prints graph expressions and struct info in one `Context`.

    In a function (``ctx.function``) every graph variable must be defined before it is used;
    in a fragment an unknown one is named after its hint. `signature` is set while the
    parameter and result annotations print.
    """

    def __init__(self, ctx: Context, constants: ConstantTable | None = None) -> None:
        self.ctx = ctx
        self.tir = ExprPrinter(ctx)
        self.constants = constants if constants is not None else ConstantTable()
        self.signature = False
        self.uses_module = False  # whether a ``cls.f`` reference was printed

    def __call__(self, expr: Any) -> ExprDoc:
        """The doc of a graph expression (or a `GlobalVar`)."""
        return self.visit(expr)

    def sinfo(self, sinfo: StructInfo) -> ExprDoc:
        """The doc of struct info, as an annotation or a keyword argument spells it."""
        return sinfo_doc(self, sinfo)

    def generic_visit(self, node: Any) -> ExprDoc:
        """Nodes without an expression form: an error, naming what to do instead."""
        kind = type(node).__name__
        if isinstance(node, If | SeqExpr | Function):
            raise LoomError(
                f"cannot print a nested {kind} as a graph expression: an If prints only as the "
                "whole value of a binding, and nested SeqExprs and functions have no script form"
            )
        raise LoomError(f"cannot print {kind} as a graph expression: {node!r}"[:300])

    # -- tir values --------------------------------------------------------------------------

    def prim(self, expr: PrimExpr) -> ExprDoc:
        """A `tir` value; in a signature, one that uses variables is the string of its text."""
        doc = self.tir(expr)
        if self.signature and referenced(expr):
            return string(render.expr(doc))
        return doc

    def shape_value(self, expr: PrimExpr) -> ExprDoc:
        """A size of a shape: an int64 constant is a bare int (the parser reads it back so)."""
        if isinstance(expr, IntImm) and str(expr.dtype) == "int64":
            return integer(expr.value)
        return self.prim(expr)

    # -- references --------------------------------------------------------------------------

    def visit_var(self, var: Var) -> ExprDoc:
        """Its name; in a function, a variable nothing defined is an error."""
        doc = self.ctx.lookup(var)
        if doc is not None:
            return doc
        if self.ctx.function:
            raise LoomError(f"cannot print a use of variable {var.name_hint!r}: nothing binds it")
        return self.ctx.define(var, var.name_hint)

    def visit_global_var(self, gv: GlobalVar) -> ExprDoc:
        """``cls.f``: a function of the module."""
        if not is_legal_name(gv.name_hint):
            raise LoomError(f"cannot print function {gv.name_hint!r}: not a usable Python name")
        self.uses_module = True
        return AttrDoc(IdDoc(MODULE_REF), gv.name_hint)

    # -- leaves ------------------------------------------------------------------------------

    def visit_constant(self, const: Constant) -> ExprDoc:
        """``R.const(1.0, "float32")`` or ``metadata["constants"][i]``."""
        return constant_doc(const, self.constants)

    def visit_shape_expr(self, shape: ShapeExpr) -> ExprDoc:
        """``R.shape([n, 4])``."""
        return call("R.shape", ListDoc(tuple(self.shape_value(v) for v in shape.values)))

    def visit_prim_value(self, value: PrimValue) -> ExprDoc:
        """``R.prim_value(n)``, ``R.prim_value(T.int64(3))``."""
        return call("R.prim_value", self.prim(value.value))

    def visit_string_imm(self, imm: StringImm) -> ExprDoc:
        """``R.str("text")``."""
        return call("R.str", string(imm.value))

    def visit_extern_func(self, func: ExternFunc) -> ExprDoc:
        """``R.ExternFunc("name")``."""
        return call("R.ExternFunc", string(func.global_symbol))

    def visit_op(self, op: Any) -> ExprDoc:
        """An operator is only a callee; as a value it has no script form."""
        raise LoomError(f"cannot print operator R.{op.name} as a value: it is only a callee")

    # -- compound ----------------------------------------------------------------------------

    def visit_tuple(self, tup: Tuple) -> ExprDoc:
        """``(a, b)``, ``(a,)``, ``()``."""
        return TupleDoc(tuple(self.visit(f) for f in tup.fields))

    def visit_tuple_get_item(self, item: TupleGetItem) -> ExprDoc:
        """``t[0]``."""
        return IndexDoc(self.visit(item.tuple_value), (integer(item.index),))

    def visit_call(self, node: Call) -> ExprDoc:
        """A call; see relax_call.py."""
        return relax_call.call_doc(self, node)
