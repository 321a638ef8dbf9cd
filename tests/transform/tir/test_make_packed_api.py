"""MakePackedAPI: the packed signature, and argument checks that name the function, the
argument and expected versus actual. Compiled directly (the functions are already flat)."""

import ctypes
import subprocess
import sys

import numpy as np
import pytest

from loom.codegen.llvm import compile_module
from loom.codegen.target import Target
from loom.ffi import FFIError
from loom.ffi.abi import DLTensor, LoomValue, TypeCode
from loom.ffi.errors import error_from_native
from loom.ffi.jit_module import ObjectModule
from loom.ir import IRModule, PassError
from loom.ir.tir import PrimFunc
from loom.script import tir as T
from loom.transform.tir.make_packed_api import PACKED_PARAMS, MakePackedAPI


def packed(func: PrimFunc, name: str = "main") -> IRModule:
    return MakePackedAPI()(IRModule.from_functions({name: func}))


def compiled(func: PrimFunc, name: str = "main"):
    code = compile_module(packed(func, name), Target())
    return ObjectModule(code.object_code)[name]


@T.prim_func
def copy_rows(a: T.handle, b: T.handle, n: T.int32):
    T.func_attr({"tir.noalias": True})
    m = T.int32()
    A = T.match_buffer(a, (n, m), "float32")
    B = T.match_buffer(b, (m, 3), "float32")
    A_1 = T.decl_buffer((n * m,), data=A.data)
    B_1 = T.decl_buffer((m * 3,), data=B.data)
    for i in range(m):
        B_1[i * 3] = A_1[i]
        B_1[i * 3 + 1] = T.Cast("float32", n)
        B_1[i * 3 + 2] = T.Cast("float32", m)


def test_signature_and_attributes():
    func = packed(copy_rows)["main"]
    assert tuple(p.name_hint for p in func.params) == PACKED_PARAMS
    assert [str(p.dtype) for p in func.params] == ["handle"] * 2 + ["int32"] + ["handle"] * 3
    assert not func.buffer_map
    assert func.attrs["calling_conv"] == "packed"
    assert func.attrs["global_symbol"] == "main"
    assert func.attrs["tir.noalias"] is True


def test_wrapping_twice_changes_nothing():
    mod = packed(copy_rows)
    assert MakePackedAPI()(mod) is mod


def test_binds_symbolic_sizes_and_scalars():
    f = compiled(copy_rows)
    a = np.arange(8, dtype="float32").reshape(2, 4)
    b = np.zeros((4, 3), "float32")
    f(a, b, 2)
    np.testing.assert_array_equal(b[:, 0], a[0])
    np.testing.assert_array_equal(b[:, 1:], [[2, 4]] * 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.zeros((2, 4), "float32"), np.zeros((4, 3), "float32")),
         "main: expected 3 arguments (A, B, n) but got 2"),
        ((np.zeros((2, 4), "float32"), np.zeros((4, 3), "float32"), 2, 1),
         "main: expected 3 arguments (A, B, n) but got 4"),
        ((np.zeros(8, "float32"), np.zeros((4, 3), "float32"), 2),
         "main: argument A: ndim expected 2 but got 1"),
        ((np.zeros((2, 4), "int32"), np.zeros((4, 3), "float32"), 2),
         "main: argument A: dtype expected float32 but got int32"),
        ((np.zeros((2, 4), "float32"), np.zeros((4, 3), "bool"), 2),
         "main: argument B: dtype expected float32 but got bool"),
        ((np.zeros((2, 4), "float32"), np.zeros((5, 3), "float32"), 2),
         "main: argument B: shape[0] expected 4 (m) but got 5"),
        ((np.zeros((2, 4), "float32"), np.zeros((4, 2), "float32"), 2),
         "main: argument B: shape[1] expected 3 but got 2"),
        ((np.zeros((2, 4), "float32"), np.zeros((4, 3), "float32"), 3),
         "main: argument A: shape[0] expected 3 (n) but got 2"),
        ((np.zeros((2, 4), "float32"), 7, 2), "main: argument B: expected an array but got an int"),
        ((np.zeros((2, 4), "float32"), np.zeros((4, 3), "float32"), 2.5),
         "main: argument n: expected an integer (int32) but got a float"),
        ((np.zeros((2, 4), "float32"), np.zeros((4, 3), "float32"), 2**40),
         "main: argument n: 1099511627776 does not fit in int32"),
        ((np.zeros((2, 8), "float32")[:, ::2], np.zeros((4, 3), "float32"), 2),
         "main: argument A: expected a compact (row-major) array but strides[0] is 8 (expected 4)"),
    ],
)  # fmt: skip
def test_bad_arguments_name_the_parameter(args, message):
    f = compiled(copy_rows)
    with pytest.raises(FFIError) as info:
        f(*args)
    assert info.value.message == message


@T.prim_func
def row_view(a: T.handle, b: T.handle):
    n = T.int32()
    s = T.int32()
    off = T.int32()
    A = T.match_buffer(a, (n, 4), "float32", strides=(s, 1), elem_offset=off, offset_factor=2)
    B = T.match_buffer(b, (n, 2), "int32")
    A_1 = T.decl_buffer((off + n * s,), data=A.data)
    B_1 = T.decl_buffer((n * 2,), "int32", data=B.data)
    for i in range(n):
        B_1[i * 2] = T.Cast("int32", A_1[off + i * s + 3])
        B_1[i * 2 + 1] = s


def test_declared_strides_bind_from_the_array():
    f = compiled(row_view)
    base = np.arange(60, dtype="float32")
    a = base.reshape(6, 10)[:, :4]  # row stride 10
    b = np.zeros((6, 2), "int32")
    f(a, b)
    np.testing.assert_array_equal(b[:, 0], a[:, 3])
    np.testing.assert_array_equal(b[:, 1], 10)


