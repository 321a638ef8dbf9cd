"""R dialect builtins: ``R.call_dps`` (``R.call_tir``, ``R.call_dps_packed``), ``R.call_packed``.

Also the value constructs (``R.shape``, ``R.prim_value``, ``R.str``, ``R.const``,
``R.ExternFunc``) and the body constructs that are calls (``R.match_cast``, ``R.output``,
``R.func_attr``, ``R.dataflow``).
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import GlobalVar, tir
from loom.ir import graph as g
from loom.ir.graph import Function

from ..relax.constructs import const_array
from .core import Args, Evaluated, describe
from .relax_check import mismatch, sinfo_text
from .relax_parser import (
    DATAFLOW,
    DataflowFrame,
    MatchCastValue,
    R,
    RelaxParser,
    SeqFrame,
    Sizes,
)
from .relax_sinfo import as_sinfo, read_struct_info, size_of


def _sinfo_arg(
    p: RelaxParser, args: Args, name: str
) -> g.StructInfo | tuple[g.StructInfo, ...] | None:
    """A struct info argument, or a tuple of them where it is written as a list or tuple."""
    item = args.all[name]
    if item is None or (isinstance(item, ast.Constant) and item.value is None):
        return None
    if isinstance(item, ast.List | ast.Tuple):
        return tuple(read_struct_info(p, elt, Sizes.LOOKUP) for elt in item.elts)
    if isinstance(item, ast.expr):
        return read_struct_info(p, item, Sizes.LOOKUP)
    value = p.eval_item(item)
    node = args.node_of(name)
    if isinstance(value, tuple | list):
        return tuple(as_sinfo(p, v, node) for v in value)
    return as_sinfo(p, value, node)


def _operand_list(p: RelaxParser, item: Any, node: ast.AST) -> tuple[Any, ...]:
    """The arguments of a destination-passing call: a tuple of leaves."""
    if isinstance(item, ast.Tuple | ast.List) and not any(
        isinstance(e, ast.Starred) for e in item.elts
    ):
        return tuple(p.operand(p.visit_expr(elt), elt) for elt in item.elts)
    value = p.eval_item(item)
    if isinstance(value, g.Tuple):
        return value.fields
    if isinstance(value, tuple | list):
        return tuple(p.operand(v, node) for v in value)
    return (p.operand(value, node),)


def _callee(p: RelaxParser, value: Any, node: ast.AST, construct: str) -> GlobalVar | g.ExternFunc:
    if isinstance(value, str):
        value = g.ExternFunc(value, span=p.span(node))
    if isinstance(value, g.ExternFunc):
        if construct == "R.call_tir":
            raise p.error(
                "R.call_tir calls a prim_func of the module (cls.f); call an external "
                "function with R.call_dps_packed",
                node,
            )
        return value
    if not isinstance(value, GlobalVar):
        raise p.error(
            f"{construct} calls a prim_func (cls.f) or an external function (a string), "
            f"not {describe(value)}",
            node,
        )
    if construct == "R.call_dps_packed":
        raise p.error(
            "R.call_dps_packed calls an external function by name; call a prim_func with "
            "R.call_dps or R.call_tir",
            node,
        )
    func = p.module.require(value.name_hint) if p.module is not None else None
    if isinstance(func, Function) or (func is None and p.module is not None):
        raise p.error(
            f"{construct} calls a prim_func; {value.name_hint} is a graph function, called "
            f"as cls.{value.name_hint}(...)",
            node,
        )
    return value


def _seed_out_sinfo(
    p: RelaxParser, shape: Any, callee: GlobalVar | g.ExternFunc, node: ast.AST
) -> g.StructInfo:
    """``R.call_dps((n, m), f, [x, w])``: the output's dtype is that of f's last buffer."""
    sizes = tuple(p.as_size(v, node) for v in shape)
    dtype = None
    if isinstance(callee, GlobalVar) and p.module is not None:
        func = p.module.require(callee.name_hint)
        if isinstance(func, tir.PrimFunc) and func.params:
            buffer = func.buffer_map.get(func.params[-1])
            dtype = buffer.dtype if buffer is not None else None
    return g.TensorStructInfo(sizes, dtype)


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple | list) and all(
        isinstance(v, int | tir.PrimExpr) and not isinstance(v, bool) for v in value
    )


def _call_dps(p: RelaxParser, args: Args, construct: str) -> g.Call:
    callee_value = args.value("callee")
    if _is_shape(callee_value) and construct == "R.call_dps":
        # The seed form: output shape, callee, arguments.
        callee = _callee(p, args.value("args"), args.node_of("args"), construct)
        operands = _operand_list(p, args.all["out_sinfo"], args.node_of("out_sinfo"))
        out_sinfo = _seed_out_sinfo(p, callee_value, callee, args.node_of("callee"))
    else:
        callee = _callee(p, callee_value, args.node_of("callee"), construct)
        operands = _operand_list(p, args.all["args"], args.node_of("args"))
        out = _sinfo_arg(p, args, "out_sinfo")
        if out is None:
            raise p.error(f"{construct} needs out_sinfo, the struct info of its outputs", args.node)
        out_sinfo = g.TupleStructInfo(out) if isinstance(out, tuple) else out
    tir_vars = None
    if "tir_vars" in args.all and args.all["tir_vars"] is not None:
        tir_vars = p.graph_value(args.value("tir_vars"), args.node_of("tir_vars"))
        if not isinstance(tir_vars, g.ShapeExpr):
            raise p.error(
                f"tir_vars is a shape of sizes (R.shape([n])), not {describe(tir_vars)}",
                args.node_of("tir_vars"),
            )
    with p.attach(args.node):
        call = g.op.call_dps(callee, operands, out_sinfo, tir_vars, span=p.span(args.node))
    return p.normalize(call, args.node)


@R.call("call_dps")
def _call_dps_handler(p: RelaxParser, args: Args, names: Any) -> g.Call:
    return _call_dps(p, args, "R.call_dps")


@R.call("call_tir")
def _call_tir(p: RelaxParser, args: Args, names: Any) -> g.Call:
    return _call_dps(p, args, "R.call_tir")


@R.call("call_dps_packed")
def _call_dps_packed(p: RelaxParser, args: Args, names: Any) -> g.Call:
    return _call_dps(p, args, "R.call_dps_packed")


@R.call("call_packed")
def _call_packed(p: RelaxParser, args: Args, names: Any) -> g.Call:
    func = args.value("func")
    node = args.node_of("func")
    if isinstance(func, str):
        func = g.ExternFunc(func, span=p.span(node))
    if not isinstance(func, g.ExternFunc):
        raise p.error(f"R.call_packed calls a function by name, not {describe(func)}", node)
    operands = []
    for item in args.items("args"):
        where = item.node if isinstance(item, Evaluated) else item
        operands.append(p.operand(p.eval_item(item), where))
    sinfo_args = _sinfo_arg(p, args, "sinfo_args")
    with p.attach(args.node):
        call = g.op.call_packed(func, *operands, sinfo_args=sinfo_args, span=p.span(args.node))
    return p.normalize(call, args.node)


@R.call("shape")
def _shape(p: RelaxParser, args: Args, names: Any) -> g.ShapeExpr:
    item = args.all["values"]
    node = args.node_of("values")
    if isinstance(item, ast.List | ast.Tuple):
        values = tuple(size_of(p, elt) for elt in item.elts)
    else:
        value = args.value("values")
        if not isinstance(value, tuple | list):
            raise p.error(f"R.shape takes a list of sizes, not {describe(value)}", node)
        values = tuple(p.as_size(v, node) for v in value)
    return g.ShapeExpr(values, span=p.span(args.node))


@R.call("prim_value")
def _prim_value(p: RelaxParser, args: Args, names: Any) -> g.PrimValue:
    # Literals read as in the T dialect: ``3`` is int32, ``T.int64(3)`` int64.
    expr = p.as_expr(args.value("value"), args.node_of("value"))
    return g.PrimValue(expr, span=p.span(args.node))


@R.call("str")
def _string(p: RelaxParser, args: Args, names: Any) -> g.StringImm:
    value = args.value("value")
    if not isinstance(value, str):
        raise p.error(f"R.str takes a string, not {describe(value)}", args.node_of("value"))
    return g.StringImm(value, span=p.span(args.node))


@R.call("ExternFunc")
def _extern_func(p: RelaxParser, args: Args, names: Any) -> g.ExternFunc:
    value = args.value("global_symbol")
    node = args.node_of("global_symbol")
    if not isinstance(value, str) or not value:
        raise p.error(f"R.ExternFunc takes a function name, not {describe(value)}", node)
    return g.ExternFunc(value, span=p.span(args.node))


@R.call("const")
def _const(p: RelaxParser, args: Args, names: Any) -> g.Constant:
    with p.attach(args.node_of("dtype")):
        array = const_array(args.value("value"), args.value("dtype"))
    if array.dtype == object:
        raise p.error("R.const holds numbers or nested lists of them", args.node_of("value"))
    return g.Constant(array, span=p.span(args.node))


@R.call("match_cast")
def _match_cast(p: RelaxParser, args: Args, names: Any) -> MatchCastValue:
    value = p.graph_value(args.value("value"), args.node_of("value"))
    item = args.all["struct_info"]
    if isinstance(item, ast.expr):
        sinfo = read_struct_info(p, item, Sizes.DECLARE)
    else:  # from **kwargs: already a value
        sinfo = as_sinfo(p, p.eval_item(item), args.node_of("struct_info"))
    problem = mismatch(sinfo, p.struct_info_of(value, args.node), p.analyzer)
    if problem is not None:
        raise p.error(
            f"R.match_cast to {sinfo_text(sinfo)} can never succeed: {problem}",
            args.node_of("struct_info"),
        )
    return MatchCastValue(value, sinfo)


@R.call("dataflow")
def _dataflow(p: RelaxParser, args: Args, names: Any) -> object:
    return DATAFLOW


@R.call("output")
def _output(p: RelaxParser, args: Args, names: Any) -> None:
    frame = p.frames[-1] if p.frames else None
    if not isinstance(frame, DataflowFrame):
        raise p.error("R.output is only valid as the last statement of a dataflow block", args.node)
    # `with R.dataflow()` checked the names before the block was parsed; the bindings made
    # the listed ones plain variables.
    for item in args.items("vars"):
        value = p.eval_item(item)
        if not isinstance(value, g.Var) or isinstance(value, g.DataflowVar):
            raise p.error(f"R.output lists graph variables, not {describe(value)}", item)


@R.call("func_attr")
def _func_attr(p: RelaxParser, args: Args, names: Any) -> None:
    if len(p.frames) != 2 or not isinstance(p.frames[1], SeqFrame):
        raise p.error("R.func_attr is only valid in the body of a graph function", args.node)
    frame = p.function_frame()
    if frame.attrs is not None:
        raise p.error("a graph function has at most one R.func_attr", args.node)
    attrs = args.value("attrs")
    if not isinstance(attrs, dict) or not all(isinstance(k, str) for k in attrs):
        raise p.error("R.func_attr takes a dict with string keys", args.node_of("attrs"))
    frame.attrs = attrs
