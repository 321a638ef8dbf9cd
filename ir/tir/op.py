"""The intrinsic registry: each `Op` a `Call` may invoke, with its arity and result type.

Later layers attach their own facts (LLVM lowering, interpreter semantics) keyed by op name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..diagnostics import TypeCheckError
from ..dtype import DataType, dtype
from ..node import Node
from .expr import Call, PrimExpr, StringImm, convert, promote


@dataclass(frozen=True, slots=True, eq=False)
class Op(Node):
    """An intrinsic, interned by name (``Op.get("exp")``). Script: ``T.<name>``."""

    name: str

    @staticmethod
    def get(name: str) -> Op:
        """The registered op called `name`."""
        try:
            return _OPS[name].op
        except KeyError:
            raise TypeCheckError(f"unknown intrinsic {name!r}") from None


@dataclass(frozen=True, slots=True)
class OpInfo:
    """What the IR knows about an intrinsic.

    `result` says how the call's dtype is found: ``"arg"`` (the first argument's), ``"bool"``,
    or ``"given"`` (the script passes it, e.g. ``T.reinterpret("int32", x)``).
    `num_args` is None for variadic ops. `float_only` ops reject integer arguments.
    """

    op: Op
    num_args: int | None
    result: str
    float_only: bool = False
    pure: bool = True


_OPS: dict[str, OpInfo] = {}


def register_op(name: str, num_args: int | None, result: str = "arg", **kw: Any) -> Op:
    """Register an intrinsic (idempotent for the same name)."""
    if name not in _OPS:
        _OPS[name] = OpInfo(Op(name), num_args, result, **kw)
    return _OPS[name].op


def op_info(op: Op | str) -> OpInfo:
    """The registry entry of an op."""
    name = op if isinstance(op, str) else op.name
    try:
        return _OPS[name]
    except KeyError:
        raise TypeCheckError(f"unknown intrinsic {name!r}") from None


def registered_ops() -> tuple[str, ...]:
    """Names of every registered intrinsic."""
    return tuple(_OPS)


FLOAT_UNARY = (
    "exp", "exp2", "log", "log2", "sqrt", "rsqrt", "tanh", "sigmoid", "sin", "cos",
    "fabs", "floor", "ceil", "round", "trunc", "erf",
)  # fmt: skip
for _name in FLOAT_UNARY:
    register_op(_name, 1, float_only=True)
register_op("pow", 2, float_only=True)
register_op("if_then_else", 3)
register_op("likely", 1)
register_op("reinterpret", 1, "given")
register_op("call_extern", None, "given", pure=False)
register_op("call_packed", None, "given", pure=False)
register_op("max_value", 0, "given")
register_op("min_value", 0, "given")
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor", "shift_left", "shift_right"):
    register_op(_name, 2)
register_op("bitwise_not", 1)

BITWISE = ("bitwise_and", "bitwise_or", "bitwise_xor", "shift_left", "shift_right", "bitwise_not")


def call_intrin(dtype_: str | DataType, name: str, *args: Any, span: Any = None) -> Call:
    """Call intrinsic `name`, checking arity and argument kinds."""
    info = op_info(name)
    t = dtype(dtype_)
    exprs = tuple(convert(a) for a in args)
    if info.num_args is not None and len(exprs) != info.num_args:
        raise TypeCheckError(f"T.{name} takes {info.num_args} argument(s), got {len(exprs)}", span)
    if info.float_only and not all(a.dtype.is_float for a in exprs):
        kinds = ", ".join(str(a.dtype) for a in exprs)
        raise TypeCheckError(f"T.{name} needs float arguments, got {kinds}", span)
    if name in BITWISE and not all(a.dtype.is_integer for a in exprs):
        raise TypeCheckError(f"T.{name} needs integer arguments", span)
    if name == "if_then_else" and not exprs[0].dtype.is_bool:
        raise TypeCheckError("T.if_then_else needs a bool condition", span)
    return Call(t, info.op, exprs, span=span)


def _float_arg(x: Any) -> PrimExpr:
    return convert(x) if isinstance(x, PrimExpr) else convert(float(x))


def unary(name: str, x: Any) -> Call:
    """Call a one-argument float intrinsic such as ``exp``."""
    x = _float_arg(x)
    return call_intrin(x.dtype, name, x)


def exp(x: Any) -> Call:
    """Raise e to the power `x`."""
    return unary("exp", x)


def log(x: Any) -> Call:
    """Natural logarithm."""
    return unary("log", x)


def sqrt(x: Any) -> Call:
    """Square root."""
    return unary("sqrt", x)


def pow_(x: Any, y: Any) -> Call:
    """`x` to the power `y`."""
    x, y = promote(_float_arg(x), convert(y, _float_arg(x).dtype))
    return call_intrin(x.dtype, "pow", x, y)


def if_then_else(cond: Any, then_value: Any, else_value: Any) -> Call:
    """The value of one branch, evaluating only that branch."""
    then_value = convert(then_value, getattr(else_value, "dtype", None))
    else_value = convert(else_value, then_value.dtype)
    then_value, else_value = promote(then_value, else_value)
    return call_intrin(then_value.dtype, "if_then_else", convert(cond), then_value, else_value)


def call_extern(dtype_: str | DataType, name: str, *args: Any) -> Call:
    """Call the C function `name`."""
    return call_intrin(dtype_, "call_extern", StringImm(name), *args)


def call_packed(name: str, *args: Any, dtype_: str | DataType = "int32") -> Call:
    """Call the packed function registered as `name`."""
    return call_intrin(dtype_, "call_packed", StringImm(name), *args)
