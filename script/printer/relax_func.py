"""Graph functions to docs: decorator, annotated signature, header lines, blocks, ``return``.

Header order (FORMAT.md, "The R dialect"): one ``n = T.int64()`` per symbolic size in order of
first appearance (signature first, then the body, e.g. sizes a match_cast defines), then
``R.func_attr({...})``, then ``cls = Module`` when the body refers to module functions.
"""

from __future__ import annotations

from loom.ir import GlobalVar, IRModule, LoomError
from loom.ir.graph import (
    Call,
    DataflowVar,
    ExprVisitor,
    ExternFunc,
    FuncStructInfo,
    Function,
    Op,
    op_info,
)

from .context import Context
from .doc import AssignDoc, ExprDoc, ExprStmtDoc, FunctionDoc, IdDoc, LiteralDoc, ReturnDoc, call
from .doc import name as dotted
from .relax_binding import blocks_docs
from .relax_const import ConstantTable
from .relax_expr import MODULE_REF, RelaxPrinter

MODULE_CLASS = "Module"
"""The class name of a printed module, which ``cls = Module`` refers to."""

# Names a graph function body never hands out: the module alias, the class, the metadata table.
_CLAIMED = (MODULE_REF, MODULE_CLASS, "metadata")


def graph_func_doc(
    func: Function,
    func_name: str,
    module: IRModule | None = None,
    constants: ConstantTable | None = None,
) -> FunctionDoc:
    """The ``@R.function def func_name(...)`` doc of `func`.

    `module` (when printing a whole module) resolves called functions for purity; large
    constants go to `constants`, the file's metadata table.
    """
    ctx = Context(function=True)
    for claimed in _CLAIMED:
        ctx.namer.fresh(claimed)
    p = RelaxPrinter(ctx, constants)
    for param in func.params:
        if isinstance(param, DataflowVar):
            raise LoomError(f"cannot print dataflow variable {param.name_hint!r} as a parameter")
        if ctx.lookup(param) is not None:
            raise LoomError(f"cannot print a function that lists param {param.name_hint!r} twice")
        ctx.define(param, param.name_hint)
    p.signature = True
    params = tuple(
        AssignDoc((p.visit(param),), None, p.sinfo(param.struct_info)) for param in func.params
    )
    returns = p.sinfo(func.ret_struct_info) if func.ret_struct_info is not None else None
    p.signature = False

    # The parser appends ``"private": True`` after the R.func_attr entries, so only a last
    # entry can move to the decorator without changing the attributes' order.
    keys = list(func.attrs)
    private = bool(keys) and keys[-1] == "private" and func.attrs["private"] is True
    attrs = dict(func.attrs)
    if private:
        del attrs["private"]
    attr_line = None
    if attrs:
        attr_line = ExprStmtDoc(call("R.func_attr", p.tir.attrs(attrs, "R.func_attr")))
    body = blocks_docs(p, func.body.blocks)
    body.append(ReturnDoc(p.visit(func.body.body)))
    if ctx.buffer_decls:
        raise LoomError("cannot print a graph function whose sizes refer to TIR buffers")

    header = list(ctx.var_decls)
    if attr_line is not None:
        header.append(attr_line)
    if p.uses_module:
        header.append(AssignDoc((IdDoc(MODULE_REF),), IdDoc(MODULE_CLASS)))
    decorator = _decorator(func, private, module)
    return FunctionDoc(func_name, params, (decorator,), returns, (*header, *body))


def _decorator(func: Function, private: bool, module: IRModule | None) -> ExprDoc:
    """``R.function``, with ``private=True`` and ``pure=...`` where the defaults would differ.

    The parser infers purity from the calls when it is not given, so a pure function that
    calls something that may be impure prints ``pure=True``.
    """
    kwargs: dict[str, ExprDoc] = {}
    if private:
        kwargs["private"] = LiteralDoc("True")
    if not func.is_pure:
        kwargs["pure"] = LiteralDoc("False")
    elif _calls_impure(func, module):
        kwargs["pure"] = LiteralDoc("True")
    return call("R.function", **kwargs) if kwargs else dotted("R.function")


def _calls_impure(func: Function, module: IRModule | None) -> bool:
    finder = _ImpureCallFinder(module)
    finder.visit(func.body)
    return finder.found


class _ImpureCallFinder(ExprVisitor):
    """Finds a call whose callee may have side effects (an unknown callee counts as one)."""

    def __init__(self, module: IRModule | None) -> None:
        super().__init__()
        self.module = module
        self.found = False

    def visit_call(self, node: Call) -> None:
        """Check the callee, then the arguments."""
        self.found = self.found or not _is_pure_callee(node.op, self.module)
        self.generic_visit(node)


def _is_pure_callee(callee: object, module: IRModule | None) -> bool:
    if isinstance(callee, Op):
        return op_info(callee).pure
    if isinstance(callee, ExternFunc):
        return False
    if isinstance(callee, GlobalVar):
        if module is None or callee not in module:
            return False
        target = module[callee.name_hint]
        return isinstance(target, Function) and target.is_pure  # a prim_func writes its outputs
    sinfo = getattr(callee, "struct_info", None)
    return isinstance(sinfo, FuncStructInfo) and sinfo.purity
