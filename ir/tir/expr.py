"""TensorIR expressions (`PrimExpr`): scalars and vectors of one `DataType`.

Arithmetic on `PrimExpr` builds IR: ``n * m + 1`` makes ``Add(Mul(n, m), IntImm(1))``, with Python
numbers converted and mixed dtypes promoted. ``==``/``!=`` stay identity (nodes are dict keys);
use `eq`/`ne` for the IR comparisons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..diagnostics import LoomError, TypeCheckError
from ..dtype import DataType, dtype
from ..node import Node

if TYPE_CHECKING:
    from ..module import GlobalVar
    from .buffer import Buffer
    from .op import Op


def _set(node: Node, name: str, value: Any) -> None:
    object.__setattr__(node, name, value)


@dataclass(frozen=True, slots=True, eq=False)
class PrimExpr(Node):
    """A scalar (or vector) expression; every subclass has a `dtype` field."""

    if TYPE_CHECKING:  # a field on each subclass; a base field would fix the field order

        @property
        def dtype(self) -> DataType:
            """The element type (and lanes) of the value."""

    def __bool__(self) -> bool:
        raise LoomError(
            f"the truth value of a PrimExpr ({self}) is not known in Python; "
            "use `is None` checks, or an analyzer to prove it"
        )

    def __str__(self) -> str:
        from loom.script import printer

        return printer.expr_text(self)

    # Arithmetic builds nodes; see `binary` for conversion and promotion.
    def __add__(self, other: Any) -> PrimExpr:
        return binary(Add, self, other)

    def __radd__(self, other: Any) -> PrimExpr:
        return binary(Add, other, self)

    def __sub__(self, other: Any) -> PrimExpr:
        return binary(Sub, self, other)

    def __rsub__(self, other: Any) -> PrimExpr:
        return binary(Sub, other, self)

    def __mul__(self, other: Any) -> PrimExpr:
        return binary(Mul, self, other)

    def __rmul__(self, other: Any) -> PrimExpr:
        return binary(Mul, other, self)

    def __truediv__(self, other: Any) -> PrimExpr:
        return binary(Div, self, other)

    def __rtruediv__(self, other: Any) -> PrimExpr:
        return binary(Div, other, self)

    def __floordiv__(self, other: Any) -> PrimExpr:
        return binary(FloorDiv, self, other)

    def __rfloordiv__(self, other: Any) -> PrimExpr:
        return binary(FloorDiv, other, self)

    def __mod__(self, other: Any) -> PrimExpr:
        return binary(FloorMod, self, other)

    def __rmod__(self, other: Any) -> PrimExpr:
        return binary(FloorMod, other, self)

    def __neg__(self) -> PrimExpr:
        return binary(Sub, const(0, self.dtype), self)

    def __lt__(self, other: Any) -> PrimExpr:
        return binary(LT, self, other)

    def __le__(self, other: Any) -> PrimExpr:
        return binary(LE, self, other)

    def __gt__(self, other: Any) -> PrimExpr:
        return binary(GT, self, other)

    def __ge__(self, other: Any) -> PrimExpr:
        return binary(GE, self, other)

    def __and__(self, other: Any) -> PrimExpr:
        return _bitwise_or_logical(self, other, And, "bitwise_and")

    def __rand__(self, other: Any) -> PrimExpr:
        return _bitwise_or_logical(other, self, And, "bitwise_and")

    def __or__(self, other: Any) -> PrimExpr:
        return _bitwise_or_logical(self, other, Or, "bitwise_or")

    def __ror__(self, other: Any) -> PrimExpr:
        return _bitwise_or_logical(other, self, Or, "bitwise_or")

    def __xor__(self, other: Any) -> PrimExpr:
        return _intrinsic_binary("bitwise_xor", self, other)

    def __lshift__(self, other: Any) -> PrimExpr:
        return _intrinsic_binary("shift_left", self, other)

    def __rshift__(self, other: Any) -> PrimExpr:
        return _intrinsic_binary("shift_right", self, other)

    def __invert__(self) -> PrimExpr:
        from .op import call_intrin

        if self.dtype.is_bool:
            return Not(self)
        return call_intrin(self.dtype, "bitwise_not", self)


# ---------------------------------------------------------------------------------------------
# Leaves


@dataclass(frozen=True, slots=True, eq=False)
class Var(PrimExpr):
    """A scalar variable; a binder (compared positionally). Script: its name, or ``T.int32()``."""

    _binder: ClassVar[bool] = True
    _ignored: ClassVar[tuple[str, ...]] = ("name_hint",)

    name_hint: str
    dtype: DataType = field(default_factory=lambda: dtype("int32"))

    def __post_init__(self) -> None:
        _set(self, "dtype", dtype(self.dtype))


@dataclass(frozen=True, slots=True, eq=False)
class SizeVar(Var):
    """A variable known to be non-negative (a symbolic size). Script: ``T.int32(is_size_var=True)``.

    Python compares a `Var` with a `SizeVar` by calling the subclass's reflected method first,
    so ``i < n`` written in Python builds ``n > i``: the same meaning, another tree. Build with
    `binary` where the exact tree matters (the parser does).
    """


@dataclass(frozen=True, slots=True, eq=False)
class IntImm(PrimExpr):
    """An integer or boolean constant. Script: ``3``, ``T.int64(3)``, ``True``."""

    dtype: DataType
    value: int

    def __post_init__(self) -> None:
        _set(self, "dtype", dtype(self.dtype))
        if not (self.dtype.is_integer or self.dtype.is_bool) or self.dtype.lanes != 1:
            raise TypeCheckError(f"IntImm needs a scalar integer or bool dtype, not {self.dtype}")
        value = int(self.value)
        if not self.dtype.min_value() <= value <= self.dtype.max_value():
            raise TypeCheckError(f"{value} does not fit in {self.dtype}")
        _set(self, "value", value)


@dataclass(frozen=True, slots=True, eq=False)
class FloatImm(PrimExpr):
    """A floating-point constant. Script: ``T.float32(0.5)``, or ``0.5`` for float32."""

    dtype: DataType
    value: float

    def __post_init__(self) -> None:
        _set(self, "dtype", dtype(self.dtype))
        if not self.dtype.is_float or self.dtype.lanes != 1:
            raise TypeCheckError(f"FloatImm needs a scalar float dtype, not {self.dtype}")
        _set(self, "value", float(self.value))


@dataclass(frozen=True, slots=True, eq=False)
class StringImm(PrimExpr):
    """A string constant, as intrinsic arguments use it. Script: ``"text"``."""

    value: str
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _set(self, "dtype", dtype("handle"))


# ---------------------------------------------------------------------------------------------
# Binary arithmetic and comparison


@dataclass(frozen=True, slots=True, eq=False)
class BinaryOp(PrimExpr):
    """Base of two-operand nodes: operands of one dtype; `dtype` is derived."""

    symbol: ClassVar[str] = "?"

    a: PrimExpr
    b: PrimExpr
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for operand in (self.a, self.b):
            if not isinstance(operand, PrimExpr):
                raise TypeCheckError(
                    f"{type(self).__name__} operand is not a PrimExpr: {operand!r}"
                )
        if self.a.dtype != self.b.dtype:
            raise TypeCheckError(
                f"{type(self).__name__} operands differ in dtype: "
                f"{self.a.dtype} and {self.b.dtype}",
                self.span,
            )
        _set(self, "dtype", self.result_dtype())

    def result_dtype(self) -> DataType:
        """The dtype of the result, given operands of one dtype."""
        return self.a.dtype


@dataclass(frozen=True, slots=True, eq=False)
class Add(BinaryOp):
    """``a + b``."""

    symbol: ClassVar[str] = "+"


@dataclass(frozen=True, slots=True, eq=False)
class Sub(BinaryOp):
    """``a - b``."""

    symbol: ClassVar[str] = "-"


@dataclass(frozen=True, slots=True, eq=False)
class Mul(BinaryOp):
    """``a * b``."""

    symbol: ClassVar[str] = "*"


@dataclass(frozen=True, slots=True, eq=False)
class Div(BinaryOp):
    """Division: exact for floats, rounding toward zero for integers. Script: ``a / b``."""

    symbol: ClassVar[str] = "/"


@dataclass(frozen=True, slots=True, eq=False)
class Mod(BinaryOp):
    """Remainder of truncated division (sign of `a`). Script: ``T.truncmod(a, b)``."""


@dataclass(frozen=True, slots=True, eq=False)
class FloorDiv(BinaryOp):
    """Division rounding toward negative infinity. Script: ``a // b``."""

    symbol: ClassVar[str] = "//"


