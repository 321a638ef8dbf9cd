"""Printing state for one function or one fragment.

Holds the name of each binder, and the declarations that free variables and undeclared buffers
need: in the header, or at the start of the body of a construct inside the function.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from loom.ir import Node
from loom.ir.tir import Var

from .doc import AssignDoc, ExprDoc, IdDoc, StmtDoc
from .namer import Namer
from .values import var_declaration


class Scope:
    """The body of one binding construct (a loop, a let, an allocation, a block's header).

    `decls` collects declarations that must open that body: buffers that nothing defines but
    that refer to a variable this construct binds.
    """

    def __init__(self) -> None:
        self.decls: list[StmtDoc] = []


class Context:
    """Names and declarations while printing.

    In a function (`function` true), a variable that no construct binds is declared in the
    header (``n = T.int32()``); in a fragment it is just named after its hint. Names are unique
    within the whole function, so a binder keeps its name everywhere.
    """

    def __init__(self, *, function: bool) -> None:
        self.function = function
        self.namer = Namer()
        self.in_body = False  # definitions from now on are made by constructs inside the body
        self.var_decls: list[StmtDoc] = []  # ``n = T.int32()``, in order of first use
        self.buffer_decls: list[StmtDoc] = []  # ``A = T.Buffer(...)`` the header holds
        self._docs: dict[Node, ExprDoc] = {}
        self._scopes: list[Scope] = []  # open scopes, innermost last
        self._bound_in: dict[Node, Scope] = {}  # where each body binder was defined

    def lookup(self, node: Node) -> ExprDoc | None:
        """The doc that refers to a variable or buffer, if it has one yet."""
        return self._docs.get(node)

    def define(
        self, node: Node, hint: str, *, header: bool = False, scope: Scope | None = None
    ) -> ExprDoc:
        """Name a binder where it is defined (an existing name is kept).

        Inside the body it belongs to `scope`, by default the innermost open one; `header`
        marks a definition the function header holds.
        """
        doc = self._docs.get(node)
        if doc is None:
            doc = IdDoc(self.namer.fresh(hint))
            self.alias(node, doc, header=header, scope=scope)
        return doc

    def alias(
        self, node: Node, doc: ExprDoc, *, header: bool = False, scope: Scope | None = None
    ) -> None:
        """Refer to `node` by `doc` (a buffer's data variable is ``A.data``)."""
        self._docs[node] = doc
        if self.in_body and not header:
            owner = scope or (self._scopes[-1] if self._scopes else None)
            if owner is not None:
                self._bound_in[node] = owner

    @contextmanager
    def scope(self) -> Iterator[list[StmtDoc]]:
        """Open the body of a binding construct; yields the declarations that must open it."""
        scope = Scope()
        self._scopes.append(scope)
        try:
            yield scope.decls
        finally:
            self._scopes.pop()

    def innermost_scope(self, nodes: list[Node]) -> Scope | None:
        """The innermost open scope binding one of `nodes`; None if the header binds them all."""
        depth = {id(scope): d for d, scope in enumerate(self._scopes)}
        best: Scope | None = None
        for node in nodes:
            scope = self._bound_in.get(node)
            if scope is None:
                continue
            # A binder whose scope has closed is used out of scope; keep to the innermost one.
            scope = scope if id(scope) in depth else self._scopes[-1]
            if best is None or depth[id(scope)] > depth[id(best)]:
                best = scope
        return best

    def free_var(self, var: Var) -> ExprDoc:
        """Name a variable that nothing has defined; in a function, declare it in the header."""
        doc = self.define(var, var.name_hint, header=True)
        if self.function:
            self.var_decls.append(AssignDoc((doc,), var_declaration(var)))
        return doc
