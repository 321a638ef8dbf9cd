"""The R dialect's parser: its handler table, the frames a graph function body opens, emission.

Handlers live beside this file (`relax_expr`, `relax_call`, `relax_builtin`, `relax_sinfo`,
`relax_stmt`, `relax_func`) and register themselves in `R`. Statements emit bindings into the
innermost block being built: a dataflow block, or the plain bindings of the function body or
of an if branch. Values are normalized as they are built (struct info through the operator
registry), and an argument that is not a leaf (a call, an if) is bound to a fresh variable
first, so the bindings come out in A-normal form.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from loom.ir import DataType, GlobalVar, Span, dtype, tir
from loom.ir import graph as g
from loom.ir.tir.arith import Analyzer

from ..relax.ops import is_size
from .core import Frame, HandlerTable, Parser, describe
from .evaluator import Scope, python_scalar
from .relax_check import mismatch, sinfo_text
from .relax_module import ModuleContext
from .source import Source
from .tir_expr import TIR

INT64 = dtype("int64")

R = HandlerTable("relax")
# Literals, dicts, slices and Python-only expressions read as in the T dialect; the R modules
# override the rest.
R.exprs.update(TIR.exprs)


class Sizes(enum.Enum):
    """What an undefined name in a shape means while struct info is read."""

    DECLARE = "declare"  # a parameter's annotation, a match_cast pattern: a new size variable
    LOOKUP = "lookup"  # any other annotation: an error


@dataclass
class FunctionFrame(Frame):
    """The graph function being parsed: what its header lines declare."""

    name: str = ""
    attrs: dict[str, Any] | None = None


@dataclass
class SeqFrame(Frame):
    """A sequence of binding blocks being built: a function body or an if branch."""

    blocks: list[g.BindingBlock] = field(default_factory=list)
    bindings: list[g.Binding] = field(default_factory=list)

    def flush(self) -> None:
        """Close the current run of plain bindings as one block (spanning them)."""
        if self.bindings:
            first, last = self.bindings[0].span, self.bindings[-1].span
            span = None
            if first is not None and last is not None:
                span = Span(first.source, first.line, first.col, last.end_line, last.end_col)
            self.blocks.append(g.BindingBlock(tuple(self.bindings), span=span))
            self.bindings = []


@dataclass
class DataflowFrame(Frame):
    """A ``with R.dataflow():`` block being built.

    `outputs` maps each name its ``R.output`` lists to the index of the statement that last
    binds it: that binding makes a plain `Var`; every other one a `DataflowVar`.
    """

    outputs: dict[str, int] = field(default_factory=dict)
    index: int = 0
    bindings: list[g.Binding] = field(default_factory=list)


@dataclass(frozen=True)
class HeaderDecl:
    """A ``n = T.int64()`` line of the body header: the dtype, and whether a `SizeVar`."""

    dtype: DataType
    size_var: bool


@dataclass(frozen=True)
class MatchCastValue:
    """The value of ``R.match_cast(value, sinfo)``, waiting to be bound to a name."""

    value: g.Expr
    struct_info: g.StructInfo


DATAFLOW = object()  # what ``R.dataflow()`` evaluates to, for the ``with`` statement


class RelaxParser(Parser):
    """Parses one ``@R.function``."""

    table = R

    def __init__(self, source: Source, scope: Scope, module: ModuleContext | None):
        super().__init__(source, scope)
        self.module = module
        self.analyzer = Analyzer()
        self.sizes: Sizes = Sizes.LOOKUP
        self.in_shape = False
        # Inside R.Prim(value=...): a size declared there takes its body header dtype.
        self.in_prim = False
        # ``k = T.int32()`` lines of the body, read ahead: a signature's prim value "k" is int32;
        # ``n = T.int64(is_size_var=True)`` makes the signature's "n" a `SizeVar`.
        self.header: dict[str, HeaderDecl] = {}
        # Names of dataflow variables whose block has ended, for a precise error on use.
        self.closed_dataflow: dict[str, int] = {}

    # -- frames ----------------------------------------------------------------------------

    def function_frame(self) -> FunctionFrame:
        """The frame of the function being parsed."""
        frame = self.frames[0]
        assert isinstance(frame, FunctionFrame)
        return frame

    def dataflow(self) -> DataflowFrame | None:
        """The dataflow block being built, if the innermost block is one."""
        frame = self.nearest((DataflowFrame, SeqFrame))
        return frame if isinstance(frame, DataflowFrame) else None

    # -- emission --------------------------------------------------------------------------

    def emit(self, binding: g.Binding) -> None:
        """Append `binding` to the innermost block being built."""
        frame = self.nearest((DataflowFrame, SeqFrame))
        assert frame is not None, "bindings are only emitted inside a function body"
        frame.bindings.append(binding)

    def new_var(self, name: str, sinfo: g.StructInfo, node: ast.AST, output: bool) -> g.Var:
        """A variable for a binding: a `DataflowVar` in a dataflow block unless an output."""
        cls = g.DataflowVar if self.dataflow() is not None and not output else g.Var
        return cls(name, sinfo, span=self.span(node))

    def is_output(self, name: str) -> bool:
        """Whether binding `name` now binds an output of the enclosing dataflow block."""
        frame = self.dataflow()
        return frame is not None and frame.outputs.get(name) == frame.index

    def bind(
        self,
        name: str,
        value: Any,
        node: ast.AST,
        *,
        var_node: ast.AST | None = None,
        annotation: g.StructInfo | None = None,
        annotation_node: ast.AST | None = None,
        output: bool = False,
    ) -> g.Var:
        """Emit ``name = value`` at `node` and return the new variable.

        The variable takes `annotation` if given (after checking it against the value), else
        the value's struct info; its span is `var_node`'s (the assignment target).
        """
        sinfo = self.struct_info_of(value, node)
        if annotation is not None:
            self.check_annotation(annotation, sinfo, annotation_node or node)
            sinfo = annotation
        var = self.new_var(name, sinfo, var_node or node, output)
        self.emit(g.VarBinding(var, value, span=self.span(node)))
        return var

    def leaf(self, value: Any, node: ast.AST) -> Any:
        """`value` as a call argument: a call or an if is bound to a fresh variable first."""
        if isinstance(value, g.Call | g.If | g.SeqExpr):
            return self.bind("lv" if self.dataflow() is not None else "gv", value, node)
        return value

    # -- values ----------------------------------------------------------------------------

    def normalize(self, expr: Any, node: ast.AST) -> Any:
        """`expr` with its struct info derived (op inference, callee signatures, ...)."""
        module = self.module.module() if self.module is not None else None
        with self.attach(node):
            return g.Normalizer(module, self.analyzer).normalize(expr)

    def struct_info_of(self, value: Any, node: ast.AST) -> g.StructInfo:
        """The struct info of a normalized value."""
        if isinstance(value, GlobalVar):
            raise self.error(
                f"{value.name_hint} is a function of the module; call it, or pass it to "
                "R.call_dps, instead of using it as a value",
                node,
            )
        sinfo = getattr(value, "struct_info", None)
        if not isinstance(sinfo, g.StructInfo):
            raise self.error(f"{describe(value)} has no struct info", node)
        return sinfo

    def check_annotation(
        self, annotation: g.StructInfo, sinfo: g.StructInfo, node: ast.AST
    ) -> None:
        """Raise at `node` if `annotation` provably contradicts the value's `sinfo`."""
        problem = mismatch(annotation, sinfo, self.analyzer)
        if problem is not None:
            raise self.error(
                f"the annotation {sinfo_text(annotation)} does not match the value, which is "
                f"{sinfo_text(sinfo)}: {problem}",
                node,
            )

    def graph_value(self, value: Any, node: ast.AST) -> Any:
        """A script value as a graph expression (its sub-expressions made leaves).

        Sizes make a shape, other sequences a tuple, numpy arrays constants, PrimExprs and
        ints prim values, strings string values.
        """
        value = python_scalar(value)
        if isinstance(value, g.Expr | GlobalVar):
            return value
        span = self.span(node)
        with self.attach(node):
            if isinstance(value, tuple | list):
                if value and all(is_size(v) for v in value):
                    sizes = tuple(self.as_size(v, node) for v in value)
                    return self.stamp(g.ShapeExpr(sizes), span)
                fields = tuple(self.operand(v, node) for v in value)
                return self.normalize(g.Tuple(fields, span=span), node)
            if isinstance(value, np.ndarray):
                return g.Constant(value, span=span)
            if isinstance(value, str):
                return g.StringImm(value, span=span)
            if isinstance(value, tir.PrimExpr) or is_size(value):
                return self.stamp(g.PrimValue(value), span)
        if isinstance(value, bool | float):
            raise self.error(
                f"a Python {type(value).__name__} is not a graph value; write R.const({value!r}, "
                '"<dtype>") for a tensor or R.prim_value(...) for a scalar',
                node,
            )
        raise self.error(f"expected a graph value, not {describe(value)}", node)

    def operand(self, value: Any, node: ast.AST) -> Any:
        """A script value as a call operand or tuple field: a graph leaf expression."""
        return self.leaf(self.graph_value(value, node), node)

    def as_size(self, value: Any, node: ast.AST) -> tir.PrimExpr:
        """A size: an int64 integer expression (a Python int becomes an int64 constant)."""
        expr = self.as_expr(value, node, INT64)
        if not expr.dtype.is_integer or not expr.dtype.is_scalar:
            raise self.error(f"a size is an integer, not a {expr.dtype} value", node)
        if expr.dtype.bits != 64 or not expr.dtype.is_int:
            raise self.error(
                f"a size must be int64, not {expr.dtype} (declare it with T.int64())", node
            )
        return expr

    def declare_size(self, name: str, node: ast.AST) -> tir.Var:
        """A new size variable `name`, visible in the whole function.

        Shape sizes are int64; a prim value's takes the dtype the body header declares it with.
        """
        decl = self.header.get(name)
        element = decl.dtype if decl is not None and self.in_prim else INT64
        cls = tir.SizeVar if decl is not None and decl.size_var else tir.Var
        var = cls(name, element, span=self.span(node))
        self.scope.bind_outermost(name, var)
        return var
