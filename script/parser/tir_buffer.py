"""T dialect buffer declarations: ``T.Buffer``, ``T.match_buffer``, ``T.alloc_buffer``, ...

``T.decl_buffer`` and ``T.allocate`` too.
The buffer keywords (strides, elem_offset, scope, align, offset_factor) read the same way for
all of them; the assigned name names the buffer and its data variable.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import DataType, Map, dtype, tir

from .construct import to_dtype
from .core import Args, Binding, Evaluated, describe
from .tir_parser import TIR, BlockFrame, FunctionFrame, TIRParser
from .tir_region import region_of


def _exprs(
    p: TIRParser, args: Args, name: str, like: DataType | None
) -> tuple[tir.PrimExpr, ...] | None:
    """A shape-like argument (a tuple, or one extent) as integer expressions; None stays None."""
    node = args.node_of(name)
    item = args.all[name]
    p.declare_undefined = p.in_signature
    try:
        pairs: list[tuple[Any, ast.AST]]
        if isinstance(item, ast.Tuple | ast.List):
            pairs = [(p.visit_expr(elt), elt) for elt in item.elts]
        else:
            value = args.value(name)
            if value is None:
                return None
            values = value if isinstance(value, tuple | list) else (value,)
            pairs = [(v, node) for v in values]
    finally:
        p.declare_undefined = False
    out = []
    for value, elt in pairs:
        expr = p.as_expr(value, elt, like)
        if not expr.dtype.is_integer or not expr.dtype.is_scalar:
            raise p.error(f"a buffer {name} must be a scalar integer, not {expr.dtype}", elt)
        out.append(expr)
    return tuple(out)


def _int(p: TIRParser, args: Args, name: str) -> int:
    value = args.value(name)
    if isinstance(value, tir.IntImm):
        value = value.value
    if not isinstance(value, int) or isinstance(value, bool):
        raise p.error(f"{name} must be a Python int, not {describe(value)}", args.node_of(name))
    return value


def make_buffer(
    p: TIRParser, args: Args, name: str, shape: tuple[tir.PrimExpr, ...] | None = None
) -> tir.Buffer:
    """Build the buffer a declaration's arguments describe."""
    span = p.span(args.node)
    if shape is None:
        shape = _exprs(p, args, "shape", None)
        if shape is None:
            raise p.error("a buffer needs a shape", args.node)
    with p.attach(args.node_of("dtype")):
        element = to_dtype(args.value("dtype"))
    index = dtype("int64" if any(e.dtype.bits == 64 for e in shape) else "int32")
    data = args.value("data")
    if data is None:
        data = tir.Var(name, "handle", span=span)
    elif not (isinstance(data, tir.Var) and data.dtype.is_handle):
        raise p.error(f"data must be a handle variable, not {describe(data)}", args.node_of("data"))
    strides = _exprs(p, args, "strides", index) or ()
    offsets = _exprs(p, args, "elem_offset", index)
    if offsets is None:
        offset = p.stamp(tir.IntImm(index, 0), span)
    elif len(offsets) == 1:
        offset = offsets[0]
    else:
        raise p.error("elem_offset is one integer", args.node_of("elem_offset"))
    scope = args.value("scope")
    if not isinstance(scope, str):
        raise p.error("scope must be a string", args.node_of("scope"))
    align, factor = _int(p, args, "align"), _int(p, args, "offset_factor")
    with p.attach(args.node):
        return tir.Buffer(
            name, shape, element, data, strides, offset, scope, align, factor, span=span
        )


def _name(names: tuple[str, ...] | None) -> str:
    return names[0] if names else "buffer"


@TIR.call("Buffer")
def _buffer(p: TIRParser, args: Args, names: Any) -> Binding:
    return Binding((make_buffer(p, args, _name(names)),))


@TIR.call("match_buffer")
def _match_buffer(p: TIRParser, args: Args, names: Any) -> Binding:
    item = args.all["param"]
    param = None if isinstance(item, ast.Subscript) else p.eval_item(item)
    if isinstance(param, tir.Var):
        return _match_param(p, args, param, _name(names))
    frame = p.innermost(
        BlockFrame, "T.match_buffer of a region", args.node, "directly inside a T.block"
    )
    region = region_of(p, item if param is None else Evaluated(param, args.node_of("param")))
    assert isinstance(region, tir.BufferRegion)
    shape = None if args.has("shape") else tuple(r.extent for r in region.region)
    buffer = make_buffer(p, args, _name(names), shape)
    frame.match_buffers.append(tir.MatchBufferRegion(buffer, region, span=p.span(args.node)))
    return Binding((buffer,))


def _match_param(p: TIRParser, args: Args, param: tir.Var, name: str) -> Binding:
    node = args.node_of("param")
    frame = p.innermost(
        FunctionFrame, "T.match_buffer of a parameter", args.node, "at the top of a prim_func"
    )
    if param not in frame.params or not param.dtype.is_handle:
        raise p.error(f"{param.name_hint} is not a T.handle parameter of this function", node)
    if param in frame.buffer_map:
        raise p.error(f"parameter {param.name_hint} already has a buffer", node)
    if not args.has("shape"):
        raise p.error("T.match_buffer of a parameter needs a shape", args.node)
    buffer = make_buffer(p, args, name)
    frame.buffer_map[param] = buffer
    return Binding((buffer,))


@TIR.call("alloc_buffer")
def _alloc_buffer(p: TIRParser, args: Args, names: Any) -> Binding:
    frame = p.nearest((BlockFrame, FunctionFrame))
    buffer = make_buffer(p, args, _name(names))
    frame.alloc_buffers.append(buffer)
    return Binding((buffer,))


@TIR.call("decl_buffer")
def _decl_buffer(p: TIRParser, args: Args, names: Any) -> Binding:
    buffer = make_buffer(p, args, _name(names))
    span = p.span(args.node)
    if args.value("data") is not None:
        return Binding((buffer,), lambda body: tir.DeclBuffer(buffer, body, span=span))

    def allocate(body: tir.Stmt) -> tir.Stmt:
        declared = tir.DeclBuffer(buffer, body, span=span)
        cond = p.stamp(tir.const(True), span)
        return tir.Allocate(
            buffer.data, buffer.dtype, buffer.shape, cond, declared, buffer.scope, span=span
        )

    return Binding((buffer,), allocate)


@TIR.call("allocate")
def _allocate(p: TIRParser, args: Args, names: Any) -> Binding:
    span = p.span(args.node)
    extents = _exprs(p, args, "extents", None)
    if extents is None:
        raise p.error("T.allocate needs extents", args.node_of("extents"))
    with p.attach(args.node_of("dtype")):
        element = to_dtype(args.value("dtype"))
    scope = args.value("scope")
    if not isinstance(scope, str):
        raise p.error("scope must be a string", args.node_of("scope"))
    cond = p.as_expr(args.value("condition"), args.node_of("condition"))
    if not cond.dtype.is_bool:
        raise p.error(f"condition must be bool, not {cond.dtype}", args.node_of("condition"))
    annotations = args.value("annotations") or {}
    if not isinstance(annotations, dict):
        raise p.error("annotations must be a dict", args.node_of("annotations"))
    var = tir.Var(_name(names), "handle", span=span)
    p.allocations[var] = (element, extents, scope)

    def allocate(body: tir.Stmt) -> tir.Stmt:
        return tir.Allocate(var, element, extents, cond, body, scope, Map(annotations), span=span)

    return Binding((var,), allocate)
