"""Python -> C -> Python through the packed ABI, with a C library built by the system compiler."""

import ctypes
import subprocess
import threading

import numpy as np
import pytest

import loom
from loom.ffi import (
    FFIError,
    NDArray,
    PythonFunc,
    Shape,
    abi,
    array,
    empty,
    register_func,
    remove_global_func,
)
from loom.ffi.handles import owned_count
from loom.ir import dtype


def test_header_layout_matches_ctypes(build_c):
    exe = build_c("layout.c", "layout", kind="exe")
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    c_layout = dict(line.rsplit(" ", 1) for line in out.splitlines())
    mirror = {
        "LoomValue": abi.LoomValue,
        "DLDevice": abi.DLDevice,
        "DLDataType": abi.DLDataType,
        "DLTensor": abi.DLTensor,
        "LoomFunc": abi.LoomFunc,
        "LoomObject": abi.LoomObject,
        "LoomShape": abi.LoomShape,
    }
    for key, value in c_layout.items():
        struct, _, field = key.partition(".")
        ours = getattr(mirror[struct], field).offset if field else ctypes.sizeof(mirror[struct])
        assert ours == int(value), key


def test_add_two_float32_tensors(kernels):
    a = array(np.arange(12, dtype=np.float32).reshape(3, 4))
    b = array(np.full((3, 4), 0.5, np.float32))
    c = empty((3, 4), "float32")
    assert kernels["add_f32"](a, b, c) is None
    np.testing.assert_array_equal(c.numpy(), a.numpy() + b.numpy())


def test_numpy_arguments_are_passed_zero_copy(kernels):
    a = np.arange(6, dtype=np.float32)
    out = np.zeros(6, np.float32)
    kernels["add_f32"](a, a, out)
    np.testing.assert_array_equal(out, 2 * a)


def test_misaligned_numpy_output_is_copied_back(kernels):
    raw = np.zeros(6 * 4 + 2, np.uint8)
    out = raw[2:].view(np.float32)
    a = np.ones(6, np.float32)
    kernels["add_f32"](a, a, out)
    assert out.tolist() == [2.0] * 6


def test_errors_reported_by_c_become_ffi_errors(kernels):
    with pytest.raises(FFIError) as info:
        kernels["fail"]()
    assert info.value.message == "fail: this kernel always fails"
    assert isinstance(info.value, loom.LoomError)
    assert str(info.value) == "error: fail: this kernel always fails"
    with pytest.raises(FFIError) as info:
        kernels["fail"]("custom message from the caller")
    assert info.value.message == "custom message from the caller"
    a = array(np.zeros(2, np.float32))
    with pytest.raises(FFIError, match="add_f32: argument 1 must be a tensor, got type code 0"):
        kernels["add_f32"](a, 1, a)
    with pytest.raises(FFIError, match="add_f32: argument 2 must be float32"):
        kernels["add_f32"](a, a, array(np.zeros(2, np.int32)))
    with pytest.raises(FFIError, match="add_f32: expected 3 arguments, got 2"):
        kernels["add_f32"](a, a)
    with pytest.raises(FFIError, match="add_f32: argument 1 differs in dim 0"):
        kernels["add_f32"](a, array(np.zeros(3, np.float32)), a)


def test_arguments_python_cannot_pack(kernels):
    with pytest.raises(FFIError, match=r"argument 0 of echo: integer 36893488147419103232"):
        kernels["echo"](2**65)
    with pytest.raises(FFIError, match="argument 1 of echo: unsupported array dtype"):
        kernels["echo"](1, np.array(["x"], dtype=object))
    with pytest.raises(FFIError, match=r"argument 0 of echo: string 'a\\x00b' contains a NUL"):
        kernels["echo"]("a\0b")
    with pytest.raises(FFIError, match="argument 0 of echo: UnicodeEncodeError"):
        kernels["echo"]("\ud800")


@pytest.fixture
def py_funcs():
    names = []

    def register(name, f):
        register_func(name, f)
        names.append(name)

    yield register
    for name in names:
        remove_global_func(name)


def test_callback_into_python_through_call_packed(kernels, py_funcs):
    seen = []

    def scale(x, factor, label):
        seen.append((type(x), factor, label))
        out = empty(x.shape, x.dtype)
        out.copyfrom(x.numpy() * factor)
        return out

    py_funcs("test.cabi.scale", scale)
    x = array(np.arange(4, dtype=np.float32))
    y = kernels["call_global"]("test.cabi.scale", x, 3.0, "tag")
    assert seen == [(NDArray, 3.0, "tag")]
    assert isinstance(y, NDArray)
    assert y.numpy().tolist() == [0.0, 3.0, 6.0, 9.0]
    assert owned_count(y.handle) == 0  # the result's reference came back to Python


