"""An ``@R.function`` as a whole: the signature, the body, purity, attributes, well-formedness.

Parameters are annotated with struct info, whose new size names declare the function's
symbolic sizes; the return annotation, if any, is checked against the body. The body is a
sequence of statements ending with ``return <value>``. Purity is inferred unless the decorator
says ``pure=``: a function that calls a packed function or an impure op or function is impure.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import DataType, GlobalVar, IRModule, Map, ParseError, Span, WellFormedError
from loom.ir import graph as g
from loom.ir.graph import Function

from . import relax_builtin, relax_call, relax_expr, relax_stmt  # noqa: F401  (handlers)
from .construct import DTypeConstructor
from .evaluator import Scope
from .relax_module import ModuleContext, Signature
from .relax_parser import FunctionFrame, HeaderDecl, RelaxParser, SeqFrame, Sizes
from .relax_sinfo import read_struct_info
from .source import Source


def parse_relax_function(
    source: Source,
    scope: Scope,
    node: ast.FunctionDef,
    *,
    options: dict[str, Any] | None = None,
    module: ModuleContext | None = None,
) -> Function:
    """Parse a ``def`` (its decorator already read into `options`) into a graph `Function`."""
    options = options or {}
    p = RelaxParser(source, scope, module)
    p.header = _header(p, node.body)
    _check_arguments(p, node.args)
    frame = FunctionFrame("function", name=node.name)
    with p.enter(frame):
        params = tuple(_parameter(p, arg, i, node) for i, arg in enumerate(node.args.args))
        ret = None
        if node.returns is not None:
            ret = read_struct_info(p, node.returns, Sizes.LOOKUP)
        if module is not None:
            signature = Signature(tuple(v.struct_info for v in params), ret, options.get("pure"))
            module.begin(node.name, signature)
        body_frame = SeqFrame("body")
        with p.enter(body_frame):
            result = _body(p, node)
            body_frame.flush()
        body = p.normalize(g.SeqExpr(tuple(body_frame.blocks), result, span=p.span(node)), node)
    if ret is not None and node.returns is not None:
        p.check_annotation(ret, p.struct_info_of(body, node), node.returns)
    attrs = dict(frame.attrs or {})
    if options.get("private"):
        attrs["private"] = True
    pure = _purity(p, body, options.get("pure"))
    with p.attach(node):
        func = Function(params, body, ret, pure, Map(attrs), span=p.span(node))
    if not options.get("check_well_formed", True):
        if module is not None:
            module.unchecked.add(node.name)
    elif module is None:
        # Checked as the one function of a module, so that messages name it.
        check_well_formed(IRModule.from_functions({node.name: func}), p.span(node))
    return func


def _header(p: RelaxParser, stmts: list[ast.stmt]) -> dict[str, HeaderDecl]:
    """The ``k = T.int32()`` declarations at the top level of the body, read ahead."""
    out: dict[str, HeaderDecl] = {}
    for stmt in stmts:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        pairs: list[tuple[ast.expr, ast.expr]] = [(target, value)]
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            pairs = list(zip(target.elts, value.elts))
        for name, call in pairs:
            if isinstance(name, ast.Name) and isinstance(call, ast.Call) and not call.args:
                declared = _dtype_constructor(p, call.func)
                if declared is not None:
                    out.setdefault(name.id, HeaderDecl(declared, _is_size_var(call)))
    return out


def _is_size_var(call: ast.Call) -> bool:
    return any(
        kw.arg == "is_size_var" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in call.keywords
    )


def _dtype_constructor(p: RelaxParser, func: ast.expr) -> DataType | None:
    """The dtype of ``T.int32`` (the T dialect by whatever name), read without side effects."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    base = p.evaluator.lookup(func.value.id)
    if getattr(base, "__loom_dialect__", None) != "tir":
        return None
    value = getattr(base, func.attr, None)
    return value.dtype if isinstance(value, DTypeConstructor) else None


