"""LowerCallDPS: make the outputs of ``call_dps`` explicit allocations the callee writes into.

Runs after ToNonDataflow (the callee's writes are side effects). After it, no ``call_dps``
remains. For a prim_func callee::

    y = R.call_dps(cls.f, (a, b), out_sinfo=R.Tensor((n, 4), "float32"), tir_vars=R.shape([m]))

becomes::

    y = R.builtin.alloc_tensor(R.shape([n, 4]), dtype="float32", runtime_device_index=0)
    _: R.Tuple() = cls.f(a, b, y, R.prim_value(m))

the prim_func called directly with its outputs, then the extra sizes (one prim value each),
appended. A tuple `out_sinfo` allocates one tensor per field and binds `y` to the tuple of them.
An external callee (`ExternFunc`) becomes the packed call
``_: R.Tuple() = R.call_packed("f", a, b, y, sinfo_args=(R.Tuple(),))``, arguments in the same
order: the packed function receives its outputs as trailing arguments and returns nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loom.ir import GlobalVar, IRModule, PassError, replace
from loom.ir.graph import (
    Binding,
    Call,
    Expr,
    ExternFunc,
    Normalizer,
    Op,
    PrimValue,
    ShapeExpr,
    ShapeStructInfo,
    TensorStructInfo,
    Tuple,
    TupleStructInfo,
    Var,
    VarBinding,
)
from loom.ir.graph import op as ops

from ..context import PassContext
from ..pass_infra import Pass
from .rewrite import BindingRewriter, map_functions


@dataclass(frozen=True)
class LowerCallDPS(Pass):
    """Lower every ``call_dps`` to output allocations and a call (see the module docstring)."""

    required = ("ToNonDataflow",)

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Lower the ``call_dps`` of every graph function."""
        return map_functions(mod, lambda name, func: _Lowerer(mod, name).function(func))


def is_call_dps(value: object) -> bool:
    """Whether `value` is a call of the ``call_dps`` op."""
    return isinstance(value, Call) and isinstance(value.op, Op) and value.op.name == "call_dps"


class _Lowerer(BindingRewriter):
    def __init__(self, module: IRModule, function: str) -> None:
        self.normalizer = Normalizer(module)
        self.function_name = function

    def fail(self, message: str, call: Call) -> PassError:
        return PassError(f"in function {self.function_name}: {message}", call.span)

    def rewrite_binding(self, binding: Binding, dataflow: bool) -> Sequence[Binding] | None:
        call = binding.value
        if not is_call_dps(call):
            return None
        assert isinstance(call, Call)
        if dataflow:
            raise self.fail(
                "LowerCallDPS needs functions out of dataflow form (the callee writes its "
                "outputs): run ToNonDataflow first",
                call,
            )
        callee, packed = call.args[0], call.args[1]
        assert isinstance(packed, Tuple), "call_dps inference checked its arguments"
        out_sinfo = call.sinfo_args[0]
        single = not isinstance(out_sinfo, TupleStructInfo)
        fields = (out_sinfo,) if single else out_sinfo.fields  # type: ignore[union-attr]
        out: list[Binding] = []
        outputs: list[Var] = []
        for k, sinfo in enumerate(fields):
            alloc = self._alloc(sinfo, call, k)
            if single and isinstance(binding, VarBinding):
                var = binding.var  # the output is the variable the call was bound to
            else:
                var = Var("alloc", sinfo, span=call.span)
            out.append(VarBinding(var, alloc, span=call.span))
            outputs.append(var)
        sizes = call.args[2].values if len(call.args) > 2 else ()  # type: ignore[union-attr]
        args: tuple[Expr, ...] = (*packed.fields, *outputs, *(PrimValue(v) for v in sizes))
        if isinstance(callee, ExternFunc):
            invoke = ops.call_packed(callee, *args, sinfo_args=TupleStructInfo(()), span=call.span)
        else:
            assert isinstance(callee, GlobalVar), "call_dps calls a prim_func or an ExternFunc"
            invoke = Call(callee, args, span=call.span)
        invoke = self.normalizer.normalize(invoke)
        out.append(VarBinding(Var("_", TupleStructInfo(())), invoke, span=call.span))
        if not (single and isinstance(binding, VarBinding)):
            result = outputs[0] if single else Tuple(tuple(outputs), span=call.span)
            out.append(replace(binding, value=result))
        return out

    def _alloc(self, sinfo: object, call: Call, k: int) -> Call:
        """The allocation of output `k` of `call`, of struct info `sinfo`."""
        what = f"output {k} of the call_dps of {_callee_name(call)}"
        if not isinstance(sinfo, TensorStructInfo):
            raise self.fail(f"{what} must be a tensor to be allocated, not {sinfo}", call)
        if sinfo.dtype is None:
            raise self.fail(f"{what} needs a known dtype to be allocated", call)
        shape = sinfo.shape
        if isinstance(shape, ShapeExpr):
            shape = ShapeExpr(shape.values, span=call.span)
        elif not (isinstance(shape, Var) and isinstance(shape.struct_info, ShapeStructInfo)):
            raise self.fail(f"{what} needs a known shape to be allocated, not {sinfo}", call)
        alloc = ops.builtin_alloc_tensor(shape, sinfo.dtype, 0, span=call.span)
        return self.normalizer.normalize(alloc)


def _callee_name(call: Call) -> str:
    callee = call.args[0]
    if isinstance(callee, ExternFunc):
        return repr(callee.global_symbol)
    return getattr(callee, "name_hint", type(callee).__name__)
