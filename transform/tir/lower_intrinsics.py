"""LowerIntrinsics: rewrite the intrinsics that have a simpler exact form into that form.

After the pass, these no longer appear: ``sigmoid(x)`` (now ``1 / (1 + exp(0 - x))``),
``rsqrt(x)`` (``1 / sqrt(x)``), ``likely(c)`` (``c``: a hint only), ``max_value``/``min_value``
(their constants). What the code generators still handle, after the whole TIR pipeline:

- expressions: variables, constants (``StringImm`` only as the name argument of a call out),
  ``+ - * / truncmod // %`` (``FloorDiv``/``FloorMod`` of integers included: they are kept as
  nodes, and the code generator lowers them), ``min``/``max``, comparisons, ``and``/``or``/
  ``not``, ``Select``, ``Cast``, ``Ramp``, ``Broadcast``, ``Let`` and flat ``BufferLoad``s;
- calls of: ``exp exp2 log log2 sqrt tanh sin cos fabs floor ceil round trunc erf pow``
  (LLVM intrinsics or libm: ``erff``, ``tanhf``, ...), ``if_then_else`` (evaluates only the
  chosen branch), ``reinterpret``, the bitwise ops and shifts, ``call_extern`` and
  ``call_packed`` — each possibly of a vector dtype, lane-wise.
"""

from __future__ import annotations

from dataclasses import dataclass

from loom.ir import replace
from loom.ir.tir import Call, Op, PrimExpr, PrimFunc, call_intrin, const

from ..context import PassContext
from ..pass_infra import PrimFuncPass
from .substitute import StmtMutator


@dataclass(frozen=True)
class LowerIntrinsics(PrimFuncPass):
    """Replace sigmoid, rsqrt, likely, max_value and min_value (see the module docstring)."""

    def transform_function(self, func: PrimFunc, ctx: PassContext) -> PrimFunc:
        """Lower the intrinsics of `func`."""
        body = _Lowering().visit(func.body)
        return func if body is func.body else replace(func, body=body)


def lower_call(call: Call) -> PrimExpr:
    """The simpler form of one intrinsic call, or the call itself."""
    if not isinstance(call.op, Op):
        return call
    name, t = call.op.name, call.dtype
    if name == "sigmoid":
        (x,) = call.args
        return const(1, t) / (const(1, t) + call_intrin(t, "exp", const(0, t) - x))
    if name == "rsqrt":
        (x,) = call.args
        return const(1, t) / call_intrin(t, "sqrt", x)
    if name == "likely":
        return call.args[0]
    if name in ("max_value", "min_value"):
        limit = t.element.max_value() if name == "max_value" else t.element.min_value()
        return const(bool(limit) if t.is_bool else limit, t)
    return call


class _Lowering(StmtMutator):
    def visit_call(self, node: Call) -> PrimExpr:
        return lower_call(self.generic_visit(node))