def _check_arguments(p: RelaxParser, args: ast.arguments) -> None:
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            raise p.error("a graph function takes plain parameters only", extra)
    for arg in [*args.posonlyargs, *args.kwonlyargs]:
        raise p.error("a graph function takes plain parameters only", arg)
    for default in [*args.defaults, *args.kw_defaults]:
        if default is not None:
            raise p.error("graph function parameters have no default values", default)


def _parameter(p: RelaxParser, arg: ast.arg, index: int, node: ast.FunctionDef) -> g.Var:
    name = arg.arg
    if any(a.arg == name for a in node.args.args[:index]):
        raise p.error(f"duplicate parameter {name!r}", arg)
    if arg.annotation is None:
        raise p.error(
            f'parameter {name!r} needs a struct info annotation, e.g. R.Tensor((n, 4), "float32")',
            arg,
        )
    sinfo = read_struct_info(p, arg.annotation, Sizes.DECLARE)
    var = g.Var(name, sinfo, span=p.span(arg))
    p.scope.bind(name, var)
    return var


def _body(p: RelaxParser, node: ast.FunctionDef) -> Any:
    stmts = node.body
    if (
        isinstance(stmts[0], ast.Expr)
        and isinstance(stmts[0].value, ast.Constant)
        and isinstance(stmts[0].value.value, str)
    ):
        stmts = stmts[1:]  # the docstring
    last = stmts[-1] if stmts else None
    if not isinstance(last, ast.Return):
        for stmt in stmts:
            p.visit_stmt(stmt)
        raise p.error("a graph function ends with `return <value>`", last or node)
    for stmt in stmts[:-1]:
        p.visit_stmt(stmt)
    if last.value is None:
        raise p.error("a graph function returns a value", last)
    with p.attach(last):
        value = p.graph_value(p.visit_expr(last.value), last.value)
    p.struct_info_of(value, last.value)  # a module function is not a value
    return value


def _purity(p: RelaxParser, body: g.SeqExpr, declared: bool | None) -> bool:
    """The declared purity, else pure unless the body calls something that may be impure.

    A declared purity is kept as given: lowered code calls packed functions from pure functions.
    """
    if declared is not None:
        return declared
    return not _calls_impure(p, body)


def _calls_impure(p: RelaxParser, expr: Any) -> bool:
    """Whether `expr` (a body, a branch, a bound value) calls something that may be impure."""
    if isinstance(expr, g.SeqExpr):
        return any(
            _calls_impure(p, binding.value) for block in expr.blocks for binding in block.bindings
        ) or _calls_impure(p, expr.body)
    if isinstance(expr, g.If):
        return _calls_impure(p, expr.true_branch) or _calls_impure(p, expr.false_branch)
    return isinstance(expr, g.Call) and _may_be_impure(p, expr.op)


def _may_be_impure(p: RelaxParser, op: Any) -> bool:
    if isinstance(op, g.Op):
        return not g.op_info(op).pure
    if isinstance(op, g.ExternFunc):
        return True
    if isinstance(op, GlobalVar):
        func = p.module.require(op.name_hint) if p.module is not None else None
        if func is None and p.module is not None:
            # A recursive call: its declared purity; undeclared, it is pure unless the rest of
            # the body says otherwise.
            signature = p.module.signature(op.name_hint)
            return signature is not None and signature.pure is False
        return not (isinstance(func, Function) and func.is_pure)
    sinfo = getattr(op, "struct_info", None)
    return not (isinstance(sinfo, g.FuncStructInfo) and sinfo.purity)


def check_well_formed(target: Function | IRModule, fallback: Span | None) -> None:
    """Run the graph well-formedness checker; report a violation as a `ParseError`."""
    try:
        g.well_formed(target)
    except WellFormedError as err:
        raise ParseError(err.message, err.span or fallback, err.notes) from None


def check_module(context: ModuleContext, module: IRModule, fallback: Span | None) -> None:
    """Check the graph functions of a parsed module (all but those that opted out)."""
    if not context.unchecked:
        check_well_formed(module, fallback)
        return
    for gv, func in module.functions.items():
        if isinstance(func, Function) and gv.name_hint not in context.unchecked:
            check_well_formed(func, fallback)
