import ml_dtypes
import numpy as np
import pytest

import loom
from loom.ffi import ALIGNMENT, FFIError, NDArray, array, empty
from loom.ir import dtype

DTYPES = ["float32", "float64", "float16", "bfloat16", "int8", "int32", "int64", "uint8", "bool"]


@pytest.mark.parametrize("name", DTYPES)
def test_empty_is_aligned_with_shape_and_dtype(name):
    a = empty((3, 5), name)
    assert a.shape == (3, 5)
    assert a.dtype == dtype(name)
    assert a.device == loom.cpu()
    assert a.strides is None
    assert a.is_contiguous
    assert a.byte_offset == 0
    assert a.data_ptr % ALIGNMENT == 0
    assert a.numpy().dtype == dtype(name).numpy
    assert a.nbytes == 15 * dtype(name).bytes


@pytest.mark.parametrize("name", DTYPES)
def test_numpy_round_trip(name):
    rng = np.random.default_rng(0)
    host = (rng.standard_normal((4, 7)) * 10).astype(dtype(name).numpy)
    a = array(host)
    assert a.dtype == dtype(name)
    assert a.data_ptr % ALIGNMENT == 0
    np.testing.assert_array_equal(a.numpy(), host)
    assert not np.shares_memory(a.numpy(), host)  # array() copies


def test_bfloat16_bits_survive():
    host = np.array([1.5, -2.25, 3e38, np.inf], dtype=ml_dtypes.bfloat16)
    back = array(host).numpy()
    assert back.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(back.view(np.uint16), host.view(np.uint16))


def test_numpy_is_a_zero_copy_view_on_cpu():
    a = array(np.zeros((2, 3), np.float32))
    view = a.numpy()
    view[1, 2] = 5.0
    assert a.numpy()[1, 2] == 5.0
    assert view.ctypes.data == a.data_ptr
    del a
    view[0, 0] = 1.0  # the view keeps the memory alive
    assert view.sum() == 6.0


def test_zero_size_and_scalar_arrays():
    z = empty((0, 4), "float32")
    assert z.size == 0
    assert z.numpy().shape == (0, 4)
    assert z.data_ptr % ALIGNMENT == 0
    s = array(np.float32(2.5))
    assert s.shape == ()
    assert s.numpy()[()] == 2.5


def test_array_from_lists_scalars_and_byte_swapped():
    assert array([[1, 2], [3, 4]], dtype="int32").numpy().tolist() == [[1, 2], [3, 4]]
    swapped = np.arange(4, dtype=">f4")
    a = array(swapped)
    assert a.dtype == dtype("float32")
    np.testing.assert_array_equal(a.numpy(), swapped)


def test_copyfrom_and_copyto():
    a = empty((2, 2), "int64")
    assert a.copyfrom(np.array([[1, 2], [3, 4]])) is a
    assert a.numpy().tolist() == [[1, 2], [3, 4]]
    b = a.copyto(loom.cpu())
    assert b is not a
    assert b.numpy().tolist() == [[1, 2], [3, 4]]
    c = empty((2, 2), "int64")
    assert a.copyto(c) is c
    assert c.numpy().tolist() == [[1, 2], [3, 4]]
    a.copyfrom([[0, 0], [0, 7]])
    assert a.numpy()[1, 1] == 7


def test_copyfrom_rejects_mismatches():
    a = empty((2, 2), "float32")
    with pytest.raises(FFIError, match=r"shape \(3,\) and dtype float32 into an NDArray of shape"):
        a.copyfrom(np.zeros(3, np.float32))
    with pytest.raises(FFIError, match="dtype float64"):
        a.copyfrom(np.zeros((2, 2)))


def test_bad_shapes_and_dtypes():
    with pytest.raises(FFIError, match="invalid array shape"):
        empty((2, -1))
    with pytest.raises(FFIError, match="unsupported array dtype"):
        empty((2,), "complex64")
    with pytest.raises(FFIError, match="scalar numeric or bool"):
        empty((2,), "float32x4")
    with pytest.raises(FFIError, match="unsupported array dtype"):
        array(np.array(["a"], dtype=object))
    with pytest.raises(FFIError, match="cannot allocate"):
        empty((2,), "float32", loom.Device(7, 0))
    with pytest.raises(FFIError, match="make NDArrays with"):
        NDArray()


def test_dltensor_matches_the_array():
    a = array(np.arange(6, dtype=np.int16).reshape(2, 3))
    t = a.dltensor
    assert t.data == a.data_ptr
    assert t.ndim == 2
    assert not t.strides
    assert [t.shape[0], t.shape[1]] == [2, 3]
    assert (t.dtype.code, t.dtype.bits, t.dtype.lanes) == (0, 16, 1)
    assert (t.device.device_type, t.device.device_id) == (1, 0)
    b = NDArray.from_dltensor(a.handle, owner=a)
    assert b.shape == (2, 3)
    assert b.data_ptr == a.data_ptr
    np.testing.assert_array_equal(b.numpy(), a.numpy())


def test_repr():
    assert repr(array(np.zeros(2, np.float32))).startswith(
        "NDArray(shape=(2,), dtype=float32, device=cpu(0))"
    )
