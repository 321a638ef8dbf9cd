"""Python values to and from ABI slots (a `LoomValue` and a type code); Python-side normalization.

Python to ABI (the same mapping normalizes arguments of Python-to-Python calls, so a registered
function sees the same kinds of values whether its caller is Python or native code):

- ``NDArray`` -> DLTENSOR. A numpy array -> DLTENSOR through a zero-copy view when its layout is
  expressible (`view_numpy`: a Loom dtype, native byte order, strides and address multiples of
  the element size); otherwise it is copied into an aligned NDArray and, if writeable, copied
  back after the call, so outputs still work. Any other ``__dlpack__`` producer (a PyTorch
  tensor) -> DLTENSOR through `from_dlpack`, zero-copy.
- ``bool``/``numpy.bool_`` -> BOOL; ``int``/numpy integers -> INT, or UINT from 2**63 to
  2**64 - 1 (beyond: `FFIError`); ``float``/numpy floats -> FLOAT; ``str`` -> STR; ``None`` ->
  NULL; ``DataType`` -> DTYPE; ``Device`` -> DEVICE; ``ctypes.c_void_p`` -> HANDLE.
- `Shape`, and a tuple of ints (which becomes a Shape) -> OBJECT.
- A ``PackedFunc`` -> PACKED_FUNC; a plain Python function, method or partial is wrapped in one.
- Anything else -> OBJECT: an opaque handle that native code can only pass back.
"""

from __future__ import annotations

import ctypes
import functools
import threading
import types
from typing import Any

import numpy as np

from ..ir import DataType
from . import handles
from .abi import LoomFunc, LoomObject, ObjectType, TypeCode
from .device import Device
from .dlpack import from_dlpack
from .dtypes import pack_dtype, unpack_dtype
from .errors import FFIError
from .ndarray import NDArray, array, view_numpy
from .shape import Shape

INT, UINT, FLOAT, HANDLE, NULL = 0, 1, 2, 3, 4
DTYPE, DEVICE, DLTENSOR, OBJECT = 5, 6, 7, 8
PACKED_FUNC, STR, BOOL = 10, 11, 12
assert (PACKED_FUNC, STR, BOOL) == (TypeCode.PACKED_FUNC, TypeCode.STR, TypeCode.BOOL)

I64_MIN, I64_LIMIT, U64_LIMIT = -(1 << 63), 1 << 63, 1 << 64
_MASK64 = U64_LIMIT - 1
_FUNCTION_TYPES = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    functools.partial,
)
Int64Slots = ctypes.Array  # a (c_int64 * n) array aliasing the LoomValue slots
CopyBack = list[tuple[np.ndarray, NDArray]]


def _int_slot(value: int) -> tuple[int, int]:
    if I64_MIN <= value < I64_LIMIT:
        return value, INT
    if I64_LIMIT <= value < U64_LIMIT:
        return value - U64_LIMIT, UINT
    raise FFIError(f"integer {value} does not fit in 64 bits")


def _array_arg(value: np.ndarray, keep: list[Any], copy_back: CopyBack) -> NDArray:
    nd = view_numpy(value)
    if nd is None:
        nd = array(value)
        if value.flags.writeable:
            copy_back.append((value, nd))
    keep.append(nd)
    return nd


def pack_slow(
    value: Any,
    i: int,
    ints: Int64Slots,
    floats: ctypes.Array,
    codes: ctypes.Array,
    keep: list[Any],
    copy_back: CopyBack,
) -> None:
    """Store `value` in slot `i`; `keep` collects what must outlive the call."""
    t = type(value)
    if t is NDArray:
        ints[i], codes[i] = value._handle, DLTENSOR
    elif value is None:
        ints[i], codes[i] = 0, NULL
    elif t is bool or t is np.bool_:
        ints[i], codes[i] = int(value), BOOL
    elif isinstance(value, int | np.integer):
        ints[i], codes[i] = _int_slot(int(value))
    elif isinstance(value, float | np.floating):
        floats[i], codes[i] = float(value), FLOAT
    elif t is str:
        if "\0" in value:
            raise FFIError(
                f"string {value!r} contains a NUL character, which C strings cannot hold"
            )
        buffer = ctypes.create_string_buffer(value.encode())
        keep.append(buffer)
        ints[i], codes[i] = ctypes.addressof(buffer), STR
    elif t is Shape:
        ints[i], codes[i] = value.handle, OBJECT
    elif isinstance(value, np.ndarray):
        ints[i], codes[i] = _array_arg(value, keep, copy_back)._handle, DLTENSOR
    elif isinstance(value, tuple) and all(isinstance(d, int | np.integer) for d in value):
        shape = Shape(value)
        keep.append(shape)
        ints[i], codes[i] = shape.handle, OBJECT
    elif t is DataType:
        ints[i], codes[i] = pack_dtype(value), DTYPE
    elif t is Device:
        ints[i], codes[i] = value.device_type | (value.device_id << 32), DEVICE
    elif t is ctypes.c_void_p:
        ints[i], codes[i] = value.value or 0, HANDLE
    else:
        _pack_object(value, i, ints, codes, keep)


