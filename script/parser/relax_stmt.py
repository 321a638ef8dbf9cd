"""R dialect statements: bindings, unpacking, dataflow blocks, if/else, expression statements.

``x = value`` binds a new variable (``x: <struct info> = value`` annotates it); ``a, b = t``
binds the fields of a tuple; ``n = T.int64()`` declares a size variable (or names one the
signature declared); ``x = <Python value>`` binds a parse-time value. A bare call statement is
bound to a fresh variable ``_``. ``if``/``else`` both end by assigning the same name, which the
whole ``If`` is bound to.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import GlobalVar, structural_equal, tir
from loom.ir import graph as g

from .. import relax as relax_dialect
from .core import Binding, describe
from .relax_parser import (
    DATAFLOW,
    DataflowFrame,
    MatchCastValue,
    R,
    RelaxParser,
    SeqFrame,
    Sizes,
)
from .relax_sinfo import read_struct_info
from .tir_stmt import bind_python


def _names(target: ast.expr) -> tuple[str, ...] | None:
    elts = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
    names = tuple(e.id for e in elts if isinstance(e, ast.Name))
    return names if len(names) == len(elts) else None


def _is_graph(value: Any) -> bool:
    return isinstance(value, g.Expr | GlobalVar | tir.PrimExpr)


@R.stmt(ast.Assign)
def _assign(p: RelaxParser, node: ast.Assign) -> None:
    if len(node.targets) != 1:
        raise p.error("chained assignment (a = b = ...) is not supported", node)
    target, value_node = node.targets[0], node.value
    if (
        isinstance(target, ast.Tuple | ast.List)
        and isinstance(value_node, ast.Tuple | ast.List)
        and len(target.elts) == len(value_node.elts)
        and not any(isinstance(e, ast.Starred) for e in [*target.elts, *value_node.elts])
    ):
        # Elementwise, values first: ``n, m = T.int64(), T.int64()``.
        values = [
            (t, v, p.visit_expr_raw(v, _names(t))) for t, v in zip(target.elts, value_node.elts)
        ]
        for t, v, value in values:
            _bind_target(p, t, value, v, node)
        return
    _bind_target(p, target, p.visit_expr_raw(value_node, _names(target)), value_node, node)


@R.stmt(ast.AnnAssign)
def _annassign(p: RelaxParser, node: ast.AnnAssign) -> None:
    target = node.target
    if not isinstance(target, ast.Name):
        raise p.error("an annotated binding needs a name", target)
    if node.value is None:
        raise p.error(f"{target.id} is annotated but has no value", node)
    value = p.visit_expr_raw(node.value, (target.id,))
    annotation = read_struct_info(p, node.annotation, Sizes.LOOKUP)
    _bind_target(p, target, value, node.value, node, annotation, node.annotation)


def _bind_target(
    p: RelaxParser,
    target: ast.expr,
    value: Any,
    value_node: ast.expr,
    stmt: ast.stmt,
    annotation: g.StructInfo | None = None,
    annotation_node: ast.AST | None = None,
) -> None:
    if isinstance(value, Binding):
        _declare(p, target, value)
        return
    if value is relax_dialect.function or value is DATAFLOW:
        raise p.error("this construct cannot be assigned to a name", value_node)
    if isinstance(value, MatchCastValue):
        if not isinstance(target, ast.Name):
            raise p.error("R.match_cast binds one name", target)
        if annotation is not None:
            p.check_annotation(annotation, value.struct_info, annotation_node or stmt)
        _match_cast(p, target.id, value, target, stmt)
        return
    if isinstance(target, ast.Tuple | ast.List):
        if _is_graph(value):
            _unpack(p, target, value, value_node, stmt)
        else:
            bind_python(p, target, value)  # type: ignore[arg-type]
        return
    if not isinstance(target, ast.Name):
        raise p.error("a graph function binds names, not elements or attributes", target)
    if not _is_graph(value) and annotation is None:
        p.scope.bind(target.id, value)  # a Python value, for meta-programming
        return
    # An annotated binding is a graph binding: arrays (``metadata[...]``) become constants.
    value = p.graph_value(value, value_node)
    var = p.bind(
        target.id,
        value,
        stmt,
        var_node=target,
        annotation=annotation,
        annotation_node=annotation_node,
        output=p.is_output(target.id),
    )
    p.scope.bind(target.id, var)


def _declare(p: RelaxParser, target: ast.expr, binding: Binding) -> None:
    """``n = T.int64()``: a new size variable, or the one of that name already declared."""
    names = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
    if len(names) != len(binding.values):
        raise p.error(
            f"this declares {len(binding.values)} value(s) but the assignment has "
            f"{len(names)} target(s)",
            target,
        )
    for name, var in zip(names, binding.values):
        if not isinstance(name, ast.Name):
            raise p.error("expected a name here", name)
        existing = p.evaluator.lookup(name.id)
        if isinstance(existing, tir.Var) and isinstance(var, tir.Var):
            if existing.dtype != var.dtype or type(existing) is not type(var):
                raise p.error(
                    f"{name.id} is already a size of type {_kind(existing)}; it cannot be "
                    f"declared again as {_kind(var)}",
                    name,
                )
            continue  # the signature's size of that name (the printer declares it again)
        p.scope.bind_outermost(name.id, var)


def _kind(var: tir.Var) -> str:
    return f"{var.dtype} (a SizeVar)" if isinstance(var, tir.SizeVar) else str(var.dtype)


def _match_cast(
    p: RelaxParser, name: str, value: MatchCastValue, target: ast.AST, stmt: ast.stmt
) -> g.Var:
    var = p.new_var(name, value.struct_info, target, p.is_output(name))
    p.emit(g.MatchCast(var, value.value, value.struct_info, span=p.span(stmt)))
    p.scope.bind(name, var)
    return var


def _unpack(
    p: RelaxParser, target: ast.Tuple | ast.List, value: Any, node: ast.expr, stmt: ast.stmt
) -> None:
    """``a, b = t``: one binding per field of the tuple ``t`` (a call is bound first)."""
    expr = p.leaf(p.graph_value(value, node), node)
    sinfo = p.struct_info_of(expr, node)
    if not isinstance(sinfo, g.TupleStructInfo):
        raise p.error(f"cannot unpack a value of {sinfo_name(sinfo)}: it is not a tuple", node)
    if len(sinfo.fields) != len(target.elts):
        raise p.error(
            f"cannot unpack a tuple of {len(sinfo.fields)} into {len(target.elts)} names", target
        )
    for index, elt in enumerate(target.elts):
        item = p.normalize(g.TupleGetItem(expr, index, span=p.span(node)), node)
        if isinstance(elt, ast.Tuple | ast.List):
            _unpack(p, elt, item, node, stmt)
        elif isinstance(elt, ast.Name):
            var = p.bind(elt.id, item, stmt, var_node=elt, output=p.is_output(elt.id))
            p.scope.bind(elt.id, var)
        else:
            raise p.error("unpack into names", elt)


def sinfo_name(sinfo: g.StructInfo) -> str:
    """A struct info kind, for messages."""
    from .relax_check import sinfo_text

    return sinfo_text(sinfo)


@R.stmt(ast.Expr)
def _expr_stmt(p: RelaxParser, node: ast.Expr) -> None:
    if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str | type(...)):
        return  # a docstring, a string used as a comment, or ``...``
    value = p.visit_expr_raw(node.value)
    if value is None:
        return  # R.output, R.func_attr, or a Python call made for its effect
    if isinstance(value, Binding):
        raise p.error("a declaration must be assigned to a name: n = T.int64()", node)
    if isinstance(value, MatchCastValue):
        _match_cast(p, "_", value, node, node)
        return
    if isinstance(value, g.Call):
        # A call made for its effect (R.call_packed("f", x)): bound to a fresh ``_``.
        p.bind("_", value, node)
        return
    raise p.error(f"this statement has no effect: it is {describe(value)}", node)


@R.stmt(ast.Pass)
def _pass(p: RelaxParser, node: ast.Pass) -> None:
    return None


# -- dataflow blocks --------------------------------------------------------------------------


def _is_output(p: RelaxParser, stmt: ast.stmt) -> bool:
    """Whether `stmt` is an ``R.output(...)`` statement (``R`` by whatever name)."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    if not (isinstance(func, ast.Attribute) and func.attr == "output"):
        return False
    return isinstance(func.value, ast.Name) and p.evaluator.lookup(func.value.id) is relax_dialect


