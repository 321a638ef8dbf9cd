"""T dialect loops: ``range``, ``T.serial`` and the other kinds, ``T.grid``, Python unrolling.

A loop over a Python value (``for k in [0, 1, 2]``) unrolls at parse time.
A loop variable takes its extent's dtype; ``range(lo, hi)`` becomes ``min, extent`` by the
range rule of `tir_region`.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Any

from loom.ir import Map, Node, tir

from .construct import Construct
from .core import Args, Evaluated, Frame, describe
from .tir_parser import TIR, TIRParser
from .tir_region import min_extent
from .tir_stmt import bind_python

_KINDS = {
    "serial": tir.ForKind.SERIAL,
    "parallel": tir.ForKind.PARALLEL,
    "vectorized": tir.ForKind.VECTORIZED,
    "unroll": tir.ForKind.UNROLLED,
    "thread_binding": tir.ForKind.THREAD_BINDING,
}


@dataclass
class _Loop:
    """One loop a ``for`` statement opens, before its variable exists."""

    min: tir.PrimExpr
    extent: tir.PrimExpr
    kind: tir.ForKind = tir.ForKind.SERIAL
    thread: str | None = None
    annotations: dict[str, Any] = field(default_factory=dict)


def _bounds(p: TIRParser, start: Any, stop: Any, start_node: Any, stop_node: Any) -> tuple:
    if stop is None:
        start, stop, start_node, stop_node = 0, start, start_node, start_node
    return min_extent(p, start, stop, start_node, stop_node)


def _range_loops(p: TIRParser, node: ast.Call) -> list[_Loop]:
    if node.keywords or not 1 <= len(node.args) <= 3:
        raise p.error("range takes 1 or 2 positional arguments here: range(n), range(lo, hi)", node)
    if len(node.args) == 3:
        raise p.error("a TIR loop has no step: use range(lo, hi) and scale the variable", node)
    values = [p.visit_expr(arg) for arg in node.args]
    if len(values) == 1:
        return [_Loop(*_bounds(p, values[0], None, node.args[0], None))]
    return [_Loop(*_bounds(p, values[0], values[1], node.args[0], node.args[1]))]


def _construct_loops(p: TIRParser, construct: Construct, node: ast.Call) -> list[_Loop]:
    args = p.construct_args(construct, node)
    if construct.name == "grid":
        items = args.items("extents")
        if not items:
            raise p.error("T.grid needs at least one extent", node)
        loops = []
        for item in items:
            item_node = item.node if isinstance(item, Evaluated) else item
            loops.append(_Loop(*_bounds(p, p.eval_item(item), None, item_node, None)))
        return loops
    start, stop = args.value("start"), args.value("stop")
    thread = args.value("thread") if construct.name == "thread_binding" else None
    if construct.name == "thread_binding" and thread is None and isinstance(stop, str):
        # T.thread_binding(n, "threadIdx.x")
        start, stop, thread = start, None, stop
    if construct.name == "thread_binding" and not isinstance(thread, str):
        raise p.error('T.thread_binding needs a thread, e.g. thread="threadIdx.x"', node)
    lo, extent = _bounds(p, start, stop, args.node_of("start"), args.node_of("stop"))
    annotations = args.value("annotations") or {}
    if not isinstance(annotations, dict):
        raise p.error("annotations must be a dict", args.node_of("annotations"))
    return [_Loop(lo, extent, _KINDS[construct.name], thread, annotations)]


def _loops(p: TIRParser, node: ast.expr) -> list[_Loop] | None:
    """The loops an iterable opens, or None for a Python value to unroll over."""
    if not isinstance(node, ast.Call):
        return None
    func = p.visit_expr(node.func)
    if func is builtins.range:
        return _range_loops(p, node)
    if isinstance(func, Construct) and func.dialect == "tir" and func.name in _LOOP_NAMES:
        with p.attach(node):
            return _construct_loops(p, func, node)
    return None


_LOOP_NAMES = ("grid", *_KINDS)


@TIR.call(*_LOOP_NAMES)
def _loop_outside_for(p: TIRParser, args: Args, names: Any) -> None:
    raise p.error("this loop construct is only valid as the iterable of a for statement", args.node)


@TIR.stmt(ast.For)
def _for(p: TIRParser, node: ast.For) -> Any:
    if node.orelse:
        raise p.error("for ... else is not supported", node.orelse[0])
    loops = _loops(p, node.iter)
    if loops is None:
        return _unroll(p, node)
    targets = p.target_names(node.target)
    if len(targets) != len(loops):
        callee = ast.unparse(node.iter.func)  # type: ignore[attr-defined]
        raise p.error(
            f"{callee} gives {len(loops)} loop variable(s) but the target unpacks {len(targets)}",
            node.target,
        )
    span = p.span(node)
    with p.enter(Frame("for")):
        loop_vars = []
        for name, loop in zip(targets, loops):
            var = tir.Var(name.id, loop.extent.dtype, span=p.span(name))
            p.scope.bind(name.id, var)
            p.loop_ranges[var] = tir.Range(loop.min, loop.extent, span=span)
            loop_vars.append(var)
        body = p.visit_body(node.body, node)
    for var, loop in reversed(list(zip(loop_vars, loops))):
        binding = None
        if loop.thread is not None:
            dom = tir.Range(loop.min, loop.extent, span=span)
            binding = tir.IterVar(var, dom, tir.IterType.THREAD_INDEX, loop.thread, span=span)
        body = tir.For(
            var, loop.min, loop.extent, loop.kind, body, binding, Map(loop.annotations), span=span
        )
    return body


def _unroll(p: TIRParser, node: ast.For) -> list[tir.Stmt]:
    values = p.visit_expr(node.iter)
    if isinstance(values, Node):
        raise p.error(
            f"cannot loop over {describe(values)}: use range(...), T.serial(...), T.grid(...), "
            "or a Python list to unroll",
            node.iter,
        )
    try:
        items = list(values)
    except TypeError:
        raise p.error(f"cannot loop over {describe(values)}", node.iter) from None
    out: list[tir.Stmt] = []
    for item in items:
        with p.enter():
            bind_python(p, node.target, item)
            out.extend(p.visit_stmts(node.body))
    return out
