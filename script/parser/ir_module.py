"""The I dialect: an ``@I.ir_module`` class body holding functions and ``I.module_attrs``.

Each function is parsed by the parser of its decorator's dialect (`FUNCTION_PARSERS`, keyed
``"tir.prim_func"``, ``"relax.function"``), with the decorator's arguments as options. Every
function gets its `GlobalVar` first and is parsed on demand (`relax_module`), so graph functions
may refer to functions defined below them; the graph functions are then checked for
well-formedness. Values at class level (decorator arguments, attributes) are written with
T-dialect expressions, so the module parser evaluates them with the T expression handlers.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from loom.ir import BaseFunc, GlobalVar, IRModule, Map

from .construct import Construct
from .core import Args, HandlerTable
from .evaluator import Scope
from .relax_func import check_module, parse_relax_function
from .relax_module import ModuleContext, bind_module_names
from .source import Source
from .tir_func import parse_prim_func
from .tir_parser import TIR, TIRParser

FunctionParser = Callable[..., BaseFunc]
"""``parse(source, scope, node, *, options, module)``: a function of one dialect."""

ParseDef = Callable[..., BaseFunc]
"""``parse(source, scope, node, module=None)``: a ``def`` with its decorator's options bound."""


def _parse_prim_func(
    source: Source,
    scope: Scope,
    node: ast.FunctionDef,
    *,
    options: dict[str, Any],
    module: ModuleContext | None = None,
) -> BaseFunc:
    # The decorator's options (private, check_well_formed) do not change a prim_func.
    return parse_prim_func(source, scope, node)


FUNCTION_PARSERS: dict[str, FunctionParser] = {
    "tir.prim_func": _parse_prim_func,
    "relax.function": parse_relax_function,
}

IR = HandlerTable("ir")


class ModuleParser(TIRParser):
    """Parses the body of an ``@I.ir_module`` class (and the top level of `from_source` text)."""

    table = IR

    def __init__(self, source: Source, scope: Scope):
        super().__init__(source, scope)
        self.module_attrs: dict[str, Any] | None = None


def function_parser(p: TIRParser, node: ast.FunctionDef) -> ParseDef:
    """The parser of a function's dialect, read from its one decorator (``@T.prim_func``)."""
    if len(node.decorator_list) != 1:
        where = node.decorator_list[1] if node.decorator_list else node
        raise p.error("a script function has exactly one decorator, such as @T.prim_func", where)
    decorator = node.decorator_list[0]
    call = decorator if isinstance(decorator, ast.Call) else None
    func = p.visit_expr(call.func if call is not None else decorator)
    key = f"{func.dialect}.{func.name}" if isinstance(func, Construct) else ""
    if key not in FUNCTION_PARSERS:
        raise p.error("expected a function decorator such as @T.prim_func", decorator)
    options: dict[str, Any] = {}
    if call is not None:
        args = Args(p, func, call, *p.call_args(call))
        if args.has("func"):
            raise p.error(f"{func.script_name}(...) takes keyword arguments only", call)
        options = {name: args.value(name) for name in args.given}
    parse = FUNCTION_PARSERS[key]

    def parse_def(
        source: Source, scope: Scope, node: ast.FunctionDef, module: ModuleContext | None = None
    ) -> BaseFunc:
        return parse(source, scope, node, options=options, module=module)

    return parse_def


def check_class_decorator(p: TIRParser, node: ast.ClassDef) -> None:
    """A class parsed from text must be decorated with ``@I.ir_module``."""
    decorators = [p.visit_expr(d) for d in node.decorator_list]
    if len(decorators) != 1 or not (
        isinstance(decorators[0], Construct) and decorators[0].name == "ir_module"
    ):
        raise p.error("expected a class decorated with @I.ir_module", node)


def parse_ir_module(source: Source, scope: Scope, node: ast.ClassDef, executed: bool) -> IRModule:
    """Parse a class body into a module; `executed`: Python already ran its assignments."""
    p = ModuleParser(source, scope)
    context = ModuleContext(node.name)
    for index, stmt in enumerate(node.body):
        if isinstance(stmt, ast.FunctionDef):
            if stmt.name in context.gvs:
                raise p.error(f"duplicate function {stmt.name!r} in the module", stmt)
            parse = function_parser(p, stmt)
            context.declare(
                stmt.name,
                GlobalVar(stmt.name, span=p.span(stmt)),
                _deferred(source, scope, stmt, parse),
            )
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            if not executed:
                bind_python_value(p, stmt)
        elif isinstance(stmt, ast.Expr):
            if index == 0 and isinstance(stmt.value, ast.Constant):
                continue  # the docstring
            if p.visit_expr_raw(stmt.value) is not None:
                raise p.error("this statement has no meaning in a module", stmt)
        elif not isinstance(stmt, ast.Pass):
            raise p.error(f"unsupported statement in a module: {type(stmt).__name__}", stmt)
    # The functions' bodies see the class name (``cls = Module``) and every function by name.
    bind_module_names(context, scope.locals)
    functions = context.parse_all().functions
    module = IRModule(functions, Map(p.module_attrs or {}), span=p.span(node))
    check_module(context, module, p.span(node))
    return module


def _deferred(
    source: Source, scope: Scope, node: ast.FunctionDef, parse: ParseDef
) -> Callable[[ModuleContext], BaseFunc]:
    def run(context: ModuleContext) -> BaseFunc:
        return parse(source, scope.child(), node, context)

    return run


def bind_python_value(p: TIRParser, stmt: ast.Assign | ast.AnnAssign) -> None:
    """Run ``NAME = value`` at class or file level, as Python would, into the scripts' scope."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    if stmt.value is None:
        return
    value = p.evaluator.eval_python(stmt.value)
    for target in targets:
        _assign(p, target, value)


def _assign(p: TIRParser, target: ast.expr, value: Any) -> None:
    if isinstance(target, ast.Name):
        p.scope.locals[target.id] = value
        return
    if isinstance(target, ast.Tuple | ast.List):
        items = list(value)
        if len(items) != len(target.elts):
            raise p.error(f"cannot unpack {len(items)} value(s) into {len(target.elts)}", target)
        for elt, item in zip(target.elts, items):
            _assign(p, elt, item)
        return
    raise p.error("only names can be assigned here", target)


IR.exprs.update(TIR.exprs)


@IR.call("module_attrs")
def _module_attrs(p: ModuleParser, args: Args, names: Any) -> None:
    if p.module_attrs is not None:
        raise p.error("a module has at most one I.module_attrs", args.node)
    attrs = args.value("attrs")
    if not isinstance(attrs, dict) or not all(isinstance(k, str) for k in attrs):
        raise p.error("I.module_attrs takes a dict with string keys", args.node_of("attrs"))
    p.module_attrs = attrs
