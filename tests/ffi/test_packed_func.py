"""Python-to-Python packed calls: arguments arrive normalized, as native callers pass them."""

import ctypes

import numpy as np
import pytest

import loom
from loom.ffi import (
    FFIError,
    FunctionModule,
    NDArray,
    PackedFunc,
    PythonFunc,
    Shape,
    array,
    get_global_func,
    register_func,
    remove_global_func,
)
from loom.ir import dtype


@pytest.fixture(scope="module")
def echo():
    register_func("test.pf.echo", lambda *args: args[0] if len(args) == 1 else list(args))
    yield get_global_func("test.pf.echo")
    remove_global_func("test.pf.echo")


def test_every_argument_kind_through_the_registry(echo):
    nd = array(np.arange(3, dtype=np.float32))
    handle = ctypes.c_void_p(1234)
    marker = object()
    callee = PythonFunc(lambda x: x + 1)
    assert echo(nd) is nd
    assert echo(7) == 7
    assert type(echo(7)) is int
    assert echo(2**64 - 1) == 2**64 - 1
    assert echo(-(2**63)) == -(2**63)
    assert echo(1.5) == 1.5
    assert echo(True) is True
    assert echo(np.bool_(False)) is False
    assert echo(np.int16(5)) == 5
    assert type(echo(np.int16(5))) is int
    assert type(echo(np.float32(0.5))) is float
    assert echo("héllo") == "héllo"
    assert echo(None) is None
    assert echo(Shape((2, 3))) == (2, 3)
    assert isinstance(echo((2, 3)), Shape)  # a tuple of ints is a shape
    assert echo(dtype("bfloat16")) == dtype("bfloat16")
    assert echo(loom.cuda(1)) == loom.cuda(1)
    assert echo(handle) is handle
    assert echo(callee) is callee
    assert echo(callee)(1) == 2
    assert echo(marker) is marker  # opaque objects pass through untouched
    assert echo([1, 2]) == [1, 2]


def test_numpy_arguments_become_ndarray_views(echo):
    host = np.arange(4, dtype=np.int32)
    out = echo(host)
    assert isinstance(out, NDArray)
    assert out.data_ptr == host.ctypes.data


def test_misaligned_numpy_is_copied_in_and_back():
    raw = np.zeros(4 * 4 + 1, np.uint8)
    host = raw[1:].view(np.float32)  # address not a multiple of 4
    assert host.ctypes.data % 4

    def fill(x):
        assert x.data_ptr % loom.ffi.ALIGNMENT == 0
        x.copyfrom(np.full(4, 2.5, np.float32))

    PythonFunc(fill)(host)
    assert host.tolist() == [2.5] * 4


def test_python_callables_are_wrapped():
    apply = PythonFunc(lambda f, x: f(x))
    assert apply(lambda v: v * 3, 5) == 15

    def compose(f):
        assert isinstance(f, PackedFunc)
        return f

    assert isinstance(PythonFunc(compose)(abs), PackedFunc)


def test_results_are_normalized():
    assert isinstance(PythonFunc(lambda: np.ones(2))(), NDArray)
    assert isinstance(PythonFunc(lambda: (1, 2))(), Shape)
    assert PythonFunc(lambda: np.int64(3))() == 3


def test_exceptions_propagate_unchanged():
    def boom():
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        PythonFunc(boom)()


def test_bad_arguments(echo):
    with pytest.raises(FFIError, match="does not fit in 64 bits"):
        echo(2**64)
    with pytest.raises(FFIError, match="unsupported array dtype"):
        echo(np.array([1 + 2j]))
    with pytest.raises(FFIError, match="non-callable"):
        PythonFunc(3)


def test_function_module():
    mod = FunctionModule({"double": lambda x: 2 * x})
    assert mod["double"](4) == 8
    assert "double" in mod
    assert "triple" not in mod
    assert mod.function_names() == ["double"]
    with pytest.raises(FFIError, match=r"no function 'triple' \(it has: 'double'\)"):
        mod["triple"]
    with pytest.raises(FFIError, match="cannot be saved"):
        mod.save("/tmp/never.so")
    other = FunctionModule({"triple": lambda x: 3 * x})
    mod.import_module(other)
    assert mod["triple"](2) == 6
    assert mod.get_function("triple", query_imports=False) is None
    with pytest.raises(FFIError, match="cycle"):
        other.import_module(mod)
