"""R dialect calls: operators, module functions, closures, constructs, dtype constructors.

``R.<op>(operands..., attr=value)`` builds a call of the registered op (attributes and arity
checked by the registry, struct info inferred by it); ``cls.f(x)`` or ``f(x)`` calls a graph
function of the module (its result's sizes bound to the arguments'); ``T.int64()`` declares a
size variable; other R constructs go to their handlers.
"""

from __future__ import annotations

import ast
from typing import Any

from loom.ir import GlobalVar, tir
from loom.ir import graph as g
from loom.ir.graph import Function
from loom.ir.graph.infer import call_result

from ..relax.ops import OpRef, make_op_call, split_operands
from .construct import Construct, DTypeConstructor
from .core import Evaluated, describe
from .python_call import call_python, dtype_call
from .relax_check import mismatch, sinfo_text
from .relax_parser import R, RelaxParser


@R.expr(ast.Call)
def _call(p: RelaxParser, node: ast.Call) -> Any:
    names = p.take_names()
    func = p.visit_expr(node.func)
    if isinstance(func, OpRef):
        return op_call(p, func, node)
    if isinstance(func, Construct):
        handler = p.table.calls.get(func.name) if func.dialect == "relax" else None
        if handler is None:
            raise p.error(f"{func.script_name} cannot be used in a graph function", node.func)
        return handler(p, p.construct_args(func, node), names)
    if isinstance(func, DTypeConstructor):
        return dtype_call(p, func, node, names)
    if isinstance(func, GlobalVar):
        return _function_call(p, func, node)
    if isinstance(func, g.Expr):
        return _closure_call(p, func, node)
    return call_python(p, func, node)


def _operands(p: RelaxParser, node: ast.Call, items: list[Any]) -> tuple[Any, ...]:
    out = []
    for item in items:
        where = item.node if isinstance(item, Evaluated) else item
        out.append(p.operand(p.eval_item(item), where))
    return tuple(out)


def op_call(p: RelaxParser, op: OpRef, node: ast.Call) -> g.Call:
    """``R.<op>(...)``: operands first, then attributes (keywords, or positional in order)."""
    with p.attach(node.func):
        info = op.info
    positional, keywords = p.call_args(node)
    with p.attach(node):
        operand_items, attr_items = split_operands(info, positional, keywords)
    operands = _operands(p, node, operand_items)
    attrs = {key: p.eval_item(item) for key, item in attr_items.items()}
    with p.attach(node):
        call = make_op_call(info, operands, attrs, p.span(node))
    return p.normalize(call, node)


def _function_call(p: RelaxParser, gv: GlobalVar, node: ast.Call) -> g.Call:
    """``cls.f(x, y)``: a call of a graph function of the module."""
    positional, keywords = p.call_args(node)
    if keywords:
        raise p.error("graph functions take positional arguments only", node)
    if p.module is not None:
        with p.attach(node.func):
            callee = p.module.require(gv.name_hint)
        if isinstance(callee, tir.PrimFunc):
            # Lowered code (after LowerCallDPS) calls a prim_func with its outputs appended.
            args = _operands(p, node, positional)
            return p.normalize(g.Call(gv, args, span=p.span(node)), node)
    params, ret = _callee_signature(p, gv, node)
    args = _operands(p, node, positional)
    if len(args) != len(params):
        raise p.error(f"{gv.name_hint} takes {len(params)} arguments, got {len(args)}", node)
    arg_sinfo = [p.struct_info_of(a, node) for a in args]
    for i, arg in enumerate(arg_sinfo):
        # The parameter in the caller's sizes: f(a: (n,), b: (n,)) called with (2,) wants (2,).
        param = call_result(params, arg_sinfo, params[i])
        problem = mismatch(param, arg, p.analyzer)
        if problem is not None:
            where = positional[i].node if isinstance(positional[i], Evaluated) else positional[i]
            raise p.error(
                f"argument {i} of {gv.name_hint} must be {sinfo_text(param)}, but {problem}",
                where,
            )
    sinfo = call_result(params, arg_sinfo, ret) if ret is not None else g.ObjectStructInfo()
    return g.Call(gv, args, struct_info=sinfo, span=p.span(node))


def _callee_signature(
    p: RelaxParser, gv: GlobalVar, node: ast.Call
) -> tuple[tuple[g.StructInfo, ...], g.StructInfo | None]:
    name = gv.name_hint
    if p.module is None:
        raise p.error(f"{name} is not a function of a module being parsed", node.func)
    with p.attach(node.func):
        func = p.module.require(name)
    if func is None:  # a recursive call: the signature read so far
        signature = p.module.signature(name)
        if signature is None or signature.ret is None:
            raise p.error(
                f"{name} is called while its own signature is being read; annotate its "
                "return struct info (-> R.Tensor(...)) to call it recursively",
                node,
            )
        return signature.params, signature.ret
    if not isinstance(func, Function):
        raise p.error(
            f"{name} is a {type(func).__name__}; call a prim_func with "
            f"R.call_dps({ast.unparse(node.func)}, (args...), out_sinfo=...)",
            node.func,
        )
    return tuple(v.struct_info for v in func.params), func.ret_struct_info


def _closure_call(p: RelaxParser, callee: g.Expr, node: ast.Call) -> g.Call:
    """A call of a function-valued variable (or an ``R.ExternFunc``)."""
    sinfo = getattr(callee, "struct_info", None)
    if not isinstance(sinfo, g.FuncStructInfo):
        raise p.error(f"{describe(callee)} is not callable", node.func)
    positional, keywords = p.call_args(node)
    if keywords:
        raise p.error("graph functions take positional arguments only", node)
    args = _operands(p, node, positional)
    callee = p.leaf(callee, node.func)
    return p.normalize(g.Call(callee, args, span=p.span(node)), node)
