"""Intrinsic calls (`loom.ir.tir.op`) as LLVM intrinsics, libm calls or inline code.

Float math maps to LLVM intrinsics where LLVM has one (``llvm.exp``, ``llvm.sqrt``,
``llvm.roundeven`` for round-half-to-even ...) and to libm otherwise (``tanhf``, ``erff``);
float16 computes in float32 where libm is needed, bfloat16 always computes in float32 and
rounds back; with fast-math, float32 ``exp`` is inline vector code (`fastmath.py`). Calls out of
generated code (``call_extern``, ``call_packed``) are in `calls.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from llvmlite import ir

from loom.ir import GlobalVar
from loom.ir.tir import Add, Call, Op, PrimExpr, Sub

from ..errors import CodegenError
from .arith import lanes, overloaded
from .types import (
    DOUBLE,
    FLOAT,
    HALF,
    I8,
    I32,
    PTR,
    bf16_round,
    constant,
    from_storage,
    storage_type,
    to_storage,
    value_type,
)

if TYPE_CHECKING:
    from .expr import ExprEmitter

Emit = Callable[["ExprEmitter", Call], ir.Value]
E = TypeVar("E", bound=Callable[..., Any])
_TABLE: dict[str, Emit] = {}


def intrinsic(*names: str) -> Callable[[E], E]:
    """Register how to emit the intrinsics `names` (a decorator)."""

    def decorate(fn: E) -> E:
        for name in names:
            _TABLE[name] = fn
        return fn

    return decorate


def emit_intrinsic(exprs: ExprEmitter, call: Call) -> ir.Value:
    """The value of an intrinsic call."""
    if isinstance(call.op, GlobalVar):
        raise CodegenError(
            f"{exprs.state.name}: calls between prim_funcs ({call.op.name_hint}) are not "
            "supported by the LLVM backend"
        )
    assert isinstance(call.op, Op)
    emit = _TABLE.get(call.op.name)
    if emit is None:
        raise CodegenError(
            f"{exprs.state.name}: the LLVM backend has no lowering for T.{call.op.name}"
        )
    return emit(exprs, call)


# Float math ----------------------------------------------------------------------------------

_LLVM_UNARY = {
    "exp": "exp", "exp2": "exp2", "log": "log", "log2": "log2", "sqrt": "sqrt", "sin": "sin",
    "cos": "cos", "fabs": "fabs", "floor": "floor", "ceil": "ceil", "round": "roundeven",
    "trunc": "trunc",
}  # fmt: skip
_LIBM = {"tanh": ("tanhf", "tanh"), "erf": ("erff", "erf")}


def _finish(exprs: ExprEmitter, call: Call, value: ir.Value) -> ir.Value:
    """Round a bfloat16 result computed in float32."""
    return bf16_round(exprs.b, value) if call.dtype.element.kind == "bfloat" else value


def _libm(exprs: ExprEmitter, name: str, x: ir.Value) -> ir.Value:
    """Call a one-argument libm function lane by lane; half computes in float."""
    b = exprs.b
    element = x.type.element if isinstance(x.type, ir.VectorType) else x.type
    wide = DOUBLE if element == DOUBLE else FLOAT
    fn = exprs.state.module.function(_LIBM[name][wide == DOUBLE], ir.FunctionType(wide, [wide]))

    def one(value: ir.Value) -> ir.Value:
        arg = b.fpext(value, FLOAT) if element == HALF else value
        result = b.call(fn, [arg], fastmath=exprs.state.fast_math)
        return b.fptrunc(result, HALF) if element == HALF else result

    if not isinstance(x.type, ir.VectorType):
        return one(x)
    out = ir.Constant(x.type, None)
    for k in range(x.type.count):
        lane = b.extract_element(x, ir.Constant(I32, k))
        out = b.insert_element(out, one(lane), ir.Constant(I32, k))
    return out


@intrinsic(*_LLVM_UNARY, *_LIBM)
def _unary(exprs: ExprEmitter, call: Call) -> ir.Value:
    name = call.op.name  # type: ignore[union-attr]
    x = exprs.emit(call.args[0])
    if name in _LIBM:
        return _finish(exprs, call, _libm(exprs, name, x))
    if name == "exp":
        return _finish(exprs, call, _exp(exprs, x))
    return _finish(exprs, call, exprs.arith.call(_LLVM_UNARY[name], [x]))


def _exp(exprs: ExprEmitter, x: ir.Value) -> ir.Value:
    """``llvm.exp``, or with fast-math on float32 lanes, the inline polynomial."""
    element = x.type.element if isinstance(x.type, ir.VectorType) else x.type
    if exprs.state.fast_math and element == FLOAT:
        from .fastmath import fast_exp_f32

        return fast_exp_f32(exprs, x)
    return exprs.arith.call("exp", [x])


@intrinsic("rsqrt")
def _rsqrt(exprs: ExprEmitter, call: Call) -> ir.Value:
    x = exprs.emit(call.args[0])
    root = exprs.arith.call("sqrt", [x])
    return _finish(exprs, call, exprs.b.fdiv(_ones(x), root, flags=exprs.state.fast_math))


@intrinsic("sigmoid")
def _sigmoid(exprs: ExprEmitter, call: Call) -> ir.Value:
    b, fm = exprs.b, exprs.state.fast_math
    x = exprs.emit(call.args[0])
    one = _ones(x)
    e = _exp(exprs, b.fneg(x, flags=fm))
    return _finish(exprs, call, b.fdiv(one, b.fadd(one, e, flags=fm), flags=fm))


def _ones(x: ir.Value) -> ir.Constant:
    element = x.type.element if isinstance(x.type, ir.VectorType) else x.type
    one = ir.Constant(element, 1.0)
    return ir.Constant(x.type, [one] * x.type.count) if isinstance(x.type, ir.VectorType) else one


@intrinsic("pow")
def _pow(exprs: ExprEmitter, call: Call) -> ir.Value:
    x, y = (exprs.emit(a) for a in call.args)
    return _finish(exprs, call, exprs.arith.call("pow", [x, y]))


# Control and type intrinsics -----------------------------------------------------------------


@intrinsic("if_then_else")
def _if_then_else(exprs: ExprEmitter, call: Call) -> ir.Value:
    cond_expr, then_expr, else_expr = call.args
    b = exprs.b
    cond = exprs.emit(cond_expr)
    if cond_expr.dtype.is_vector:  # lanes choose independently: both sides are needed
        return b.select(cond, exprs.emit(then_expr), exprs.emit(else_expr))
    state = exprs.state
    then_block, else_block, done = (
        state.block("ite.then"),
        state.block("ite.else"),
        state.block("ite.end"),
    )
    b.cbranch(cond, then_block, else_block)
    b.position_at_end(then_block)
    then_value = exprs.emit(then_expr)
    then_end = b.block
    b.branch(done)
    b.position_at_end(else_block)
    else_value = exprs.emit(else_expr)
    else_end = b.block
    b.branch(done)
    b.position_at_end(done)
    phi = b.phi(then_value.type)
    phi.add_incoming(then_value, then_end)
    phi.add_incoming(else_value, else_end)
    return phi


@intrinsic("likely")
def _likely(exprs: ExprEmitter, call: Call) -> ir.Value:
    value = exprs.emit(call.args[0])
    if call.dtype.is_bool and call.dtype.is_scalar:
        fn = exprs.state.module.intrinsic("llvm.expect.i1", value.type, [value.type, value.type])
        return exprs.b.call(fn, [value, ir.Constant(value.type, 1)])
    return value


@intrinsic("reinterpret")
def _reinterpret(exprs: ExprEmitter, call: Call) -> ir.Value:
    src, dst = call.args[0].dtype, call.dtype
    if src.bits != dst.bits or src.lanes != dst.lanes or src.is_bool or dst.is_bool:
        raise CodegenError(f"T.reinterpret cannot turn {src} into {dst}: sizes differ")
    b = exprs.b
    if dst.is_handle and not src.is_handle:
        pointer = _pointer_plus_offset(exprs, call.args[0])
        if pointer is not None:
            return pointer
    value = exprs.emit(call.args[0])
    if src.is_handle and dst.is_handle:
        return value
    if src.is_handle:
        return b.ptrtoint(value, value_type(dst))
    if dst.is_handle:
        return b.inttoptr(value, PTR)
    bits = to_storage(b, value, src)
    return from_storage(b, b.bitcast(bits, storage_type(dst)), dst)


def _pointer_plus_offset(exprs: ExprEmitter, expr: PrimExpr) -> ir.Value | None:
    """``reinterpret(handle, reinterpret(int64, p) +/- k)`` as ``p + k`` bytes (a GEP).

    Address arithmetic that stays a pointer keeps LLVM's knowledge of where it points.
    """
    sign, offset, inner = 1, None, expr
    if isinstance(expr, (Add, Sub)):
        inner, offset = expr.a, expr.b
        sign = 1 if isinstance(expr, Add) else -1
    if not (isinstance(inner, Call) and isinstance(inner.op, Op) and inner.op.name == "reinterpret"
            and inner.args[0].dtype.is_handle):  # fmt: skip
        return None
    pointer = exprs.emit(inner.args[0])
    if offset is None:
        return pointer
    step = exprs.emit(offset)
    if sign < 0:
        step = exprs.b.neg(step)
    return exprs.b.gep(pointer, [step], source_etype=I8)


@intrinsic("max_value", "min_value")
def _limit(exprs: ExprEmitter, call: Call) -> ir.Value:
    element = call.dtype.element
    value = element.max_value() if call.op.name == "max_value" else element.min_value()  # type: ignore[union-attr]
    return constant(call.dtype, value)


# Bitwise operations --------------------------------------------------------------------------


@intrinsic("bitwise_and", "bitwise_or", "bitwise_xor", "shift_left", "shift_right")
def _bitwise(exprs: ExprEmitter, call: Call) -> ir.Value:
    b = exprs.b
    x, y = (exprs.emit(a) for a in call.args)
    name = call.op.name  # type: ignore[union-attr]
    if name == "bitwise_and":
        return b.and_(x, y)
    if name == "bitwise_or":
        return b.or_(x, y)
    if name == "bitwise_xor":
        return b.xor(x, y)
    if name == "shift_left":
        return b.shl(x, y)
    return b.ashr(x, y) if call.dtype.is_int else b.lshr(x, y)


@intrinsic("bitwise_not")
def _bitwise_not(exprs: ExprEmitter, call: Call) -> ir.Value:
    return exprs.b.not_(exprs.emit(call.args[0]))


def _register_calls() -> None:
    from . import calls  # noqa: F401  (it registers call_extern and call_packed)


_register_calls()
__all__ = ["emit_intrinsic", "intrinsic", "lanes", "overloaded"]