@dataclass(frozen=True, slots=True, eq=False)
class FloorMod(BinaryOp):
    """Remainder of floor division (sign of `b`). Script: ``a % b``."""

    symbol: ClassVar[str] = "%"


@dataclass(frozen=True, slots=True, eq=False)
class Min(BinaryOp):
    """The smaller operand. Script: ``T.min(a, b)``."""


@dataclass(frozen=True, slots=True, eq=False)
class Max(BinaryOp):
    """The larger operand. Script: ``T.max(a, b)``."""


@dataclass(frozen=True, slots=True, eq=False)
class CmpOp(BinaryOp):
    """Base of comparisons: the result is bool with the operands' lanes."""

    def result_dtype(self) -> DataType:
        """Bool, with the operands' lanes."""
        return dtype("bool").with_lanes(self.a.dtype.lanes)


@dataclass(frozen=True, slots=True, eq=False)
class EQ(CmpOp):
    """``a == b``."""

    symbol: ClassVar[str] = "=="


@dataclass(frozen=True, slots=True, eq=False)
class NE(CmpOp):
    """``a != b``."""

    symbol: ClassVar[str] = "!="


@dataclass(frozen=True, slots=True, eq=False)
class LT(CmpOp):
    """``a < b``."""

    symbol: ClassVar[str] = "<"


