"""The shared parser core: handler tables, dispatch, spans and error attachment.

Each dialect registers its handlers in a `HandlerTable` (per AST node class for statements and
expressions, per construct name for calls such as ``T.grid``). A `Parser` walks the AST through
its table; any `LoomError` raised while building IR leaves as a `ParseError` on the innermost AST
node being parsed, and every IR node the walk builds gets that node's span.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from loom.ir import GlobalVar, LoomError, Node, ParseError, Span, child_fields, tir

from .construct import Construct
from .evaluator import MISSING, Evaluator, Scope, python_scalar
from .source import Source

Handler = Callable[..., Any]


class HandlerTable:
    """One dialect's handlers."""

    def __init__(self, dialect: str):
        self.dialect = dialect
        self.stmts: dict[type, Handler] = {}
        self.exprs: dict[type, Handler] = {}
        self.calls: dict[str, Handler] = {}

    def stmt(self, *types: type) -> Callable[[Handler], Handler]:
        """Register ``handler(parser, node)`` for statements of these AST classes."""
        return self._register(self.stmts, types)

    def expr(self, *types: type) -> Callable[[Handler], Handler]:
        """Register ``handler(parser, node)`` for expressions of these AST classes."""
        return self._register(self.exprs, types)

    def call(self, *names: str) -> Callable[[Handler], Handler]:
        """Register ``handler(parser, args, names)`` for calls of these constructs.

        `args` are the call's `Args`; `names` the assignment targets waiting for a declaration.
        """
        return self._register(self.calls, names)

    @staticmethod
    def _register(table: dict, keys: tuple) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            for key in keys:
                table[key] = handler
            return handler

        return add


@dataclass(frozen=True)
class Binding:
    """What a declaring construct gives the names it is assigned to (``n = T.int32()``).

    `wrap`, if set, builds the statement that scopes the rest of the body (``T.allocate``).
    """

    values: tuple[Any, ...]
    wrap: Callable[[tir.Stmt], tir.Stmt] | None = None


@dataclass(frozen=True)
class Wrap:
    """A statement that scopes the rest of its body (a let, an assert, an allocation)."""

    build: Callable[[tir.Stmt], tir.Stmt]


@dataclass(frozen=True)
class Evaluated:
    """An argument that is already a value (from ``*args`` unpacking), with its AST node."""

    value: Any
    node: ast.AST


class Args:
    """The arguments of a construct call, bound to its signature, evaluated on demand."""

    def __init__(
        self,
        parser: Parser,
        construct: Construct,
        node: ast.AST,
        positional: list[Any],
        keywords: dict[str, Any],
    ):
        self.parser = parser
        self.construct = construct
        self.node = node
        try:
            bound = construct.signature.bind(*positional, **keywords)
        except TypeError as err:
            raise parser.error(
                f"bad arguments to {construct.script_name}{signature_text(construct.signature)}: "
                f"{err}",
                node,
            ) from None
        self.given = dict(bound.arguments)
        bound.apply_defaults()
        self.all = bound.arguments
        self._values: dict[str, Any] = {}

    def has(self, name: str) -> bool:
        """Whether the call gave `name`."""
        return name in self.given

    def node_of(self, name: str) -> ast.AST:
        """The AST node of an argument (the call itself for a default)."""
        item = self.given.get(name)
        if isinstance(item, Evaluated):
            return item.node
        return item if isinstance(item, ast.AST) else self.node

    def value(self, name: str) -> Any:
        """The evaluated argument (or its default); each argument is evaluated once."""
        if name not in self._values:
            self._values[name] = self.parser.eval_item(self.all[name])
        return self._values[name]

    def expr(self, name: str, like: Any = None) -> tir.PrimExpr:
        """The argument as a `PrimExpr`."""
        return self.parser.as_expr(self.value(name), self.node_of(name), like)

    def items(self, name: str) -> tuple[Any, ...]:
        """The raw items of a ``*args`` parameter (AST nodes or `Evaluated`)."""
        return tuple(self.all[name])


@dataclass
class Frame:
    """What encloses the statements being parsed: the function, a block, a loop, ..."""

    kind: str