def test_callback_arguments_keep_identity(kernels, py_funcs):
    py_funcs("test.cabi.identity", lambda *args: args)
    x = array(np.zeros(2, np.float32))
    marker = object()
    got = []
    py_funcs("test.cabi.collect", lambda *args: got.extend(args))
    kernels["call_global"]("test.cabi.collect", x, marker, (1, 2), None, True, "s", 2**63)
    assert got[0] is x
    assert got[1] is marker
    assert got[2] == Shape((1, 2))
    assert got[3] is None
    assert got[4] is True
    assert got[5] == "s"
    assert got[6] == 2**63


@pytest.mark.parametrize(
    "value",
    [7, -1, 2**64 - 1, 2.5, True, None, "text", Shape((3, 4)), loom.cuda(2), dtype("float16")],
)
def test_python_results_to_c_and_back(kernels, py_funcs, value):
    py_funcs("test.cabi.const", lambda: value)
    assert kernels["call_global"]("test.cabi.const") == value


def test_python_errors_travel_through_c(kernels, py_funcs):
    def broken(x):
        raise ValueError(f"bad value {x}")

    py_funcs("test.cabi.broken", broken)
    with pytest.raises(FFIError) as info:
        kernels["call_global"]("test.cabi.broken", 5)
    assert info.value.message == "ValueError: bad value 5"
    assert isinstance(info.value.__cause__, ValueError)
    with pytest.raises(FFIError, match=r"no global function named 'test\.cabi\.absent'"):
        kernels["call_global"]("test.cabi.absent")


def test_keyboard_interrupt_is_not_swallowed(kernels, py_funcs):
    def interrupt():
        raise KeyboardInterrupt

    py_funcs("test.cabi.interrupt", interrupt)
    with pytest.raises(KeyboardInterrupt):
        kernels["call_global"]("test.cabi.interrupt")


def test_function_handles(kernels, py_funcs):
    assert kernels["call_handle"](lambda a, b: a * b, 6, 7) == 42
    assert kernels["call_handle"](kernels["renamed"], 21) == 42  # native to native
    py_funcs("test.cabi.neg", lambda v: -v)
    assert kernels["call_by_lookup"]("test.cabi.neg", 5) == -5
    with pytest.raises(FFIError, match=r"no global function named 'test\.cabi\.nope'"):
        kernels["call_by_lookup"]("test.cabi.nope")


def test_echo_returns_handles_by_identity(kernels):
    x = array(np.zeros(2, np.float32))
    f = PythonFunc(lambda: 1)
    marker = object()
    for value in (x, f, marker, kernels):
        assert kernels["echo"](value) is value
    assert owned_count(x.handle) == 0
    assert owned_count(f.handle) == 0
    assert kernels["echo"](ctypes.c_void_p(99)).value == 99
    assert kernels["echo"](float("inf")) == float("inf")


def test_shapes_strings_and_native_tensors(kernels):
    assert kernels["shape_sum"]((2, 3, 4)) == 9
    assert kernels["shape_sum"](Shape(())) == 0
    assert kernels["static_str"]() == "hello from C"
    t = kernels["static_tensor"]()
    assert t.dtype == dtype("int32")
    assert t.numpy().tolist() == [[1, 2], [3, 4]]
    assert kernels["static_tensor"]().data_ptr != t.data_ptr  # copied out of C's memory


def test_module_context_and_renamed_symbols(kernels):
    assert kernels["renamed"](4) == 8
    assert kernels["renamed"](1.25) == 2.5
    assert kernels["module_call"]("renamed", 10) == 20
    with pytest.raises(FFIError, match="no such function"):
        kernels["module_call"]("absent")


def test_nested_python_c_python_c(kernels, py_funcs):
    def via_c(x, y):
        out = empty(x.shape, "float32")
        kernels["add_f32"](x, y, out)
        return out

    py_funcs("test.cabi.via_c", via_c)
    x = array(np.ones(3, np.float32))
    assert kernels["call_global"]("test.cabi.via_c", x, x).numpy().tolist() == [2.0] * 3


def test_concurrent_calls_from_threads(kernels, py_funcs):
    py_funcs("test.cabi.twice", lambda v: 2 * v)
    errors = []

    def work(seed):
        try:
            a = array(np.full(64, seed, np.float32))
            c = empty(64, "float32")
            for _ in range(200):
                kernels["add_f32"](a, a, c)
                assert kernels["call_global"]("test.cabi.twice", seed) == 2 * seed
            assert c.numpy().tolist() == [2.0 * seed] * 64
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_runtime_symbols_are_stable_addresses():
    symbols = loom.ffi.runtime_symbols()
    assert set(symbols) == {
        "LoomSetLastError",
        "LoomCallPacked",
        "LoomGetGlobalFunc",
        "LoomFuncCall",
        "LoomModuleGetFunction",
        "LoomObjectRetain",
        "LoomObjectFree",
    }
    assert all(isinstance(a, int) and a for a in symbols.values())
    assert loom.ffi.runtime_symbols() == symbols