@dataclass(frozen=True, slots=True, eq=False)
class LE(CmpOp):
    """``a <= b``."""

    symbol: ClassVar[str] = "<="


@dataclass(frozen=True, slots=True, eq=False)
class GT(CmpOp):
    """``a > b``."""

    symbol: ClassVar[str] = ">"


@dataclass(frozen=True, slots=True, eq=False)
class GE(CmpOp):
    """``a >= b``."""

    symbol: ClassVar[str] = ">="


@dataclass(frozen=True, slots=True, eq=False)
class And(BinaryOp):
    """Logical and of bools. Script: ``a and b``."""

    symbol: ClassVar[str] = "and"

    def result_dtype(self) -> DataType:
        """Bool; the operands must be bool too."""
        if not self.a.dtype.is_bool:
            raise TypeCheckError(f"And needs bool operands, not {self.a.dtype}", self.span)
        return self.a.dtype


@dataclass(frozen=True, slots=True, eq=False)
class Or(BinaryOp):
    """Logical or of bools. Script: ``a or b``."""

    symbol: ClassVar[str] = "or"

    def result_dtype(self) -> DataType:
        """Bool; the operands must be bool too."""
        if not self.a.dtype.is_bool:
            raise TypeCheckError(f"Or needs bool operands, not {self.a.dtype}", self.span)
        return self.a.dtype


# ---------------------------------------------------------------------------------------------
# Other expressions


@dataclass(frozen=True, slots=True, eq=False)
class Not(PrimExpr):
    """Logical negation of a bool. Script: ``not a``."""

    a: PrimExpr
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.a.dtype.is_bool:
            raise TypeCheckError(f"Not needs a bool operand, not {self.a.dtype}", self.span)
        _set(self, "dtype", self.a.dtype)


@dataclass(frozen=True, slots=True, eq=False)
class Select(PrimExpr):
    """Both branches evaluated, one chosen. Script: ``T.Select(cond, t, f)``."""

    condition: PrimExpr
    true_value: PrimExpr
    false_value: PrimExpr
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.condition.dtype.is_bool:
            raise TypeCheckError(f"Select condition must be bool, not {self.condition.dtype}")
        if self.true_value.dtype != self.false_value.dtype:
            raise TypeCheckError(
                f"Select branches differ in dtype: {self.true_value.dtype} and "
                f"{self.false_value.dtype}",
                self.span,
            )
        _set(self, "dtype", self.true_value.dtype)


@dataclass(frozen=True, slots=True, eq=False)
class Cast(PrimExpr):
    """Value conversion to `dtype`. Script: ``T.Cast("float32", x)``."""

    dtype: DataType
    value: PrimExpr

    def __post_init__(self) -> None:
        _set(self, "dtype", dtype(self.dtype))
        if self.dtype.lanes != self.value.dtype.lanes:
            raise TypeCheckError(
                f"Cast cannot change lanes: {self.value.dtype} to {self.dtype}", self.span
            )


