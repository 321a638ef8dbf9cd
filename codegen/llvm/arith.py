"""TIR arithmetic, comparisons and casts as LLVM instructions, with the interpreter's semantics.

Integer `Div`/`Mod` truncate, `FloorDiv`/`FloorMod` round toward negative infinity; float `Mod`
is ``fmod``, float `FloorDiv` is ``floor(a / b)``. A divisor that is not a constant other than 0
and -1 is guarded: ``INT_MIN / -1`` wraps as in the interpreter instead of trapping, and
division by zero (undefined in TIR) yields an unspecified value instead of killing the process.
Float `Min`/`Max` propagate NaN (``llvm.minimum``/``llvm.maximum``), as numpy does.
"""

from __future__ import annotations

from collections.abc import Callable

from llvmlite import ir

from loom.ir import DataType
from loom.ir.tir import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    NE,
    Add,
    BinaryOp,
    Div,
    FloorDiv,
    FloorMod,
    Max,
    Min,
    Mod,
    Mul,
    Sub,
)

from ..errors import CodegenError
from .types import bf16_round, constant, lanes_of, value_type

Intrinsic = Callable[[str, ir.Type], ir.Function]

_ICMP = {EQ: "==", NE: "!=", LT: "<", LE: "<=", GT: ">", GE: ">="}
# Ordered comparisons are false on NaN; `!=` is true on NaN (as numpy's).
_FCMP = {EQ: ("oeq", True), NE: ("une", False), LT: ("olt", True), LE: ("ole", True),
         GT: ("ogt", True), GE: ("oge", True)}  # fmt: skip


def _suffix(ty: ir.Type) -> str:
    """The LLVM intrinsic type suffix: ``f32``, ``v8f32``, ``i64`` ..."""
    if isinstance(ty, ir.VectorType):
        return f"v{ty.count}{_suffix(ty.element)}"
    if isinstance(ty, ir.IntType):
        return f"i{ty.width}"
    return {"half": "f16", "float": "f32", "double": "f64"}[str(ty)]


def overloaded(module: ir.Module, name: str, ty: ir.Type, arity: int) -> ir.Function:
    """The LLVM intrinsic ``llvm.<name>.<suffix>`` taking `arity` values of `ty`."""
    full = f"llvm.{name}.{_suffix(ty)}"
    existing = module.globals.get(full)
    if existing is not None:
        return existing
    return ir.Function(module, ir.FunctionType(ty, [ty] * arity), full)


