"""Explicit memory: the allocation ops that lowering introduces and the VM runs as builtins.

``builtin.alloc_tensor`` allocates a fresh tensor (what `LowerCallDPS` makes for each
``call_dps`` output); ``memory.alloc_storage`` allocates a block of bytes and
``memory.alloc_tensor`` views a tensor inside one (what static memory planning makes, so that
tensors whose lifetimes do not overlap share storage); ``memory.kill_storage`` and
``memory.kill_tensor`` end a lifetime early. None of them has a legalization: they are the
target of lowering, not its input.
"""

from __future__ import annotations

from ...diagnostics import StructInfoError, TypeCheckError
from ...dtype import DataType
from ...dtype import dtype as to_dtype
from ...span import Span
from ..expr import ArgExpr, Call, ShapeExpr, Var
from ..registry import InferContext, attr, register_op
from ..struct_info import (
    ObjectStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)
from .base import make_call, op_name

_DTYPE = attr(DataType, required=True)


def _element(value: str | DataType, op: str) -> DataType:
    """The dtype attribute of an allocation (given: allocations have no default element type)."""
    if value is None:
        raise TypeCheckError(f"R.{op} needs a dtype")
    return to_dtype(value)


def _shape_arg(call: Call, index: int, what: str) -> ShapeStructInfo:
    sinfo = getattr(call.args[index], "struct_info", None)
    if not isinstance(sinfo, ShapeStructInfo):
        raise StructInfoError(
            f"R.{op_name(call)} takes {what} as a shape value (R.shape([...])), not {sinfo}",
            call.span,
        )
    return sinfo


def _tensor_of(call: Call, index: int) -> TensorStructInfo:
    """A tensor of the shape argument `index` and the call's dtype attribute."""
    shape = _shape_arg(call, index, "the tensor's shape")
    dt = to_dtype(call.attrs["dtype"])
    if shape.values is not None:
        return TensorStructInfo(ShapeExpr(shape.values), dt)
    arg = call.args[index]
    if isinstance(arg, Var):
        return TensorStructInfo(arg, dt)
    return TensorStructInfo(None, dt, shape.ndim)


def _check_device(call: Call, key: str) -> None:
    if call.attrs[key] < 0:
        raise StructInfoError(
            f"R.{op_name(call)}: {key} must be non-negative, not {call.attrs[key]}", call.span
        )


def _infer_builtin_alloc_tensor(call: Call, ctx: InferContext) -> StructInfo:
    _check_device(call, "runtime_device_index")
    return _tensor_of(call, 0)


def _infer_alloc_storage(call: Call, ctx: InferContext) -> StructInfo:
    size = _shape_arg(call, 0, "its size in bytes")
    if size.ndim not in (-1, 1):
        raise StructInfoError(
            f"R.memory.alloc_storage takes its size as a one-element shape (bytes), not a shape "
            f"of rank {size.ndim}",
            call.span,
        )
    _check_device(call, "virtual_device_index")
    if not call.attrs["storage_scope"]:
        raise StructInfoError("R.memory.alloc_storage needs a storage scope", call.span)
    return ObjectStructInfo()


def _infer_memory_alloc_tensor(call: Call, ctx: InferContext) -> StructInfo:
    offset = getattr(call.args[1], "struct_info", None)
    if not isinstance(offset, PrimStructInfo) or (
        offset.dtype is not None and not offset.dtype.is_integer
    ):
        raise StructInfoError(
            f"R.memory.alloc_tensor takes its byte offset as an integer prim value, not {offset}",
            call.span,
        )
    return _tensor_of(call, 2)


def _infer_kill(call: Call, ctx: InferContext) -> StructInfo:
    if op_name(call) == "memory.kill_tensor":
        sinfo = getattr(call.args[0], "struct_info", None)
        if not isinstance(sinfo, TensorStructInfo):
            raise StructInfoError(f"R.memory.kill_tensor takes a tensor, not {sinfo}", call.span)
    return TupleStructInfo(())


register_op(
    "builtin.alloc_tensor",
    infer=_infer_builtin_alloc_tensor,
    num_args=1,
    attrs_schema={"dtype": _DTYPE, "runtime_device_index": attr(int, default=0)},
)
register_op(
    "memory.alloc_storage",
    infer=_infer_alloc_storage,
    num_args=1,
    attrs_schema={
        "virtual_device_index": attr(int, default=0),
        "storage_scope": attr(str, default="global"),
        "dtype": _DTYPE,
    },
)
register_op(
    "memory.alloc_tensor",
    infer=_infer_memory_alloc_tensor,
    num_args=3,
    attrs_schema={"dtype": _DTYPE},
)
register_op("memory.kill_storage", infer=_infer_kill, num_args=1, pure=False)
register_op("memory.kill_tensor", infer=_infer_kill, num_args=1, pure=False)


def builtin_alloc_tensor(
    shape: ArgExpr,
    dtype: str | DataType,
    runtime_device_index: int = 0,
    span: Span | None = None,
) -> Call:
    """A fresh tensor of `shape` and `dtype` on device `runtime_device_index`.

    Script: ``R.builtin.alloc_tensor(R.shape([n, 4]), dtype="float32", runtime_device_index=0)``.
    """
    attrs = {
        "dtype": _element(dtype, "builtin.alloc_tensor"),
        "runtime_device_index": runtime_device_index,
    }
    return make_call("builtin.alloc_tensor", (shape,), attrs, span=span)


def alloc_storage(
    size: ArgExpr,
    dtype: str | DataType,
    virtual_device_index: int = 0,
    storage_scope: str = "global",
    span: Span | None = None,
) -> Call:
    """A block of ``size[0]`` bytes that tensors are later placed in (an ``R.Object``).

    `dtype` is the element type of the tensors it is planned for. Script:
    ``R.memory.alloc_storage(R.shape([4096]), virtual_device_index=0, storage_scope="global",
    dtype="float32")``.
    """
    attrs = {
        "virtual_device_index": virtual_device_index,
        "storage_scope": storage_scope,
        "dtype": _element(dtype, "memory.alloc_storage"),
    }
    return make_call("memory.alloc_storage", (size,), attrs, span=span)


def memory_alloc_tensor(
    storage: ArgExpr,
    offset: ArgExpr,
    shape: ArgExpr,
    dtype: str | DataType,
    span: Span | None = None,
) -> Call:
    """A tensor of `shape` and `dtype` viewing `storage` from byte `offset` (a prim value).

    Script: ``R.memory.alloc_tensor(storage, R.prim_value(0), R.shape([n, 4]), dtype="float32")``.
    """
    attrs = {"dtype": _element(dtype, "memory.alloc_tensor")}
    return make_call("memory.alloc_tensor", (storage, offset, shape), attrs, span=span)


def kill_storage(storage: ArgExpr, span: Span | None = None) -> Call:
    """End the lifetime of `storage` (impure). Script: ``R.memory.kill_storage(storage)``."""
    return make_call("memory.kill_storage", (storage,), span=span)


def kill_tensor(tensor: ArgExpr, span: Span | None = None) -> Call:
    """End the lifetime of `tensor` (impure). Script: ``R.memory.kill_tensor(x)``."""
    return make_call("memory.kill_tensor", (tensor,), span=span)