@dataclass(frozen=True, slots=True, eq=False)
class Ramp(PrimExpr):
    """The vector ``base, base + stride, ...`` of `lanes` elements. Script: ``T.Ramp(b, s, n)``."""

    base: PrimExpr
    stride: PrimExpr
    lanes: int
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.base.dtype != self.stride.dtype or not self.base.dtype.is_scalar:
            raise TypeCheckError("Ramp base and stride must be scalars of one dtype", self.span)
        if self.lanes < 2:
            raise TypeCheckError(f"Ramp needs at least 2 lanes, not {self.lanes}", self.span)
        _set(self, "dtype", self.base.dtype.with_lanes(self.lanes))


@dataclass(frozen=True, slots=True, eq=False)
class Broadcast(PrimExpr):
    """A scalar repeated in every lane. Script: ``T.Broadcast(x, n)``."""

    value: PrimExpr
    lanes: int
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.value.dtype.is_scalar or self.lanes < 2:
            raise TypeCheckError("Broadcast needs a scalar and at least 2 lanes", self.span)
        _set(self, "dtype", self.value.dtype.with_lanes(self.lanes))


@dataclass(frozen=True, slots=True, eq=False)
class Let(PrimExpr):
    """`var` bound to `value` within `body`. Script: ``T.Let(body, where={x: v})``."""

    var: Var
    value: PrimExpr
    body: PrimExpr
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.var.dtype != self.value.dtype:
            raise TypeCheckError(
                f"Let binds {self.var.dtype} variable to a {self.value.dtype} value", self.span
            )
        _set(self, "dtype", self.body.dtype)


@dataclass(frozen=True, slots=True, eq=False)
class BufferLoad(PrimExpr):
    """An element (or a vector of elements, for a `Ramp` index) of a buffer. Script: ``A[i, j]``."""

    buffer: Buffer
    indices: tuple[PrimExpr, ...]
    dtype: DataType = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _set(self, "indices", tuple(self.indices))
        check_indices(self.buffer, self.indices, self.span)
        lanes = max((index.dtype.lanes for index in self.indices), default=1)
        _set(self, "dtype", self.buffer.dtype.with_lanes(lanes))


@dataclass(frozen=True, slots=True, eq=False)
class Call(PrimExpr):
    """A call of an intrinsic `Op` (or a module function) returning `dtype`.

    Script: ``T.exp(x)``, ``T.call_extern("float32", "f", x)``, ...
    """

    dtype: DataType
    op: Op | GlobalVar
    args: tuple[PrimExpr, ...]

    def __post_init__(self) -> None:
        _set(self, "dtype", dtype(self.dtype))
        _set(self, "args", tuple(self.args))


def check_indices(buffer: Buffer, indices: tuple[PrimExpr, ...], span: Any = None) -> None:
    """Raise unless `indices` are integer expressions, one per buffer dimension."""
    if len(indices) != len(buffer.shape):
        raise TypeCheckError(
            f"buffer {buffer.name} has {len(buffer.shape)} dimensions but is indexed with "
            f"{len(indices)} indices",
            span,
        )
    for index in indices:
        if not isinstance(index, PrimExpr) or not index.dtype.is_integer:
            raise TypeCheckError(f"index into {buffer.name} is not an integer: {index}", span)


# ---------------------------------------------------------------------------------------------
# Construction helpers


def const(value: int | float | bool, dtype_: str | DataType | None = None) -> PrimExpr:
    """A constant of `dtype_` (default: int32 for ints, float32 for floats, bool for bools)."""
    if dtype_ is None:
        if isinstance(value, bool):
            dtype_ = "bool"
        elif isinstance(value, int):
            dtype_ = "int32" if -(2**31) <= value < 2**31 else "int64"
        else:
            dtype_ = "float32"
    t = dtype(dtype_)
    if t.lanes > 1:
        return Broadcast(const(value, t.element), t.lanes)
    if t.is_float:
        return FloatImm(t, value)
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise TypeCheckError(f"{value} is not a valid {t} constant")
    return IntImm(t, int(value))


def convert(value: Any, like: DataType | None = None) -> PrimExpr:
    """Turn a Python number into a constant (of `like`'s kind if given); pass PrimExprs through."""
    if isinstance(value, PrimExpr):
        return value
    if isinstance(value, bool):
        return const(value, "bool")
    if isinstance(value, int | float):
        if like is not None and not like.is_handle:
            if like.is_float or isinstance(value, int):
                return const(value, like.element)
            return const(value, "float32")
        return const(value)
    if isinstance(value, str):
        return StringImm(value)
    raise TypeCheckError(f"cannot use {value!r} as a PrimExpr")