class Arith:
    """Emits arithmetic for one function: `b` the builder, `fm` the fast-math flags."""

    def __init__(self, builder: ir.IRBuilder, module: ir.Module, fast_math: tuple[str, ...]):
        self.b = builder
        self.module = module
        self.fm = fast_math

    # Binary operators -------------------------------------------------------------------------

    def binary(
        self, op: type[BinaryOp], a: ir.Value, b: ir.Value, t: DataType, safe_divisor: bool,
        nsw: bool = False,
    ) -> ir.Value:  # fmt: skip
        """``op(a, b)`` on operands of dtype `t`."""
        if op in _ICMP:
            return self.compare(op, a, b, t)
        if t.is_float:
            result = self._float(op, a, b)
            return bf16_round(self.b, result) if t.element.kind == "bfloat" and op in (
                Add, Sub, Mul, Div, Mod, FloorDiv, FloorMod) else result  # fmt: skip
        if t.is_handle or (t.is_bool and op not in (Min, Max)):
            raise CodegenError(f"{op.__name__} is not defined on {t} operands")
        return self._integer(op, a, b, t, safe_divisor, nsw)

    def compare(self, op: type[BinaryOp], a: ir.Value, b: ir.Value, t: DataType) -> ir.Value:
        """A comparison; bool operands compare as unsigned."""
        if t.is_float:
            pred, ordered = _FCMP[op]
            fn = self.b.fcmp_ordered if ordered else self.b.fcmp_unordered
            return fn(pred, a, b)
        if t.is_int:
            return self.b.icmp_signed(_ICMP[op], a, b)
        return self.b.icmp_unsigned(_ICMP[op], a, b)

    def _float(self, op: type[BinaryOp], a: ir.Value, b: ir.Value) -> ir.Value:
        bld, fm = self.b, self.fm
        if op is Add:
            return bld.fadd(a, b, flags=fm)
        if op is Sub:
            return bld.fsub(a, b, flags=fm)
        if op is Mul:
            return bld.fmul(a, b, flags=fm)
        if op is Div:
            return bld.fdiv(a, b, flags=fm)
        if op is Mod:
            return bld.frem(a, b, flags=fm)
        if op is FloorDiv:
            return self.call("floor", [bld.fdiv(a, b, flags=fm)])
        if op is FloorMod:
            quotient = self.call("floor", [bld.fdiv(a, b, flags=fm)])
            return bld.fsub(a, bld.fmul(quotient, b, flags=fm), flags=fm)
        if op is Min:
            return self.call("minimum", [a, b])
        if op is Max:
            return self.call("maximum", [a, b])
        raise CodegenError(f"no float semantics for {op.__name__}")

    def _integer(
        self, op: type[BinaryOp], a: ir.Value, b: ir.Value, t: DataType, safe: bool, nsw: bool
    ) -> ir.Value:
        bld = self.b
        signed = t.is_int
        flags = ("nsw",) if nsw and signed else ()
        if op is Add:
            return bld.add(a, b, flags=flags)
        if op is Sub:
            return bld.sub(a, b, flags=flags)
        if op is Mul:
            return bld.mul(a, b, flags=flags)
        if op in (Min, Max):
            pred = "<" if op is Min else ">"
            cmp = bld.icmp_signed(pred, a, b) if signed else bld.icmp_unsigned(pred, a, b)
            return bld.select(cmp, a, b)
        if op in (Div, Mod, FloorDiv, FloorMod):
            return self._division(op, a, b, t, safe)
        raise CodegenError(f"no integer semantics for {op.__name__}")

    def _division(
        self, op: type[BinaryOp], a: ir.Value, b: ir.Value, t: DataType, safe: bool
    ) -> ir.Value:
        bld = self.b
        zero, one = constant(t, 0), constant(t, 1)
        if not t.is_int:  # unsigned: truncated and floor division agree
            divisor = b if safe else bld.select(bld.icmp_unsigned("==", b, zero), one, b)
            return bld.udiv(a, divisor) if op in (Div, FloorDiv) else bld.urem(a, divisor)
        minus_one = constant(t, -1)
        if safe:
            divisor, negate = b, None
        else:
            negate = bld.icmp_signed("==", b, minus_one)
            bad = bld.or_(bld.icmp_signed("==", b, zero), negate)
            divisor = bld.select(bad, one, b)
        quotient, remainder = bld.sdiv(a, divisor), bld.srem(a, divisor)
        if op in (FloorDiv, FloorMod):
            # Round toward -inf: adjust when the remainder is non-zero and its sign differs
            # from the divisor's.
            nonzero = bld.icmp_signed("!=", remainder, zero)
            opposite = bld.icmp_signed("<", bld.xor(remainder, divisor), zero)
            adjust = bld.and_(nonzero, opposite)
            if op is FloorDiv:
                quotient = bld.sub(quotient, bld.zext(adjust, quotient.type))
            else:
                remainder = bld.select(adjust, bld.add(remainder, divisor), remainder)
        result = quotient if op in (Div, FloorDiv) else remainder
        if negate is not None:  # x / -1 == -x (wrapping), x % -1 == 0
            special = bld.sub(zero, a) if op in (Div, FloorDiv) else zero
            result = bld.select(negate, special, result)
        return result

    # Intrinsic helper -------------------------------------------------------------------------

    def call(self, name: str, args: list[ir.Value]) -> ir.Value:
        """Call the overloaded LLVM intrinsic `name` on values of one type."""
        fn = overloaded(self.module, name, args[0].type, len(args))
        return self.b.call(fn, args, fastmath=self.fm)

    # Casts ------------------------------------------------------------------------------------

    def cast(self, value: ir.Value, src: DataType, dst: DataType) -> ir.Value:
        """Convert `value` from `src` to `dst` as `Cast` does (`values.caster` semantics)."""
        bld = self.b
        if src.element == dst.element:
            return value
        target = value_type(dst)
        if dst.is_bool:
            if src.is_float:
                return bld.fcmp_unordered("une", value, constant(src, 0.0))
            if src.is_handle:
                raise CodegenError("cannot cast a handle to bool; compare it instead")
            return bld.icmp_unsigned("!=", value, constant(src, 0))
        if src.is_handle or dst.is_handle:
            raise CodegenError(f"cannot cast {src} to {dst}; use T.reinterpret for handles")
        if src.is_bool:
            return bld.zext(value, target) if dst.is_integer else bld.uitofp(value, target)
        if src.is_integer and dst.is_integer:
            if src.bits == dst.bits:
                return value
            if src.bits > dst.bits:
                return bld.trunc(value, target)
            return bld.sext(value, target) if src.is_int else bld.zext(value, target)
        if src.is_integer:  # to float
            converted = bld.sitofp(value, target) if src.is_int else bld.uitofp(value, target)
            return bf16_round(bld, converted) if dst.element.kind == "bfloat" else converted
        if dst.is_integer:  # from float
            return bld.fptosi(value, target) if dst.is_int else bld.fptoui(value, target)
        return self._float_cast(value, src, dst, target)

    def _float_cast(
        self, value: ir.Value, src: DataType, dst: DataType, target: ir.Type
    ) -> ir.Value:
        bld = self.b
        width = {"half": 16, "float": 32, "double": 64}
        have, want = width[str(_element(value.type))], width[str(_element(target))]
        if have < want:
            converted = bld.fpext(value, target)
        elif have > want:
            converted = bld.fptrunc(value, target)
        else:
            converted = value
        return bf16_round(bld, converted) if dst.element.kind == "bfloat" else converted


def _element(ty: ir.Type) -> ir.Type:
    return ty.element if isinstance(ty, ir.VectorType) else ty


def lanes(ty: ir.Type) -> int:
    """The lane count of a register type."""
    return ty.count if isinstance(ty, ir.VectorType) else 1


__all__ = ["Arith", "lanes", "lanes_of", "overloaded"]