def _pack_object(value: Any, i: int, ints: Int64Slots, codes: ctypes.Array, keep: list) -> None:
    from .packed_func import PackedFunc, PythonFunc

    if isinstance(value, PackedFunc):
        ints[i], codes[i] = value.handle, PACKED_FUNC
    elif isinstance(value, _FUNCTION_TYPES):
        func = PythonFunc(value)
        keep.append(func)
        ints[i], codes[i] = func.handle, PACKED_FUNC
    elif hasattr(type(value), "__loom_object_handle__"):
        ints[i], codes[i] = value.__loom_object_handle__, OBJECT
    elif hasattr(value, "__dlpack__") and not isinstance(value, type):
        nd = from_dlpack(value)
        keep.append(nd)
        ints[i], codes[i] = nd._handle, DLTENSOR
    else:
        box = handles.ObjectBox(value)
        keep.append(box)
        ints[i], codes[i] = box.handle, OBJECT


# -- ABI to Python --------------------------------------------------------------------------


def unpack(code: int, bits: int, floats: ctypes.Array, i: int, owned: bool) -> Any:
    """Read slot `i` (raw int64 `bits`) as a Python value.

    `owned` is True for a result, whose handle carries one reference that is now the caller's;
    False for an argument, which only borrows.
    """
    if code == INT:
        return bits
    if code == FLOAT:
        return floats[i]
    if code == DLTENSOR:
        return _tensor(bits, owned)
    if code == NULL:
        return None
    if code == BOOL:
        return bits != 0
    if code == STR:
        return _string(bits)
    if code == OBJECT:
        return _object(bits, owned)
    if code == UINT:
        return bits & _MASK64
    if code == PACKED_FUNC:
        return _function(bits, owned)
    if code == DTYPE:
        return unpack_dtype(bits & 0xFFFFFFFF)
    if code == DEVICE:
        return Device(bits & 0x7FFFFFFF, (bits & _MASK64) >> 32)
    if code == HANDLE:
        return ctypes.c_void_p(bits or None)
    raise FFIError(f"unknown type code {code} in a packed call")


def _take(handle: int, owned: bool) -> Any:
    obj = handles.lookup(handle)
    if obj is not None and owned:
        handles.release(handle)
    return obj


def _tensor(handle: int, owned: bool) -> NDArray:
    obj = _take(handle, owned)
    if obj is not None:
        return obj
    view = NDArray.from_dltensor(handle)
    # A result the runtime never handed out belongs to native code: take a copy of it.
    return view.copyto(view.device) if owned else view


def _object(handle: int, owned: bool) -> Any:
    obj = _take(handle, owned)
    if isinstance(obj, handles.ObjectBox):
        return obj.obj
    if obj is not None:
        return obj
    if not handle:
        raise FFIError("NULL object handle")
    if LoomObject.from_address(handle).type_index == ObjectType.SHAPE:
        return Shape.from_handle(handle)
    raise FFIError(f"object handle {handle:#x} is unknown to the runtime")


def _function(handle: int, owned: bool) -> Any:
    from .packed_func import NativeFunc

    obj = _take(handle, owned)
    if obj is not None:
        return obj
    if not handle:
        raise FFIError("NULL function handle")
    func = LoomFunc.from_address(handle)
    if not func.fn:
        raise FFIError(f"function handle {handle:#x} has a NULL function pointer")
    return NativeFunc(func.fn, func.resource_handle or 0, name=f"<native {handle:#x}>")


def _string(address: int) -> str:
    if not address:
        raise FFIError("NULL string pointer in a packed call")
    raw = ctypes.string_at(address)
    try:
        return raw.decode()
    except UnicodeDecodeError as err:
        raise FFIError(f"string argument is not UTF-8: {err}") from None


# -- results handed to native code ----------------------------------------------------------

_HANDLE_CODES = frozenset((DLTENSOR, OBJECT, PACKED_FUNC))


class _ReturnSlot(threading.local):
    keep: list[Any] | None = None


_return_slot = _ReturnSlot()


def pack_return(value: Any, ret: int, ret_code: int) -> None:
    """Store a Python result for a native caller; a handle result carries one reference."""
    ints = (ctypes.c_int64 * 1).from_address(ret)
    floats = (ctypes.c_double * 1).from_address(ret)
    codes = (ctypes.c_int32 * 1).from_address(ret_code)
    keep: list[Any] = []
    pack_slow(value, 0, ints, floats, codes, keep, [])
    if codes[0] in _HANDLE_CODES:
        handles.retain(ints[0])
    # A string result stays valid until this thread returns another value to native code.
    _return_slot.keep = keep


# -- Python-to-Python calls -----------------------------------------------------------------

_PASS_THROUGH = frozenset((NDArray, float, str, bool, type(None), Shape, DataType, Device))


def normalize(value: Any, copy_back: CopyBack) -> Any:
    """The value a Python packed function receives for `value` (see the module docstring)."""
    t = type(value)
    if t in _PASS_THROUGH:
        return value
    if t is int or (isinstance(value, int | np.integer) and t is not np.bool_):
        value = int(value)
        if not I64_MIN <= value < U64_LIMIT:
            raise FFIError(f"integer {value} does not fit in 64 bits")
        return value
    if t is np.bool_:
        return bool(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return _array_arg(value, [], copy_back)
    if isinstance(value, tuple) and all(isinstance(d, int | np.integer) for d in value):
        return Shape(value)
    from .packed_func import PackedFunc, PythonFunc

    if isinstance(value, PackedFunc):
        return value
    if isinstance(value, _FUNCTION_TYPES):
        return PythonFunc(value)
    if hasattr(value, "__dlpack__") and not isinstance(value, type | Device):
        return from_dlpack(value)
    return value


def finish_copy_back(copy_back: CopyBack) -> None:
    """Copy arrays that were passed as copies back into the numpy arrays they came from."""
    for host, nd in copy_back:
        np.copyto(host, nd.numpy(), casting="unsafe")
