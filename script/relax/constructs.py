"""The R constructs of a graph function body: dataflow blocks, builtins, values and constants.

Each is declared by a function whose signature is the construct's syntax (the parser binds call
arguments against it). Those that describe a value (``R.const``, ``R.shape``, ``R.call_dps``,
...) also work from Python, building the same IR a script does; the scoping ones
(``R.dataflow``, ``R.output``, ``R.match_cast``, ``R.func_attr``) only mean something in a script.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from loom.ir import LoomError, tir
from loom.ir import graph as g

from ..parser.construct import to_dtype
from .construct import RelaxConstruct, relax_construct
from .sinfo import as_struct_info

# fmt: off


@relax_construct()
def dataflow() -> None:
    """``with R.dataflow():`` a block of pure bindings; ``R.output(...)`` ends it."""


@relax_construct()
def output(*vars: Any) -> None:
    """The variables of the enclosing dataflow block that stay visible after it."""


@relax_construct()
def match_cast(value: Any, struct_info: Any) -> None:
    """``y = R.match_cast(x, R.Tensor((m,), "float32"))``: bind `x`, checked at run time.

    Symbolic sizes that first appear in `struct_info` are defined by it.
    """


@relax_construct()
def func_attr(attrs: dict) -> None:
    """Attributes of the enclosing graph function."""
# fmt: on


def _out_sinfo(out_sinfo: Any) -> g.StructInfo:
    if isinstance(out_sinfo, list | tuple):
        return g.TupleStructInfo(tuple(as_struct_info(s) for s in out_sinfo))
    return as_struct_info(out_sinfo)


def _call_dps(callee: Any, args: Any, out_sinfo: Any = None, tir_vars: Any = None) -> g.Call:
    """``R.call_dps(cls.mm, (x, w), out_sinfo=R.Tensor((n, m), "float32"))``.

    Calls a prim_func (``cls.f``) or an external function (a string) in destination-passing
    style: the caller allocates outputs of `out_sinfo` (a list for several) and the callee
    writes them; `tir_vars` passes extra sizes (``R.shape([n])``).
    """
    if out_sinfo is None:
        raise LoomError("R.call_dps needs out_sinfo, the struct info of its outputs")
    items = args if isinstance(args, tuple | list) else (args,)
    return g.op.call_dps(callee, tuple(items), _out_sinfo(out_sinfo), tir_vars)


def _call_tir(callee: Any, args: Any, out_sinfo: Any = None, tir_vars: Any = None) -> g.Call:
    """``R.call_tir(cls.f, (x,), out_sinfo=...)``: `R.call_dps` of a prim_func (TVMScript)."""
    return _call_dps(callee, args, out_sinfo, tir_vars)


def _call_dps_packed(callee: Any, args: Any, out_sinfo: Any = None) -> g.Call:
    """``R.call_dps_packed("f", (x,), out_sinfo=...)``: `R.call_dps` of an external function."""
    return _call_dps(callee, args, out_sinfo)


def _call_packed(func: Any, *args: Any, sinfo_args: Any = None) -> g.Call:
    """``R.call_packed("f", x, sinfo_args=R.Object)``: call a packed function (impure).

    `sinfo_args` is the struct info of the result (one, or a tuple of them); default
    ``R.Object``.
    """
    if sinfo_args is not None:
        items = sinfo_args if isinstance(sinfo_args, tuple | list) else (sinfo_args,)
        sinfo_args = tuple(as_struct_info(s) for s in items)
    return g.op.call_packed(func, *args, sinfo_args=sinfo_args)


def _shape_expr(values: Sequence[Any]) -> g.ShapeExpr:
    """``R.shape([n, 4])``: a shape value of int64 sizes."""
    return g.ShapeExpr(tuple(values))


def _prim_value(value: Any) -> g.PrimValue:
    """``R.prim_value(n)``: a scalar computed by a `tir` expression.

    Literals read as in the T dialect: ``3`` is int32, ``T.int64(3)`` int64.
    """
    return g.PrimValue(tir.convert(value))


def _string(value: str) -> g.StringImm:
    """``R.str("text")``: a string value."""
    return g.StringImm(value)


def _extern_func(global_symbol: str) -> g.ExternFunc:
    """``R.ExternFunc("name")``: a packed function found by name at run time."""
    return g.ExternFunc(global_symbol)


def const_array(value: Any, dtype: Any = None) -> np.ndarray:
    """The array ``R.const(value, dtype)`` holds (see `_const`)."""
    if isinstance(value, tir.IntImm | tir.FloatImm):
        dtype = value.dtype if dtype is None else dtype
        value = value.value
    if dtype is None:
        array = np.asarray(value)
        if array.dtype == np.float64 and not isinstance(value, np.ndarray | np.generic):
            array = array.astype(np.float32)
        elif array.dtype == np.int64 and not isinstance(value, np.ndarray | np.generic):
            array = array.astype(np.int32)
        return array
    element = to_dtype(dtype)
    if element.lanes != 1 or element.is_handle:
        raise LoomError(f"R.const holds scalars of one lane, not {element}")
    try:
        return np.asarray(value, dtype=element.numpy)
    except (TypeError, ValueError, OverflowError) as err:
        raise LoomError(f"R.const cannot hold {value!r} as {element}: {err}") from None


def _const(value: Any, dtype: Any = None) -> g.Constant:
    """``R.const(1.0, "float32")``, ``R.const([[1, 2], [3, 4]], "int32")``: a constant tensor.

    Without a dtype, Python floats are float32 and ints int32; numpy arrays keep theirs.
    """
    array = const_array(value, dtype)
    if array.dtype == object:
        raise LoomError(f"R.const holds numbers, not {value!r}")
    return g.Constant(array)


call_dps = RelaxConstruct("call_dps", _call_dps, runtime=_call_dps)
call_tir = RelaxConstruct("call_tir", _call_tir, runtime=_call_tir)
call_dps_packed = RelaxConstruct("call_dps_packed", _call_dps_packed, runtime=_call_dps_packed)
call_packed = RelaxConstruct("call_packed", _call_packed, runtime=_call_packed)
shape = RelaxConstruct("shape", _shape_expr, runtime=_shape_expr)
prim_value = RelaxConstruct("prim_value", _prim_value, runtime=_prim_value)
string = RelaxConstruct("str", _string, runtime=_string)
ExternFunc = RelaxConstruct("ExternFunc", _extern_func, runtime=_extern_func)
const = RelaxConstruct("const", _const, runtime=_const)