class Parser:
    """Walks Python AST through one dialect's `HandlerTable`, building IR."""

    table: HandlerTable

    def __init__(self, source: Source, scope: Scope):
        self.source = source
        self.scope = scope
        self.evaluator = Evaluator(source, scope)
        self.frames: list[Frame] = []
        self._names: tuple[str, ...] | None = None

    # -- spans and errors ----------------------------------------------------------------------

    def span(self, node: ast.AST) -> Span:
        """The span of an AST node."""
        return self.source.span(node)

    def error(self, message: str, node: ast.AST, notes: tuple[str, ...] = ()) -> ParseError:
        """A `ParseError` pointing at `node` (raise it)."""
        return ParseError(message, self.span(node), notes)

    @contextmanager
    def attach(self, node: ast.AST) -> Iterator[None]:
        """Turn a `LoomError` without a source position into a `ParseError` at `node`."""
        try:
            yield
        except ParseError:
            raise
        except LoomError as err:
            span = err.span if err.span is not None else self.span(node)
            raise ParseError(err.message, span, err.notes) from err

    # -- dispatch ------------------------------------------------------------------------------

    def visit_expr(self, node: ast.expr) -> Any:
        """Evaluate an expression to a value (IR or Python)."""
        value = self.visit_expr_raw(node)
        if isinstance(value, Binding):
            if value.wrap is not None:
                raise self.error("this construct must be assigned to a name", node)
            return value.values[0] if len(value.values) == 1 else value.values
        return value

    def visit_expr_raw(self, node: ast.expr, names: tuple[str, ...] | None = None) -> Any:
        """Evaluate an expression; a declaring call keeps its `Binding`, named by `names`."""
        self._names = names
        if self.evaluator.is_python(node):
            self._names = None
            return self.evaluator.eval_python(node)
        handler = self.table.exprs.get(type(node))
        if handler is None:
            raise self.error(f"unsupported expression: {type(node).__name__}", node)
        with self.attach(node):
            value = handler(self, node)
            return self.stamp(value, self.span(node)) if isinstance(value, Node) else value

    def take_names(self) -> tuple[str, ...] | None:
        """The assignment targets waiting for the call being evaluated (once)."""
        names, self._names = self._names, None
        return names

    def visit_stmt(self, node: ast.stmt) -> Any:
        """Parse a statement: None, a `Stmt`, a list of them, or a `Wrap`."""
        handler = self.table.stmts.get(type(node))
        if handler is None:
            raise self.error(f"unsupported statement: {type(node).__name__}", node)
        with self.attach(node):
            return handler(self, node)

    def visit_body(self, stmts: list[ast.stmt], owner: ast.AST) -> tir.Stmt:
        """Parse a statement list into one statement; an empty one is ``T.evaluate(0)``."""
        out = self.visit_stmts(stmts)
        if not out:
            return tir.Evaluate(self.stamp(tir.const(0), self.span(owner)), span=self.span(owner))
        body = tir.seq(*out)
        if isinstance(body, tir.SeqStmt) and body.span is None:  # spans its statements
            span, end = self.span(stmts[0]), self.span(stmts[-1])
            body = tir.SeqStmt(
                body.seq, span=Span(span.source, span.line, span.col, end.end_line, end.end_col)
            )
        return body

    def visit_stmts(self, stmts: list[ast.stmt]) -> list[tir.Stmt]:
        """Parse a statement list into the statements it makes (header lines make none)."""
        out: list[tir.Stmt] = []
        for index, node in enumerate(stmts):
            result = self.visit_stmt(node)
            if result is None:
                continue
            if isinstance(result, Wrap):
                rest = stmts[index + 1 :]
                body = self.visit_body(rest, rest[0] if rest else node)
                with self.attach(node):
                    out.append(result.build(body))
                break
            out.extend(result if isinstance(result, list) else [result])
        return out

    def eval_item(self, item: Any) -> Any:
        """Evaluate an argument item: an AST node, an `Evaluated`, or a default value."""
        if isinstance(item, Evaluated):
            return item.value
        if isinstance(item, ast.expr):
            return self.visit_expr(item)
        if isinstance(item, tuple):
            return tuple(self.eval_item(i) for i in item)
        return item

    def call_args(self, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
        """The call's arguments as AST nodes, with ``*xs`` expanded to `Evaluated` items."""
        positional: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                values = self.visit_expr(arg.value)
                try:
                    positional.extend(Evaluated(v, arg) for v in values)
                except TypeError:
                    raise self.error("only an iterable can be unpacked with *", arg) from None
            else:
                positional.append(arg)
        keywords: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                mapping = self.visit_expr(kw.value)
                if not isinstance(mapping, dict):
                    raise self.error("only a dict can be unpacked with **", kw.value)
                keywords.update({k: Evaluated(v, kw.value) for k, v in mapping.items()})
            else:
                keywords[kw.arg] = kw.value
        return positional, keywords

    def construct_args(self, construct: Construct, node: ast.Call) -> Args:
        """Bind a construct call's arguments to the construct's signature."""
        positional, keywords = self.call_args(node)
        return Args(self, construct, node, positional, keywords)

    # -- values --------------------------------------------------------------------------------

    def lookup(self, name: str, node: ast.AST) -> Any:
        """The value of a name, or an error at `node` if it is not defined."""
        value = self.evaluator.lookup(name)
        if value is MISSING:
            raise self.error(f"name {name!r} is not defined", node)
        return value

    def as_expr(self, value: Any, node: ast.AST, like: Any = None) -> tir.PrimExpr:
        """A value as a `PrimExpr`: a Python literal becomes a constant (of `like`'s kind)."""
        value = python_scalar(value)
        if isinstance(value, tir.PrimExpr):
            return value
        with self.attach(node):
            if isinstance(value, bool | str):
                expr = tir.convert(value)
            elif isinstance(value, int | float):
                expr = literal(value, like)
            else:
                raise self.error(f"expected a PrimExpr, got {describe(value)}", node)
        return self.stamp(expr, self.span(node))

    def stamp(self, value: Node, span: Span) -> Any:
        """Give `span` to the new nodes of `value`: span-less ones, stopping at spanned nodes.

        Nodes are rebuilt, never mutated; binders and ops keep their identity.
        """
        if value.span is not None or value._binder or isinstance(value, tir.Op | GlobalVar):
            return value
        changes = {}
        for name in child_fields(type(value)):
            old = getattr(value, name)
            new = self._stamp_field(old, span)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, span=span, **changes)

    def _stamp_field(self, value: Any, span: Span) -> Any:
        if isinstance(value, Node):
            return self.stamp(value, span)
        if isinstance(value, tuple):
            items = tuple(self._stamp_field(v, span) for v in value)
            return value if all(a is b for a, b in zip(items, value)) else items
        return value

    # -- frames and names ----------------------------------------------------------------------

    @contextmanager
    def enter(self, frame: Frame | None = None, keep_python: bool = False) -> Iterator[None]:
        """Open a binding scope (and push `frame`) for a nested body."""
        self.scope.push()
        if frame is not None:
            self.frames.append(frame)
        try:
            yield
        finally:
            if frame is not None:
                self.frames.pop()
            self.scope.pop(keep_python)

    def innermost(self, cls: type, construct: str, node: ast.AST, what: str) -> Any:
        """The innermost frame, which must be a `cls` (else: `construct` is only valid `what`)."""
        if self.frames and isinstance(self.frames[-1], cls):
            return self.frames[-1]
        raise self.error(f"{construct} is only valid {what}", node)

    def nearest(self, classes: tuple[type, ...]) -> Any:
        """The innermost enclosing frame of one of `classes`, or None."""
        for frame in reversed(self.frames):
            if isinstance(frame, classes):
                return frame
        return None


def literal(value: int | float, like: Any) -> tir.PrimExpr:
    """A Python number as a constant: of `like`'s dtype where the kinds agree."""
    if like is not None and not like.is_handle and (isinstance(value, int) or like.is_float):
        return tir.const(value, like)
    return tir.const(value)


def describe(value: Any) -> str:
    """A short description of a value for error messages."""
    if isinstance(value, tir.Buffer):
        return f"buffer {value.name}"
    if isinstance(value, Construct):
        return value.script_name
    if hasattr(value, "script_name"):
        return str(value.script_name)
    if isinstance(value, Node):
        return f"a {type(value).__name__}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) < 60 else text[:57] + '...'}"


def signature_text(func: Callable[..., Any] | inspect.Signature) -> str:
    """``(x, y, *args, dtype='int32')`` for a function, without annotations; empty if unknown."""
    try:
        signature = func if isinstance(func, inspect.Signature) else inspect.signature(func)
    except (TypeError, ValueError):
        return ""
    empty = inspect.Parameter.empty
    params = [p.replace(annotation=empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=params, return_annotation=empty))
