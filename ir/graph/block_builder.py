"""`BlockBuilder`: build graph functions from Python, normalized as they are built.

``with bb.function("main", [x, w]):`` opens a function; ``with bb.dataflow():`` a dataflow
block; `emit` binds a value to a fresh variable (nested calls become their own bindings, struct
info is inferred); `emit_func_output` closes the function and adds it to the module; `get`
returns the module. `emit_te` turns a `te` program into a prim_func called with ``call_dps``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..container import Map
from ..diagnostics import LoomError, StructInfoError
from ..module import BaseFunc, GlobalVar, IRModule
from ..structural import structural_equal
from ..tir import PrimFunc
from ..tir.arith import Analyzer
from .binding import Binding, BindingBlock, DataflowBlock, If, MatchCast, SeqExpr, VarBinding
from .expr import ArgExpr, Call, DataflowVar, Expr, Tuple, TupleGetItem, Var
from .function import Function
from .infer import RuntimeCheck, defined_size_vars, erase_to_well_defined
from .normalize import Normalizer, struct_info_of
from .struct_info import StructInfo
from .te_call import te_call
from .well_formed import is_pure_callee, well_formed


@dataclass
class _FunctionFrame:
    name: str
    params: tuple[Var, ...] | None
    attrs: dict[str, Any]
    pure: bool | None
    blocks: list[BindingBlock] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    dataflow: bool = False
    done: bool = False


class BlockBuilder:
    """Builds the functions of one module; see the module docstring for the protocol.

    `runtime_checks` collects the shape conditions that inference could not prove (each will
    be checked at run time; see `loom.ir.graph.infer`).
    """

    def __init__(self, module: IRModule | None = None):
        self.analyzer = Analyzer()
        self._normalizer = Normalizer(module or IRModule(), self.analyzer)
        self._frame: _FunctionFrame | None = None

    @property
    def module(self) -> IRModule:
        """The module built so far."""
        assert self._normalizer.module is not None
        return self._normalizer.module

    @property
    def runtime_checks(self) -> list[RuntimeCheck]:
        """Conditions inference assumed without proof, in emission order."""
        return self._normalizer.checks

    # -- scopes ----------------------------------------------------------------------------

    @contextmanager
    def function(
        self,
        name: str,
        params: Sequence[Var] | None = None,
        attrs: dict[str, Any] | None = None,
        pure: bool | None = None,
        private: bool = False,
    ) -> Iterator[None]:
        """Open a function scope; `emit_func_output` must close it. `pure` None: inferred."""
        if self._frame is not None:
            raise LoomError(f"cannot open function {name} inside function {self._frame.name}")
        if name in self.module:
            raise LoomError(f"the module already has a function named {name!r}")
        attrs = dict(attrs or {})
        if not private:
            attrs.setdefault("global_symbol", name)
        self._frame = _FunctionFrame(name, None if params is None else tuple(params), attrs, pure)
        try:
            yield
            if not self._frame.done:
                raise LoomError(f"function {name} has no output: call emit_func_output")
        finally:
            self._frame = None

    @contextmanager
    def dataflow(self) -> Iterator[None]:
        """Open a dataflow block: pure bindings, `DataflowVar`s unless emitted as outputs."""
        frame = self._current("a dataflow block")
        if frame.dataflow:
            raise LoomError("dataflow blocks do not nest")
        self._flush(frame)
        frame.dataflow = True
        try:
            yield
        finally:
            if frame.bindings:
                frame.blocks.append(DataflowBlock(tuple(frame.bindings)))
            frame.bindings = []
            frame.dataflow = False

    @contextmanager
    def binding_scope(self, dataflow: bool = False) -> Iterator[list[Binding]]:
        """Collect what is emitted inside into the yielded list instead of a function.

        For passes that rewrite a function one binding at a time: a rewrite (an op's
        legalization, say) may `emit` helper bindings, which the pass then places itself. With
        `dataflow`, emitted variables are `DataflowVar`s. The list is filled when the block ends.
        """
        saved = self._frame
        frame = _FunctionFrame("<binding scope>", (), {}, None, dataflow=dataflow)
        collected: list[Binding] = []
        self._frame = frame
        try:
            yield collected
        finally:
            self._frame = saved
        collected.extend(frame.bindings)

    # -- emission --------------------------------------------------------------------------

    def emit(self, expr: ArgExpr, name_hint: str = "") -> Var:
        """Bind `expr` (normalized) to a fresh variable: a `DataflowVar` in a dataflow block."""
        frame = self._current("emit")
        return self._bind(frame, expr, name_hint, frame.dataflow)

    def emit_output(self, expr: ArgExpr, name_hint: str = "") -> Var:
        """Bind `expr` to a plain `Var` inside a dataflow block: an output of the block."""
        frame = self._current("emit_output")
        if not frame.dataflow:
            raise LoomError("emit_output is for dataflow blocks; use emit outside them")
        return self._bind(frame, expr, name_hint, False)

    def match_cast(self, value: ArgExpr, sinfo: StructInfo, name_hint: str = "") -> Var:
        """Bind `value` to a variable of struct info `sinfo`, checked at run time.

        The symbolic sizes that first appear in `sinfo` are defined by it.
        """
        frame = self._current("match_cast")
        value = self._leaf(self.normalize(value))
        cls = DataflowVar if frame.dataflow else Var
        var = cls(name_hint or ("lv" if frame.dataflow else "gv"), sinfo)
        frame.bindings.append(MatchCast(var, value, sinfo))
        return var

    def emit_func_output(self, output: ArgExpr, params: Sequence[Var] | None = None) -> GlobalVar:
        """Close the function with result `output`; add it to the module and return its name."""
        frame = self._current("emit_func_output")
        if frame.dataflow:
            raise LoomError("emit_func_output must come after the dataflow block, not inside it")
        if params is not None:
            if frame.params is not None:
                raise LoomError(f"the parameters of {frame.name} were already given")
            frame.params = tuple(params)
        if frame.params is None:
            raise LoomError(f"function {frame.name} has no parameter list")
        body = self._leaf(self.normalize(output))
        self._flush(frame)
        seq = SeqExpr(tuple(frame.blocks), body)
        defined = set(defined_size_vars([p.struct_info for p in frame.params]))
        ret = erase_to_well_defined(struct_info_of(body), lambda v: v in defined)
        pure = frame.pure if frame.pure is not None else self._infer_purity(seq)
        func = Function(frame.params, seq, ret, pure, Map(frame.attrs))
        well_formed(func)
        self._normalizer.module = self.module.with_function(frame.name, func)
        frame.done = True
        return self.module.global_var(frame.name)

    def emit_te(
        self,
        te_func: Callable[..., Any],
        *args: Any,
        primfunc_name_hint: str | None = None,
        **kwargs: Any,
    ) -> Var:
        """Build a prim_func from the `te` program `te_func(*args, **kwargs)` and call it.

        Graph tensor arguments become placeholders (their symbolic sizes become the prim_func's
        own size variables); the prim_func joins the module under a deduplicated name (an
        identical one is reused) and a ``call_dps`` of it is emitted.
        """
        frame = self._current("emit_te")
        args = tuple(self._leaf(self.normalize(a)) if isinstance(a, Expr) else a for a in args)
        name = primfunc_name_hint or str(getattr(te_func, "__name__", "te_func"))
        call = te_call(self, te_func, args, kwargs, name)
        return self._bind(frame, call, "", frame.dataflow)

    def add_func(self, func: BaseFunc, name_hint: str) -> GlobalVar:
        """Add `func` under a fresh name based on `name_hint`; reuse an identical one."""
        for gv, existing in self.module.functions.items():
            if _same_function(existing, func, gv.name_hint):
                return gv
        name, i = name_hint, 0
        while name in self.module:
            i += 1
            name = f"{name_hint}_{i}"
        if isinstance(func, PrimFunc | Function) and "global_symbol" in func.attrs:
            func = func.with_attr("global_symbol", name)
        self._normalizer.module = self.module.with_function(name, func)
        return self.module.global_var(name)

    def normalize(self, expr: ArgExpr) -> ArgExpr:
        """Fill in struct info; inside a function, nested calls are emitted as bindings first."""
        if self._frame is not None and not self._frame.done:
            expr = self._anf(expr)
        return self._normalizer.normalize(expr)

    def get(self) -> IRModule:
        """The module, checked for well-formedness."""
        if self._frame is not None:
            raise LoomError(f"function {self._frame.name} is still open")
        well_formed(self.module)
        return self.module

    # -- internals -------------------------------------------------------------------------

    def _current(self, what: str) -> _FunctionFrame:
        if self._frame is None or self._frame.done:
            raise LoomError(f"{what} needs an open function scope (with bb.function(...))")
        return self._frame

    def _flush(self, frame: _FunctionFrame) -> None:
        if frame.bindings:
            frame.blocks.append(BindingBlock(tuple(frame.bindings)))
        frame.bindings = []

    def _bind(self, frame: _FunctionFrame, expr: ArgExpr, name_hint: str, local: bool) -> Var:
        value = self.normalize(expr)
        if isinstance(value, GlobalVar):
            raise StructInfoError(f"cannot bind the function {value.name_hint} to a variable")
        cls = DataflowVar if local else Var
        var = cls(name_hint or ("lv" if local else "gv"), struct_info_of(value), span=value.span)
        frame.bindings.append(VarBinding(var, value, span=value.span))
        return var

    def _anf(self, expr: Any) -> Any:
        if isinstance(expr, Call):
            args = tuple(self._leaf(self._anf(a)) for a in expr.args)
            return expr if _same(args, expr.args) else _rebuild(expr, args=args)
        if isinstance(expr, Tuple):
            fields = tuple(self._leaf(self._anf(f)) for f in expr.fields)
            return expr if _same(fields, expr.fields) else Tuple(fields, span=expr.span)
        if isinstance(expr, TupleGetItem):
            value = self._leaf(self._anf(expr.tuple_value))
            if value is expr.tuple_value:
                return expr
            return TupleGetItem(value, expr.index, span=expr.span)
        return expr

    def _leaf(self, expr: Any) -> Any:
        """Bind a non-leaf argument (a call, an `If`, a `SeqExpr`) to a variable."""
        if isinstance(expr, Call | If | SeqExpr) and self._frame is not None:
            return self.emit(expr)
        return expr

    def _infer_purity(self, seq: SeqExpr) -> bool:
        for block in seq.blocks:
            for b in block.bindings:
                if isinstance(b.value, Call) and not is_pure_callee(b.value.op, self.module):
                    return False
        return True


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return all(x is y for x, y in zip(a, b, strict=True))


def _rebuild(call: Call, **changes: Any) -> Call:
    from ..node import replace

    return replace(call, struct_info=None, **changes)


def _same_function(existing: BaseFunc, new: BaseFunc, existing_name: str) -> bool:
    if type(existing) is not type(new):
        return False
    if isinstance(new, PrimFunc | Function) and "global_symbol" in new.attrs:
        new = new.with_attr("global_symbol", existing_name)
    return structural_equal(existing, new)


__all__ = ["BlockBuilder"]