def _assigned(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [name for elt in target.elts for name in _assigned(elt)]
    return []


def _bound_names(stmt: ast.stmt) -> list[str]:
    """The names a statement assigns (in either branch of an ``if``)."""
    if isinstance(stmt, ast.Assign):
        return [name for target in stmt.targets for name in _assigned(target)]
    if isinstance(stmt, ast.AnnAssign):
        return _assigned(stmt.target)
    if isinstance(stmt, ast.If):
        return [name for inner in [*stmt.body, *stmt.orelse] for name in _bound_names(inner)]
    return []


def _outputs(p: RelaxParser, node: ast.With) -> dict[str, int]:
    """The names ``R.output`` lists, each with the index of the statement binding it last."""
    body = node.body
    for stmt in body[:-1]:
        if _is_output(p, stmt):
            raise p.error("R.output must be the last statement of its dataflow block", stmt)
    if not _is_output(p, body[-1]):
        raise p.error(
            "a dataflow block ends with R.output(...), naming the variables used after it "
            "(R.output() if none)",
            node.items[0].context_expr,
        )
    last_stmt = body[-1]
    assert isinstance(last_stmt, ast.Expr)
    call = last_stmt.value
    assert isinstance(call, ast.Call)
    if call.keywords:
        raise p.error("R.output takes variable names only", call.keywords[0])
    last: dict[str, int] = {}
    for index, stmt in enumerate(body[:-1]):
        for name in _bound_names(stmt):
            last[name] = index
    outputs: dict[str, int] = {}
    for arg in call.args:
        if not isinstance(arg, ast.Name):
            raise p.error("R.output lists the names of variables bound in the block", arg)
        if arg.id in outputs:
            raise p.error(f"{arg.id} is listed twice in R.output", arg)
        if arg.id not in last:
            raise p.error(f"R.output: {arg.id!r} is not bound in this dataflow block", arg)
        outputs[arg.id] = last[arg.id]
    return outputs


@R.stmt(ast.With)
def _with(p: RelaxParser, node: ast.With) -> None:
    item = node.items[0]
    if len(node.items) != 1 or item.optional_vars is not None:
        raise p.error("a graph function only opens blocks with `with R.dataflow():`", node)
    if p.visit_expr(item.context_expr) is not DATAFLOW:
        raise p.error(
            "a graph function only opens blocks with `with R.dataflow():`", item.context_expr
        )
    if p.dataflow() is not None:
        raise p.error("dataflow blocks do not nest", node)
    outputs = _outputs(p, node)
    seq = p.nearest((SeqFrame,))
    assert isinstance(seq, SeqFrame)
    seq.flush()
    frame = DataflowFrame("dataflow", outputs=outputs)
    with p.enter(frame, keep_python=True):
        for index, stmt in enumerate(node.body):
            frame.index = index
            p.visit_stmt(stmt)
        local = dict(p.scope.frames[-1])
    seq.blocks.append(g.DataflowBlock(tuple(frame.bindings), span=p.span(node)))
    for name, value in local.items():
        if name in outputs:
            p.scope.bind(name, value)
        elif isinstance(value, g.DataflowVar):
            p.closed_dataflow[name] = node.lineno


# -- if / else --------------------------------------------------------------------------------


@R.stmt(ast.If)
def _if(p: RelaxParser, node: ast.If) -> tuple[ast.Name, g.Var] | None:
    if p.evaluator.is_python(node.test):
        # A parse-time condition picks its branch; the branch's bindings stay visible.
        test = p.evaluator.eval_python(node.test)
        try:
            chosen = node.body if test else node.orelse
        except Exception as err:
            raise p.error(f"the truth of this Python value is unknown: {err}", node.test) from err
        for stmt in chosen:
            p.visit_stmt(stmt)
        return None
    if p.dataflow() is not None:
        raise p.error("if/else is not allowed inside a dataflow block", node)
    cond = p.operand(p.visit_expr(node.test), node.test)
    if not node.orelse:
        raise p.error(
            "an if in a graph function needs an else branch; both branches end by assigning "
            "the same name",
            node,
        )
    then_name, then_seq, then_ann = _branch(p, node.body, node)
    else_name, else_seq, else_ann = _branch(p, node.orelse, node.orelse[0])
    if then_name.id != else_name.id:
        raise p.error(
            f"both branches of an if end by assigning the same name: {then_name.id} in the "
            f"first, {else_name.id} here",
            else_name,
        )
    annotation = then_ann or else_ann
    both = then_ann is not None and else_ann is not None
    if both and not structural_equal(then_ann[0], else_ann[0]):  # type: ignore[index]
        raise p.error(f"the branches annotate {then_name.id} differently", else_ann[1])  # type: ignore[index]
    value = p.normalize(g.If(cond, then_seq, else_seq, span=p.span(node)), node)
    var = p.bind(
        then_name.id,
        value,
        node,
        var_node=then_name,
        annotation=annotation[0] if annotation else None,
        annotation_node=annotation[1] if annotation else None,
    )
    p.scope.bind(then_name.id, var)
    return then_name, var


def _branch(
    p: RelaxParser, stmts: list[ast.stmt], owner: ast.AST
) -> tuple[ast.Name, g.SeqExpr, tuple[g.StructInfo, ast.expr] | None]:
    """Parse a branch; its last statement gives the result (the name and the value)."""
    frame = SeqFrame("branch")
    annotation = None
    with p.enter(frame):
        for stmt in stmts[:-1]:
            p.visit_stmt(stmt)
        last = stmts[-1]
        if isinstance(last, ast.If):
            result = _if(p, last)
            if result is None:
                raise p.error("an if branch ends by assigning its result, as z = ...", last)
            name, body = result
        else:
            name, body, annotation = _branch_result(p, last)
        frame.flush()
    seq = g.SeqExpr(tuple(frame.blocks), body, span=p.span(owner))
    return name, p.normalize(seq, owner), annotation


def _branch_result(
    p: RelaxParser, stmt: ast.stmt
) -> tuple[ast.Name, Any, tuple[g.StructInfo, ast.expr] | None]:
    target = None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target = stmt.target
    if not isinstance(target, ast.Name):
        raise p.error("an if branch ends by assigning its result to one name, as z = ...", stmt)
    assert isinstance(stmt, ast.Assign | ast.AnnAssign)
    assert stmt.value is not None
    value = p.visit_expr(stmt.value)
    if not _is_graph(value):
        raise p.error(f"an if branch results in a graph value, not {describe(value)}", stmt.value)
    annotation = None
    if isinstance(stmt, ast.AnnAssign):
        annotation = (read_struct_info(p, stmt.annotation, Sizes.LOOKUP), stmt.annotation)
    return target, p.graph_value(value, stmt.value), annotation


# -- what a graph function body cannot hold ---------------------------------------------------

_UNSUPPORTED = {
    ast.Return: "return is only valid as the last statement of a graph function",
    ast.AugAssign: "augmented assignment is not supported; bind a new value, e.g. x = R.add(x, y)",
    ast.For: "for loops are not supported in a graph function",
    ast.While: "while loops are not supported in a graph function",
    ast.Break: "break is not supported in a graph function",
    ast.Continue: "continue is not supported in a graph function",
    ast.FunctionDef: "nested functions are not supported in a graph function",
    ast.ClassDef: "classes are not supported in a graph function",
    ast.Try: "try is not supported in a graph function",
    ast.Raise: "raise is not supported in a graph function",
    ast.Assert: "assert is not supported in a graph function; use R.match_cast for checks",
    ast.Delete: "del is not supported in a graph function",
    ast.Import: "imports belong outside the graph function",
    ast.ImportFrom: "imports belong outside the graph function",
    ast.Global: "global is not supported in a graph function",
    ast.Nonlocal: "nonlocal is not supported in a graph function",
}


def _unsupported(p: RelaxParser, node: ast.stmt) -> None:
    raise p.error(_UNSUPPORTED[type(node)], node)


R.stmt(*_UNSUPPORTED)(_unsupported)
