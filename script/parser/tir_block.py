"""T dialect blocks and the other ``with`` scopes.

``with T.block("name"):`` opens a `BlockFrame` that its header lines fill (``T.axis.*``,
``T.where``, ``T.reads``/``T.writes``, ``T.block_attr``, ``T.alloc_buffer``, ``T.match_buffer``,
``with T.init():``); a block without ``T.reads``/``T.writes`` gets inferred regions. The scoped
forms ``with T.LetStmt(v) as x:``, ``with T.Assert(c, "m"):``, ``with T.allocate(...) as buf:``
and ``with T.decl_buffer(...) as A:`` hold a body that does not run to the end of its list.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from loom.ir import Map, replace, tir
from loom.ir.tir.regions import infer_block_regions

from .construct import Construct
from .core import Args, Binding, Evaluated, Frame
from .tir_parser import TIR, BlockFrame, TIRParser
from .tir_region import min_extent, region_of

WithHandler = Callable[[TIRParser, Construct, ast.Call, ast.expr | None, ast.With], Any]
_WITH: dict[str, WithHandler] = {}


def _with_construct(*names: str) -> Callable[[WithHandler], WithHandler]:
    def add(handler: WithHandler) -> WithHandler:
        for name in names:
            _WITH[name] = handler
        return handler

    return add


@TIR.stmt(ast.With)
def _with(p: TIRParser, node: ast.With) -> Any:
    if len(node.items) != 1:
        raise p.error("a with statement here opens one scope: with T.block(...):", node)
    item = node.items[0]
    call = item.context_expr
    expected = "expected T.block, T.init, T.LetStmt, T.Assert, T.allocate or T.decl_buffer here"
    if not isinstance(call, ast.Call):
        raise p.error(expected, call)
    func = p.visit_expr(call.func)
    if not isinstance(func, Construct) or func.dialect != "tir" or func.name not in _WITH:
        raise p.error(expected, call)
    return _WITH[func.name](p, func, call, item.optional_vars, node)


@TIR.call(*("block", "init", "LetStmt", "Assert"))
def _with_only(p: TIRParser, args: Args, names: Any) -> None:
    raise p.error(f"{args.construct.script_name} is only valid in a with statement", args.node)


def _no_target(p: TIRParser, construct: Construct, target: ast.expr | None) -> None:
    if target is not None:
        raise p.error(f"with {construct.script_name}(...) binds no name", target)


def _one_name(p: TIRParser, construct: Construct, target: Any, node: ast.AST) -> ast.Name:
    if not isinstance(target, ast.Name):
        raise p.error(f"write: with {construct.script_name}(...) as name:", target or node)
    return target


@_with_construct("block")
def _block(p: TIRParser, construct: Construct, call: ast.Call, target: Any, node: ast.With) -> Any:
    _no_target(p, construct, target)
    args = p.construct_args(construct, call)
    name = args.value("name")
    if not isinstance(name, str):
        raise p.error("a block name is a string", args.node_of("name"))
    frame = BlockFrame("block", name=name)
    with p.enter(frame):
        body = p.visit_body(node.body, node)
    span = p.span(node)
    block = tir.Block(
        tuple(frame.iter_vars),
        frame.reads or (),
        frame.writes or (),
        name,
        body,
        frame.init,
        tuple(frame.alloc_buffers),
        tuple(frame.match_buffers),
        Map(frame.annotations or {}),
        span=span,
    )
    if frame.reads is None or frame.writes is None:
        block = _infer_regions(p, block, frame, span)
    predicate = frame.predicate
    if predicate is None:
        predicate = p.stamp(tir.const(True), span)
    return tir.BlockRealize(tuple(frame.iter_values), predicate, block, span=span)


def _infer_regions(p: TIRParser, block: tir.Block, frame: BlockFrame, span: Any) -> tir.Block:
    reads, writes = infer_block_regions(block)
    if frame.reads is None:
        block = replace(block, reads=tuple(p.stamp(r, span) for r in reads))
    if frame.writes is None:
        block = replace(block, writes=tuple(p.stamp(w, span) for w in writes))
    return block


@_with_construct("init")
def _init(p: TIRParser, construct: Construct, call: ast.Call, target: Any, node: ast.With) -> None:
    _no_target(p, construct, target)
    p.construct_args(construct, call)
    frame = p.innermost(BlockFrame, "T.init", call, "directly inside a T.block")
    if frame.init is not None:
        raise p.error("a block has at most one T.init", call)
    with p.enter(Frame("init")):
        frame.init = p.visit_body(node.body, node)


@_with_construct("LetStmt")
def _let(p: TIRParser, construct: Construct, call: ast.Call, target: Any, node: ast.With) -> Any:
    name = _one_name(p, construct, target, node)
    value = p.construct_args(construct, call).expr("value")
    var = tir.Var(name.id, value.dtype, span=p.span(name))
    with p.enter():
        p.scope.bind(name.id, var)
        body = p.visit_body(node.body, node)
    return tir.LetStmt(var, value, body, span=p.span(node))


@_with_construct("Assert")
def _assert(p: TIRParser, construct: Construct, call: ast.Call, target: Any, node: ast.With) -> Any:
    _no_target(p, construct, target)
    args = p.construct_args(construct, call)
    cond = args.expr("condition")
    if not cond.dtype.is_bool:
        raise p.error(f"a condition must be bool, not {cond.dtype}", args.node_of("condition"))
    message = args.value("message")
    if not isinstance(message, str):
        raise p.error("an assert message must be a string", args.node_of("message"))
    with p.enter():
        body = p.visit_body(node.body, node)
    return tir.AssertStmt(cond, message, body, span=p.span(node))


@_with_construct("allocate", "decl_buffer")
def _scoped(p: TIRParser, construct: Construct, call: ast.Call, target: Any, node: ast.With) -> Any:
    name = _one_name(p, construct, target, node)
    binding = p.table.calls[construct.name](p, p.construct_args(construct, call), (name.id,))
    with p.enter():
        p.scope.bind(name.id, binding.values[0])
        body = p.visit_body(node.body, node)
    with p.attach(node):
        return binding.wrap(body)


# -- block header lines ------------------------------------------------------------------------


def _block_frame(p: TIRParser, args: Args) -> BlockFrame:
    where = "directly inside a T.block"
    return p.innermost(BlockFrame, args.construct.script_name, args.node, where)


_AXIS_KINDS = {
    "axis.spatial": tir.IterType.DATA_PAR,
    "axis.reduce": tir.IterType.COMM_REDUCE,
    "axis.scan": tir.IterType.ORDERED,
    "axis.opaque": tir.IterType.OPAQUE,
}


@TIR.call(*_AXIS_KINDS)
def _axis(p: TIRParser, args: Args, names: Any) -> Binding:
    frame = _block_frame(p, args)
    value, dom = args.value("binding"), args.value("dom")
    dom_node = args.node_of("dom")
    like = value.dtype if isinstance(value, tir.PrimExpr) else None
    if isinstance(dom, tuple | list):
        if len(dom) != 2:
            raise p.error("a domain is an extent or a (begin, end) pair", dom_node)
        nodes = dom_node.elts if isinstance(dom_node, ast.Tuple | ast.List) else [dom_node] * 2
        begin = dom[0] if like is None else p.as_expr(dom[0], nodes[0], like)
        lo, extent = min_extent(p, begin, dom[1], nodes[0], nodes[1])
    else:
        extent = p.as_expr(dom, dom_node, like)
        lo = p.stamp(tir.const(0, extent.dtype), p.span(dom_node))
    binding = p.as_expr(value, args.node_of("binding"), extent.dtype)
    if not extent.dtype.is_integer or not binding.dtype.is_integer:
        raise p.error("a block variable's domain and value are integers", args.node)
    if binding.dtype != extent.dtype:
        raise p.error(
            f"the domain is {extent.dtype} but the value is {binding.dtype}",
            args.node_of("binding"),
        )
    span = p.span(args.node)
    var = tir.Var(names[0] if names else "v", binding.dtype, span=span)
    kind = _AXIS_KINDS[args.construct.name]
    frame.iter_vars.append(tir.IterVar(var, tir.Range(lo, extent, span=span), kind, span=span))
    frame.iter_values.append(binding)
    return Binding((var,))


@TIR.call("axis.remap")
def _remap(p: TIRParser, args: Args, names: Any) -> Binding:
    frame = _block_frame(p, args)
    kinds, kinds_node = args.value("kinds"), args.node_of("kinds")
    if not isinstance(kinds, str):
        raise p.error('T.axis.remap kinds are a string such as "SSR"', kinds_node)
    for kind in kinds:
        if kind not in "SR":
            raise p.error(
                f'T.axis.remap: unknown iteration kind {kind!r} in "{kinds}"; '
                'use "S" (spatial) or "R" (reduce)',
                kinds_node,
            )
    item = args.all["bindings"]
    pairs: list[tuple[Any, ast.AST]]
    if isinstance(item, ast.List | ast.Tuple):
        pairs = [(p.visit_expr(elt), elt) for elt in item.elts]
    else:
        values = p.eval_item(item)
        if not isinstance(values, list | tuple):
            raise p.error("T.axis.remap takes a list of loop variables", args.node_of("bindings"))
        pairs = [(v, args.node_of("bindings")) for v in values]
    if len(pairs) != len(kinds):
        raise p.error(
            f"T.axis.remap has {len(kinds)} kind(s) but {len(pairs)} loop variable(s)", args.node
        )
    span = p.span(args.node)
    out = []
    for index, (kind, (loop_var, node)) in enumerate(zip(kinds, pairs)):
        loop = p.loop_ranges.get(loop_var) if isinstance(loop_var, tir.Var) else None
        if loop is None:
            raise p.error("T.axis.remap binds loop variables of enclosing loops", node)
        name = names[index] if names and len(names) == len(kinds) else "v"
        var = tir.Var(name, loop_var.dtype, span=span)
        iter_type = tir.IterType.DATA_PAR if kind == "S" else tir.IterType.COMM_REDUCE
        dom = tir.Range(loop.min, loop.extent, span=span)
        frame.iter_vars.append(tir.IterVar(var, dom, iter_type, span=span))
        frame.iter_values.append(loop_var)
        out.append(var)
    return Binding(tuple(out))


@TIR.call("where")
def _where(p: TIRParser, args: Args, names: Any) -> None:
    frame = _block_frame(p, args)
    if frame.predicate is not None:
        raise p.error("a block has at most one T.where", args.node)
    predicate = args.expr("predicate")
    if not predicate.dtype.is_bool:
        raise p.error(f"T.where needs a bool, not {predicate.dtype}", args.node_of("predicate"))
    frame.predicate = predicate


@TIR.call("reads", "writes")
def _regions(p: TIRParser, args: Args, names: Any) -> None:
    frame = _block_frame(p, args)
    which = args.construct.name
    if getattr(frame, which) is not None:
        raise p.error(f"a block has at most one {args.construct.script_name}", args.node)
    regions: list[tir.BufferRegion] = []
    for item in args.items("regions"):
        if isinstance(item, ast.List | ast.Tuple):
            regions.extend(region_of(p, elt) for elt in item.elts)
        elif isinstance(item, Evaluated) and isinstance(item.value, list | tuple):
            regions.extend(region_of(p, Evaluated(v, item.node)) for v in item.value)
        else:
            regions.append(region_of(p, item))
    setattr(frame, which, tuple(regions))


@TIR.call("block_attr")
def _block_attr(p: TIRParser, args: Args, names: Any) -> None:
    frame = _block_frame(p, args)
    if frame.annotations is not None:
        raise p.error("a block has at most one T.block_attr", args.node)
    annotations = args.value("annotations")
    if not isinstance(annotations, dict):
        raise p.error("T.block_attr takes a dict", args.node_of("annotations"))
    frame.annotations = annotations
