"""`well_formed`: the whole-function rules of a prim_func, checked after parsing and every pass.

The rules, each a `WellFormedError` naming the function and the variable or buffer:

- **Every variable used is defined where it is used.** Definitions: the params; the variables of
  the shapes, strides and elem_offsets of `buffer_map` buffers and of block `match_buffers`
  (a variable is defined by its first occurrence there, as the argument or the matched region
  gives it a value; a later occurrence is a use that the runtime checks); loop variables (and
  a thread binding's variable); `LetStmt`/`Let` variables; block iteration variables; the data
  variables of `Allocate`, `buffer_map` buffers, `alloc_buffers` and `match_buffers`.
  A free variable declared with ``n = T.int32()`` is therefore well-formed exactly when one of
  these binds it (a param, or a size of a buffer param or match buffer): anything else would be
  read at run time without a value.
- **Each variable is defined once** in the whole function (no shadowing, no two loops sharing
  a variable), and each buffer is declared once.
- **Every buffer used is declared** in scope: a `buffer_map` buffer, a block's `alloc_buffers` or
  `match_buffers`, or a `DeclBuffer`. With `allow_undeclared_views` (the default) a buffer may
  also be used undeclared when its data variable and layout variables are in scope: the view
  form the printer writes as ``A = T.Buffer(..., data=buf)``, which the interpreter lays over
  the memory of its data variable. Lowered code (after FlattenBuffers) declares every buffer.

Stores need not lie within their block's `T.writes` region; regions are hints for scheduling.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..diagnostics import WellFormedError
from ..functor import Visitor
from ..module import IRModule
from ..span import Span
from .buffer import Buffer
from .expr import BufferLoad, Let, PrimExpr, Var
from .function import PrimFunc
from .stmt import (
    Allocate,
    Block,
    BlockRealize,
    BufferRegion,
    BufferStore,
    DeclBuffer,
    For,
    LetStmt,
    MatchBufferRegion,
    Stmt,
)


def well_formed(target: PrimFunc | IRModule, *, allow_undeclared_views: bool = True) -> None:
    """Raise `WellFormedError` unless `target` (a prim_func, or each one of a module) is sound.

    See the module docstring for the rules.
    """
    if isinstance(target, IRModule):
        for gv, func in target.functions.items():
            if isinstance(func, PrimFunc):
                _Checker(gv.name_hint, allow_undeclared_views).check(func)
        return
    if not isinstance(target, PrimFunc):
        raise WellFormedError(f"well_formed checks a PrimFunc or IRModule, not {type(target)}")
    name = str(target.attrs.get("global_symbol", "main"))
    _Checker(name, allow_undeclared_views).check(target)


class _Checker(Visitor):
    def __init__(self, function: str, allow_undeclared_views: bool) -> None:
        self.function = function
        self.allow_views = allow_undeclared_views
        self.live: dict[Var, int] = {}  # variables in scope (count: a binder may nest)
        self.defined: set[Var] = set()  # every variable defined so far, anywhere
        self.buffers: dict[Buffer, int] = {}  # buffers declared in scope
        self.declared: set[Buffer] = set()  # every buffer declared so far, anywhere
        self.span: Span | None = None  # the innermost statement with a span, for errors

    # -- entry -----------------------------------------------------------------------------

    def check(self, func: PrimFunc) -> None:
        for param in func.params:
            self._define(param, "a parameter")
        for param, buffer in func.buffer_map.items():
            if param not in self.live:
                raise self._error(
                    f"buffer_map key {param.name_hint} (of buffer {buffer.name}) is not a param"
                )
        self._bind_layouts(tuple(func.buffer_map.values()), "a buffer_map buffer")
        self.visit(func.body)

    def _bind_layouts(self, buffers: tuple[Buffer, ...], what: str) -> None:
        """Declare buffers whose layout variables are defined by their first occurrence."""
        for buffer in buffers:
            if buffer.data not in self.live:
                self._define(buffer.data, f"the data of {what}")
            for expr in (*buffer.shape, *buffer.strides, buffer.elem_offset):
                if isinstance(expr, Var) and expr not in self.live:
                    self._define(expr, f"a size of {what}")
        for buffer in buffers:
            for expr in (*buffer.shape, *buffer.strides, buffer.elem_offset):
                self._use(expr)
            self._declare(buffer)

    # -- scopes ----------------------------------------------------------------------------

    def _define(self, var: Var, what: str) -> None:
        if var in self.defined:
            raise self._error(f"variable {var.name_hint} is defined twice (again as {what})")
        self.defined.add(var)
        self.live[var] = self.live.get(var, 0) + 1

    def _declare(self, buffer: Buffer) -> None:
        if buffer in self.declared:
            raise self._error(f"buffer {buffer.name} is declared twice")
        self.declared.add(buffer)
        self.buffers[buffer] = self.buffers.get(buffer, 0) + 1

    @contextmanager
    def _scope(self) -> Iterator[None]:
        live, buffers = dict(self.live), dict(self.buffers)
        try:
            yield
        finally:
            self.live, self.buffers = live, buffers

    def _use(self, expr: PrimExpr) -> None:
        self.visit(expr)

    def _error(self, message: str) -> WellFormedError:
        return WellFormedError(f"function {self.function}: {message}", self.span)

    def visit(self, node: object) -> None:
        span = getattr(node, "span", None)
        if isinstance(node, Stmt) and span is not None:
            saved, self.span = self.span, span
            try:
                super().visit(node)
            finally:
                self.span = saved
            return
        super().visit(node)

    # -- expressions -----------------------------------------------------------------------

    def visit_var(self, var: Var) -> None:
        if var not in self.live:
            raise self._error(f"variable {var.name_hint} is used where nothing defines it")

    def visit_let(self, node: Let) -> None:
        self.visit(node.value)
        with self._scope():
            self._define(node.var, "a Let variable")
            self.visit(node.body)

    def visit_buffer_load(self, node: BufferLoad) -> None:
        self._access(node.buffer)
        for index in node.indices:
            self.visit(index)

    def visit_buffer(self, buffer: Buffer) -> None:
        self._access(buffer)

    def _access(self, buffer: Buffer) -> None:
        if buffer in self.buffers:
            return
        if not self.allow_views:
            raise self._error(f"buffer {buffer.name} is used but not declared in scope")
        if buffer.data not in self.live:
            raise self._error(
                f"buffer {buffer.name} is used but neither declared nor backed by memory in "
                f"scope (its data variable {buffer.data.name_hint} is not defined here)"
            )
        for expr in (*buffer.shape, *buffer.strides, buffer.elem_offset):
            self.visit(expr)

    # -- statements ------------------------------------------------------------------------

    def visit_buffer_store(self, node: BufferStore) -> None:
        self._access(node.buffer)
        self.visit(node.value)
        for index in node.indices:
            self.visit(index)

    def visit_for(self, node: For) -> None:
        self.visit(node.min)
        self.visit(node.extent)
        with self._scope():
            self._define(node.loop_var, "a loop variable")
            binding = node.thread_binding
            if binding is not None and binding.var is not node.loop_var:
                self._define(binding.var, "a thread binding")
            self.visit(node.body)

    def visit_let_stmt(self, node: LetStmt) -> None:
        self.visit(node.value)
        with self._scope():
            self._define(node.var, "a LetStmt variable")
            self.visit(node.body)

    def visit_allocate(self, node: Allocate) -> None:
        for extent in node.extents:
            self.visit(extent)
        self.visit(node.condition)
        with self._scope():
            self._define(node.buffer_var, "an Allocate variable")
            self.visit(node.body)

    def visit_decl_buffer(self, node: DeclBuffer) -> None:
        buffer = node.buffer
        if buffer.data not in self.live:
            raise self._error(
                f"DeclBuffer {buffer.name}: its data variable {buffer.data.name_hint} is not "
                "defined here"
            )
        for expr in (*buffer.shape, *buffer.strides, buffer.elem_offset):
            self.visit(expr)
        with self._scope():
            self._declare(buffer)
            self.visit(node.body)

    def visit_block_realize(self, node: BlockRealize) -> None:
        for value in node.iter_values:
            self.visit(value)
        self.visit(node.predicate)
        self.visit(node.block)

    def visit_block(self, node: Block) -> None:
        for iv in node.iter_vars:
            if iv.dom is not None:
                self.visit(iv.dom.min)
                self.visit(iv.dom.extent)
        with self._scope():
            for iv in node.iter_vars:
                self._define(iv.var, f"an iteration variable of block {node.name_hint}")
            for buffer in node.alloc_buffers:
                self._define(buffer.data, f"the data of alloc_buffer {buffer.name}")
                for expr in (*buffer.shape, *buffer.strides, buffer.elem_offset):
                    self.visit(expr)
                self._declare(buffer)
            for match in node.match_buffers:
                self._match(match)
            for region in (*node.reads, *node.writes):
                self._region(region)
            if node.init is not None:
                self.visit(node.init)
            self.visit(node.body)

    def _match(self, match: MatchBufferRegion) -> None:
        self._region(match.source)
        self._bind_layouts((match.buffer,), f"match_buffer {match.buffer.name}")

    def _region(self, region: BufferRegion) -> None:
        self._access(region.buffer)
        for rng in region.region:
            self.visit(rng.min)
            self.visit(rng.extent)
