"""Helpers the operator legalizations share: the call's known result, index arithmetic, te_call.

A legalization reads the result shape from the call's (normalized) struct info, so the
prim_func computes exactly the shape inference promised, symbolic sizes included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ...diagnostics import StructInfoError
from ...dtype import DataType, dtype
from ...tir import Cast, IntImm, PrimExpr, Select, const, eq, floordiv, floormod
from ...tir.arith import Analyzer
from ...tir.te import Tensor
from ..expr import ArgExpr, Call, Tuple, TupleGetItem, Var
from ..infer import assume_sizes
from ..struct_info import TensorStructInfo, TupleStructInfo
from .base import op_name

if TYPE_CHECKING:
    from ..block_builder import BlockBuilder

INDEX = "int64"
"""The dtype of shapes, hence of every loop and index in a legalized prim_func."""


def result_info(call: Call) -> TensorStructInfo:
    """The call's tensor result, which legalization needs with known shape and dtype."""
    sinfo = call.struct_info
    if not isinstance(sinfo, TensorStructInfo) or sinfo.values is None or sinfo.dtype is None:
        raise StructInfoError(
            f"cannot legalize R.{op_name(call)}: its result {sinfo} needs a known shape and "
            "dtype (match_cast the operands first)",
            call.span,
        )
    return sinfo


def result_shape(call: Call) -> tuple[PrimExpr, ...]:
    """The sizes of the call's tensor result (see `result_info`)."""
    values = result_info(call).values
    assert values is not None
    return values


def tensor_fields(bb: BlockBuilder, value: ArgExpr) -> list[ArgExpr]:
    """The tensors of a tuple argument as leaf expressions (fields of a tuple variable bound)."""
    if isinstance(value, Tuple):
        return list(value.fields)
    assert isinstance(value, Var), "a normalized tuple argument is a tuple or a variable"
    sinfo = value.struct_info
    assert isinstance(sinfo, TupleStructInfo), "inference checked that this is a tuple"
    return [bb.emit(TupleGetItem(value, i)) for i in range(len(sinfo.fields))]


def lower(bb: BlockBuilder, call: Call, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Call:
    """The ``call_dps`` of the prim_func ``fn(*args, **kwargs)`` builds, named after the op.

    Graph tensors among `args`/`kwargs` become placeholders; PrimExprs (sizes from struct
    info) are rewritten to the prim_func's own size variables.
    """
    from ..te_call import te_call  # te_call imports the op package: import it late

    return te_call(bb, fn, args, kwargs, op_name(call).rsplit(".", 1)[-1])


def shape_analyzer(*shapes: Sequence[PrimExpr]) -> Analyzer:
    """An analyzer that knows the symbolic sizes in `shapes` are non-negative."""
    analyzer = Analyzer()
    assume_sizes(analyzer, [e for shape in shapes for e in shape])
    return analyzer


def index(value: int) -> PrimExpr:
    """An index constant."""
    return const(value, INDEX)


def broadcast_index(
    tensor: Tensor,
    out_index: Sequence[PrimExpr],
    out_shape: Sequence[PrimExpr],
    analyzer: Analyzer,
) -> tuple[PrimExpr, ...]:
    """The element of `tensor` that numpy broadcasting reads for output element `out_index`.

    Dimensions align at the right. A size proved 1 reads element 0; one proved equal to the
    output's reads the output index; a size known only at run time (1, or equal to the
    output's, which inference checks) chooses between the two then.
    """
    offset = len(out_index) - tensor.ndim
    out: list[PrimExpr] = []
    for d, size in enumerate(tensor.shape):
        i, extent = out_index[offset + d], out_shape[offset + d]
        zero = const(0, i.dtype)
        if analyzer.can_prove_equal(size, 1):
            out.append(zero)
        elif analyzer.can_prove_equal(size, extent):
            out.append(i)
        else:
            out.append(Select(eq(size, 1), zero, i))
    return tuple(out)


def linear_index(indices: Sequence[PrimExpr], shape: Sequence[PrimExpr]) -> PrimExpr:
    """The row-major offset of `indices` in a tensor of `shape`."""
    offset: PrimExpr = index(0)
    for i, size in zip(indices, shape, strict=True):
        offset = i if _is_zero(offset) else offset * size + i
    return offset


def unravel_index(offset: PrimExpr, shape: Sequence[PrimExpr]) -> tuple[PrimExpr, ...]:
    """The indices of row-major `offset` in a tensor of `shape` (inverse of `linear_index`)."""
    out: list[PrimExpr] = []
    for d in range(len(shape) - 1, -1, -1):
        if d == 0:
            out.append(offset)
        else:
            out.append(floormod(offset, shape[d]))
            offset = floordiv(offset, shape[d])
    return tuple(reversed(out))


def _is_zero(e: PrimExpr) -> bool:
    return isinstance(e, IntImm) and e.value == 0


def cast(value: PrimExpr, dt: DataType | str) -> PrimExpr:
    """`value` as `dt` (no node when it already is)."""
    dt = dtype(dt)
    return value if value.dtype == dt else Cast(dt, value)


__all__ = [
    "INDEX",
    "broadcast_index",
    "cast",
    "index",
    "linear_index",
    "lower",
    "result_info",
    "result_shape",
    "shape_analyzer",
    "tensor_fields",
    "unravel_index",
]