def promote(a: PrimExpr, b: PrimExpr) -> tuple[PrimExpr, PrimExpr]:
    """Bring two operands to one dtype: widen ints, ints to floats, scalars to vectors."""
    ta, tb = a.dtype, b.dtype
    if ta.element != tb.element:
        target = _common_element(ta.element, tb.element)
        if ta.element != target:
            a = Cast(target.with_lanes(ta.lanes), a)
        if tb.element != target:
            b = Cast(target.with_lanes(tb.lanes), b)
    if a.dtype.lanes != b.dtype.lanes:
        if a.dtype.lanes == 1:
            a = Broadcast(a, b.dtype.lanes)
        elif b.dtype.lanes == 1:
            b = Broadcast(b, a.dtype.lanes)
        else:
            raise TypeCheckError(f"operands have different lanes: {a.dtype} and {b.dtype}")
    return a, b


def _common_element(x: DataType, y: DataType) -> DataType:
    if x.is_float != y.is_float:
        return x if x.is_float else y
    if x.is_bool != y.is_bool:
        return y if x.is_bool else x
    if x.kind == y.kind:
        return x if x.bits >= y.bits else y
    if x.is_float:  # float16 vs bfloat16
        return dtype("float32")
    return x if x.bits > y.bits else y  # int vs uint: the wider one


def binary(cls: type[BinaryOp], a: Any, b: Any) -> PrimExpr:
    """Build ``cls(a, b)`` converting Python numbers and promoting mixed dtypes."""
    if not isinstance(a, PrimExpr) and not isinstance(b, PrimExpr):
        raise TypeCheckError(f"{cls.__name__} needs at least one PrimExpr operand")
    a = convert(a, b.dtype if isinstance(b, PrimExpr) else None)
    b = convert(b, a.dtype)
    a, b = promote(a, b)
    return cls(a, b)


def _bitwise_or_logical(a: Any, b: Any, logical: type[BinaryOp], name: str) -> PrimExpr:
    a_expr = a if isinstance(a, PrimExpr) else convert(a, getattr(b, "dtype", None))
    if a_expr.dtype.is_bool:
        return binary(logical, a, b)
    return _intrinsic_binary(name, a, b)


def _intrinsic_binary(name: str, a: Any, b: Any) -> PrimExpr:
    from .op import call_intrin

    a = convert(a, b.dtype if isinstance(b, PrimExpr) else None)
    b = convert(b, a.dtype)
    a, b = promote(a, b)
    return call_intrin(a.dtype, name, a, b)


def eq(a: Any, b: Any) -> PrimExpr:
    """The IR comparison ``a == b`` (Python's ``==`` on nodes is identity)."""
    return binary(EQ, a, b)


def ne(a: Any, b: Any) -> PrimExpr:
    """The IR comparison ``a != b``."""
    return binary(NE, a, b)


def truncdiv(a: Any, b: Any) -> PrimExpr:
    """Integer division rounding toward zero (`Div`)."""
    return binary(Div, a, b)


def truncmod(a: Any, b: Any) -> PrimExpr:
    """Remainder of `truncdiv` (`Mod`)."""
    return binary(Mod, a, b)


def floordiv(a: Any, b: Any) -> PrimExpr:
    """Division rounding toward negative infinity (`FloorDiv`)."""
    return binary(FloorDiv, a, b)


def floormod(a: Any, b: Any) -> PrimExpr:
    """Remainder of `floordiv` (`FloorMod`)."""
    return binary(FloorMod, a, b)


def min_(a: Any, b: Any) -> PrimExpr:
    """The smaller of two expressions (`Min`)."""
    return binary(Min, a, b)


def max_(a: Any, b: Any) -> PrimExpr:
    """The larger of two expressions (`Max`)."""
    return binary(Max, a, b)


def all_(*conditions: Any) -> PrimExpr:
    """Logical and of one or more conditions."""
    result = convert(conditions[0])
    for cond in conditions[1:]:
        result = binary(And, result, cond)
    return result


def any_(*conditions: Any) -> PrimExpr:
    """Logical or of one or more conditions."""
    result = convert(conditions[0])
    for cond in conditions[1:]:
        result = binary(Or, result, cond)
    return result
