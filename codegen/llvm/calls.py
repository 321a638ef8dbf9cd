"""Calls out of generated code: C functions and packed functions.

``T.call_extern`` calls a C function; ``T.call_packed`` a global packed function through the
runtime's ``LoomCallPacked``.

A C function is declared with the C types of its arguments; the JIT linker and ``dlopen``
resolve it in the process (libc, libm, or a symbol registered with ``llvmlite``). A packed call
fills a `LoomValue` array on the stack; a non-zero status fails the calling function with the
callee's error, and a result of the wrong kind is an error, never a reinterpreted value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llvmlite import ir

from loom.ffi.abi import TypeCode
from loom.ir import DataType
from loom.ir.tir import Call, PrimExpr, StringImm

from ..errors import CodegenError
from .emitter import FunctionEmitter
from .intrinsics import intrinsic
from .types import DOUBLE, I1, I32, I64, PTR, bf16_round, value_type

if TYPE_CHECKING:
    from .expr import ExprEmitter


def _name(exprs: ExprEmitter, call: Call, kind: str) -> str:
    if not call.args or not isinstance(call.args[0], StringImm):
        raise CodegenError(f"{exprs.state.name}: T.{kind} needs the function name first")
    return call.args[0].value


def _c_type(t: DataType, what: str) -> ir.Type:
    if t.is_vector or t.kind == "bfloat":
        raise CodegenError(f"{what}: a {t} value has no C type to pass it as")
    return value_type(t)


def _c_attrs(t: DataType) -> tuple[str, ...]:
    if t.is_bool or (t.is_uint and t.bits < 32):
        return ("zeroext",)
    if t.is_int and t.bits < 32:
        return ("signext",)
    return ()


@intrinsic("call_extern")
def call_extern(exprs: ExprEmitter, call: Call) -> ir.Value:
    """Call a C function by name."""
    name = _name(exprs, call, "call_extern")
    what = f"{exprs.state.name}: T.call_extern({name!r})"
    args = call.args[1:]
    fnty = ir.FunctionType(_c_type(call.dtype, what), [_c_type(a.dtype, what) for a in args])
    fn = exprs.state.module.function(name, fnty)
    for arg, expr in zip(fn.args, args):
        for attr in _c_attrs(expr.dtype):
            arg.add_attribute(attr)
    for attr in _c_attrs(call.dtype):
        fn.return_value.add_attribute(attr)
    values = [exprs.emit(a) for a in args]
    return exprs.b.call(fn, values)


# Packed calls ---------------------------------------------------------------------------------


def _pack(exprs: ExprEmitter, expr: PrimExpr) -> tuple[ir.Value, TypeCode]:
    """An argument as its 64-bit slot value and type code."""
    b = exprs.b
    t = expr.dtype
    what = f"{exprs.state.name}: T.call_packed argument {expr}"
    if t.is_vector:
        raise CodegenError(f"{what}: vectors cannot be passed to packed functions")
    value = exprs.emit(expr)
    if isinstance(expr, StringImm):
        return b.ptrtoint(value, I64), TypeCode.STR
    if t.is_handle:
        return b.ptrtoint(value, I64), TypeCode.HANDLE
    if t.is_bool:
        return b.zext(value, I64), TypeCode.BOOL
    if t.is_integer:
        return _word(b, value, t), TypeCode.UINT if t.is_uint and t.bits == 64 else TypeCode.INT
    wide = value if value.type == DOUBLE else b.fpext(value, DOUBLE)
    return b.bitcast(wide, I64), TypeCode.FLOAT


def _word(b: ir.IRBuilder, value: ir.Value, t: DataType) -> ir.Value:
    """An integer widened to 64 bits by its signedness."""
    if t.bits == 64:
        return value
    return b.sext(value, I64) if t.is_int else b.zext(value, I64)


def _caller(state: FunctionEmitter, n: int) -> ir.Function:
    """The module's helper that makes a packed call of `n` arguments.

    ``i32 helper(name, v0, c0, ..., ret*, ret_code*)`` fills the argument arrays and calls
    ``LoomCallPacked``: one copy of that code per arity instead of one per call site.
    """
    module = state.module
    name = f"loom.call_packed.{n}"
    fn = module.module.globals.get(name)
    if fn is not None:
        return fn
    fnty = ir.FunctionType(I32, [PTR, *([I64, I32] * n), PTR, PTR])
    fn = ir.Function(module.module, fnty, name)
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    fn.attributes.add("noinline")  # keeps each call site small; the callee is Python anyway
    inner = FunctionEmitter(module, fn, name)
    b = inner.builder
    values = inner.alloca(ir.ArrayType(I64, max(n, 1)), "values", align=8)
    codes = inner.alloca(ir.ArrayType(I32, max(n, 1)), "codes", align=4)
    for k in range(n):
        index = [ir.Constant(I32, 0), ir.Constant(I32, k)]
        b.store(fn.args[1 + 2 * k], b.gep(values, index, source_etype=ir.ArrayType(I64, n)))
        b.store(fn.args[2 + 2 * k], b.gep(codes, index, source_etype=ir.ArrayType(I32, n)))
    ret, ret_code = fn.args[-2:]
    b.store(ir.Constant(I32, int(TypeCode.NULL)), ret_code)
    b.store(ir.Constant(I64, 0), ret)
    status = inner.call_runtime(
        "LoomCallPacked", [fn.args[0], values, codes, ir.Constant(I32, n), ret, ret_code]
    )
    b.ret(status)
    return fn


@intrinsic("call_packed")
def call_packed(exprs: ExprEmitter, call: Call, want_result: bool = True) -> ir.Value | None:
    """Call a global packed function by name; fail the function if it fails.

    A call evaluated only for its effect (`want_result` False) skips converting the result.
    """
    state, b = exprs.state, exprs.b
    name = _name(exprs, call, "call_packed")
    ret, ret_code = packed_call(state, name, [_pack(exprs, arg) for arg in call.args[1:]])
    if not want_result:
        return None
    return _result(exprs, call, name, b.load(ret, typ=I64), b.load(ret_code, typ=I32))


def packed_call(
    state: FunctionEmitter, name: str, operands: list[tuple[ir.Value, TypeCode]]
) -> tuple[ir.Value, ir.Value]:
    """Call global packed function `name` on 64-bit slot values with their type codes.

    Fails the calling function if the callee fails; returns the result and result-code slots.
    """
    b = state.builder
    words: list[ir.Value] = []
    for value, code in operands:
        words += [value, ir.Constant(I32, int(code))]
    ret, ret_code = state.packed_result()
    helper = _caller(state, len(operands))
    status = b.call(helper, [state.module.string(name), *words, ret, ret_code])
    with b.if_then(b.icmp_signed("!=", status, ir.Constant(I32, 0)), likely=False):
        state.fail()
    return ret, ret_code


def _result(exprs: ExprEmitter, call: Call, name: str, bits: ir.Value, code: ir.Value) -> ir.Value:
    """Convert the packed result to the call's dtype, failing on a kind that does not fit."""
    state, b, t = exprs.state, exprs.b, call.dtype
    codes = {
        "int": (TypeCode.INT, TypeCode.UINT, TypeCode.BOOL, TypeCode.NULL),
        "float": (TypeCode.FLOAT, TypeCode.INT, TypeCode.UINT, TypeCode.BOOL, TypeCode.NULL),
        "bool": (TypeCode.BOOL, TypeCode.NULL),
        "handle": (TypeCode.HANDLE, TypeCode.NULL),
    }["float" if t.is_float else "int" if t.is_integer else t.kind]
    ok = ir.Constant(I1, 0)
    for accepted in codes:
        ok = b.or_(ok, b.icmp_signed("==", code, ir.Constant(I32, int(accepted))))
    with b.if_then(b.not_(ok), likely=False):
        state.raise_text(
            f"{state.name}: T.call_packed({name!r}) returned a value that is not a {t} "
            "(or returned a type the call cannot convert)"
        )
    if t.is_handle:
        return b.inttoptr(bits, PTR)
    if t.is_bool:
        return b.icmp_signed("!=", bits, ir.Constant(I64, 0))
    is_float = b.icmp_signed("==", code, ir.Constant(I32, int(TypeCode.FLOAT)))
    if t.is_integer:
        if t.bits < 64:
            narrow = b.trunc(bits, value_type(t))
            back = b.sext(narrow, I64) if t.is_int else b.zext(narrow, I64)
            with b.if_then(b.icmp_signed("!=", back, bits), likely=False):
                state.raise_text(
                    f"{state.name}: T.call_packed({name!r}) returned a number that does not "
                    f"fit in {t}"
                )
            return narrow
        return bits
    target = value_type(t)
    as_double = b.bitcast(bits, DOUBLE)
    unsigned = b.icmp_signed("==", code, ir.Constant(I32, int(TypeCode.UINT)))
    as_int = b.select(unsigned, b.uitofp(bits, DOUBLE), b.sitofp(bits, DOUBLE))
    wide = b.select(is_float, as_double, as_int)
    if target == DOUBLE:
        return wide
    narrow = b.fptrunc(wide, target)
    return bf16_round(b, narrow) if t.kind == "bfloat" else narrow
