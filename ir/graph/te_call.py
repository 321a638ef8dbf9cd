"""Turn a `te` program over graph tensors into a prim_func and the ``call_dps`` that runs it.

The prim_func gets its own size variables (a module's functions never share binders): each
symbolic size of the graph arguments is replaced by a fresh `tir` variable of the same name, and
the output shapes are mapped back to the graph's sizes for the call's ``out_sinfo``. Sizes the
prim_func cannot read off its buffers' shapes are passed as extra scalar parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..diagnostics import StructInfoError
from ..tir import PrimExpr, te
from ..tir import Var as TirVar
from ..tir.arith import free_vars, substitute
from .expr import Call, Expr, ShapeExpr, Var
from .op.builtin import call_dps
from .struct_info import StructInfo, TensorStructInfo, TupleStructInfo

if TYPE_CHECKING:
    from .block_builder import BlockBuilder


def te_call(
    bb: BlockBuilder,
    te_func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    name: str,
) -> Call:
    """Build the prim_func for ``te_func(*args, **kwargs)``, add it, return its ``call_dps``.

    The prim_func joins `bb`'s module; the call passes the graph tensor arguments.
    """
    to_fresh: dict[TirVar, PrimExpr] = {}
    tensors: list[Expr] = []
    placeholders: list[te.Tensor] = []
    names: set[str] = set()
    scalars: list[PrimExpr] = []

    def fresh(e: PrimExpr) -> PrimExpr:
        for v in free_vars(e):
            if v not in to_fresh:
                to_fresh[v] = TirVar(v.name_hint, v.dtype)
        return substitute(e, to_fresh)

    def convert(value: Any) -> Any:
        if isinstance(value, Expr):
            sinfo = getattr(value, "struct_info", None)
            if (
                not isinstance(sinfo, TensorStructInfo)
                or sinfo.values is None
                or sinfo.dtype is None
            ):
                raise StructInfoError(
                    f"emit_te needs tensors of known shape and dtype, got {sinfo}", value.span
                )
            hint = value.name_hint if isinstance(value, Var) else "A"
            label, i = hint, 0
            while label in names:
                i += 1
                label = f"{hint}_{i}"
            names.add(label)
            tensor = te.placeholder(tuple(fresh(v) for v in sinfo.values), sinfo.dtype, label)
            tensors.append(value)
            placeholders.append(tensor)
            return tensor
        if isinstance(value, PrimExpr):
            scalars.append(fresh(value))
            return scalars[-1]
        if isinstance(value, list | tuple):
            return type(value)(convert(v) for v in value)
        return value

    te_args = [convert(a) for a in args]
    te_kwargs = {k: convert(v) for k, v in kwargs.items()}
    result = te_func(*te_args, **te_kwargs)
    outs = list(result) if isinstance(result, list | tuple) else [result]
    if not outs or not all(isinstance(o, te.Tensor) for o in outs):
        raise StructInfoError(f"{name} must return a te tensor or a list of them")

    # Sizes a buffer shape gives directly are bound by the arguments; others are passed, and
    # so are the variables of scalar arguments (e.g. the start of a symbolic range).
    bound = {v for t in placeholders + outs for v in t.shape if isinstance(v, TirVar)}
    used = {v: None for t in placeholders + outs for e in t.shape for v in free_vars(e)}
    used.update((v, None) for e in scalars for v in free_vars(e))
    extra = [v for v in used if v not in bound]
    back: dict[TirVar, PrimExpr] = {}
    for graph_var, fresh_var in to_fresh.items():
        assert isinstance(fresh_var, TirVar)
        back[fresh_var] = graph_var
    unknown = [v for v in used if v not in back]
    if unknown:
        raise StructInfoError(
            f"{name} produces sizes {', '.join(v.name_hint for v in unknown)} "
            "that no argument gives"
        )
    func = te.create_prim_func([*placeholders, *outs, *extra], name=name)
    gv = bb.add_func(func, name)

    out_infos: list[StructInfo] = [
        TensorStructInfo(ShapeExpr(tuple(substitute(e, back) for e in o.shape)), o.dtype)
        for o in outs
    ]
    # A list of tensors (even of one) is a tuple result; a single tensor is a tensor result.
    tupled = isinstance(result, list | tuple)
    out_sinfo = TupleStructInfo(tuple(out_infos)) if tupled else out_infos[0]
    tir_vars = [back[v] for v in extra] or None
    return call_dps(gv, tensors, out_sinfo, tir_vars)