@T.prim_func
def fixed(A: T.Buffer((4,), "float64"), x: T.float32, flag: T.bool, u: T.uint64):
    A[0] = T.Cast("float64", x)
    A[1] = T.Select(flag, T.float64(1), T.float64(-1))
    A[2] = T.Cast("float64", u)
    A[3] = T.float64(0)


def test_scalar_params_convert_like_the_interpreter():
    f = compiled(fixed)
    a = np.zeros(4)
    f(a, 3, True, 2**64 - 1)
    np.testing.assert_array_equal(a, [3, 1, 2.0**64, 0])
    f(a, 0.5, False, 5)
    np.testing.assert_array_equal(a, [0.5, -1, 5, 0])
    with pytest.raises(FFIError, match="main: argument u: -1 does not fit in uint64"):
        f(a, 0.5, False, -1)
    with pytest.raises(FFIError, match="main: argument flag: expected a bool but got a float"):
        f(a, 0.5, 1.0, 1)


# Raw calls: DLTensors that no numpy array can produce -----------------------------------------


def raw_call(func, tensors):
    """Call a compiled function with hand-made DLTensors, bypassing the Python conversion."""
    n = len(tensors)
    args, codes = (LoomValue * n)(), (ctypes.c_int32 * n)()
    for k, tensor in enumerate(tensors):
        args[k].v_handle = ctypes.addressof(tensor) if tensor is not None else None
        codes[k] = int(TypeCode.DLTENSOR)
    ret, ret_code = LoomValue(), ctypes.c_int32(int(TypeCode.NULL))
    rc = func._fn(ctypes.addressof(args), ctypes.addressof(codes), n, ctypes.addressof(ret),
                  ctypes.addressof(ret_code), func.resource_handle)  # fmt: skip
    if rc != 0:
        raise error_from_native(func.name, rc)


@T.prim_func
def one(A: T.Buffer((4,), "float32")):
    A[0] = T.float32(1)


def tensor_of(array: np.ndarray, **changes) -> DLTensor:
    """A DLTensor describing a compact float32 numpy array, with some fields changed."""
    shape = (ctypes.c_int64 * array.ndim)(*array.shape)
    t = DLTensor()
    t.data = array.ctypes.data
    t.device.device_type, t.device.device_id = 1, 0
    t.ndim = array.ndim
    t.dtype.code, t.dtype.bits, t.dtype.lanes = 2, 32, 1
    t.shape = shape
    t.byte_offset = 0
    for key, value in changes.items():
        setattr(t, key, value)
    t._keep = (array, shape)
    return t


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"byte_offset": 2}, "main: argument A: data address"),
        ({"data": None}, "main: argument A: NULL data pointer"),
        ({"shape": None}, "main: argument A: NULL shape pointer"),
    ],
)
def test_pointer_checks_run_before_memory_is_touched(changes, message):
    f = compiled(one)
    a = np.zeros(4, "float32")
    with pytest.raises(FFIError, match=message):
        raw_call(f, [tensor_of(a, **changes)])
    assert a[0] == 0


def test_device_lanes_and_null_tensor_are_refused():
    f = compiled(one)
    a = np.zeros(4, "float32")
    t = tensor_of(a)
    t.device.device_type = 2
    with pytest.raises(FFIError, match="main: argument A: device expected cpu but got cuda"):
        raw_call(f, [t])
    t = tensor_of(a)
    t.dtype.lanes = 4
    with pytest.raises(FFIError, match="main: argument A: dtype expected float32 but got 4 lanes"):
        raw_call(f, [t])
    with pytest.raises(FFIError, match="main: argument A: NULL DLTensor pointer"):
        raw_call(f, [None])


def test_misaligned_data_is_refused_not_dereferenced():
    # A float32 array starting 2 bytes into its allocation: numpy makes it, the ABI can carry
    # it, and the kernel must not touch it. Run in a child so that a bug cannot take the suite
    # down with it.
    script = """
import ctypes, sys, numpy as np
sys.path.insert(0, {path!r})
from test_make_packed_api import compiled, one, raw_call, tensor_of
from loom.ffi import FFIError
a = np.zeros(4, "float32")
t = tensor_of(a)
t.data = t.data + 2
try:
    raw_call(compiled(one), [t])
except FFIError as err:
    print(err.message)
"""
    from pathlib import Path

    out = subprocess.run(
        [sys.executable, "-c", script.format(path=str(Path(__file__).parent))],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "main: argument A: data address" in out.stdout
    assert "is not aligned to 4 bytes" in out.stdout


@T.prim_func
def hidden(a: T.handle):
    n = T.int32()
    A = T.match_buffer(a, (n + 1,), "float32")
    A_1 = T.decl_buffer((n + 1,), data=A.data)
    A_1[0] = T.float32(0)


def test_a_variable_no_argument_binds_is_a_pass_error():
    with pytest.raises(PassError, match="variable n cannot be bound from the arguments"):
        packed(hidden)


@T.prim_func
def aligned(A: T.Buffer((4,), "float32", align=64)):
    A[0] = T.float32(1)


def test_declared_alignment_is_checked_on_request():
    base = np.zeros(64, "float32")
    start = (-base.ctypes.data % 64) // 4  # the first 64-byte aligned element
    good, bad = base[start : start + 4], base[start + 1 : start + 5]
    compiled(aligned)(bad)  # element alignment is all that is required by default
    mod = MakePackedAPI(check_declared_alignment=True)(IRModule.from_functions({"main": aligned}))
    f = ObjectModule(compile_module(mod, Target()).object_code)["main"]
    f(good)
    with pytest.raises(FFIError, match=r"main: argument A: data address \d+ is not aligned to 64"):
        f(bad)
