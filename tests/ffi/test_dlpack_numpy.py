import gc

import ml_dtypes
import numpy as np
import pytest

from loom.ffi import FFIError, array, from_dlpack
from loom.ffi.dlpack import _exports


class Producer:
    """Forwards the DLPack protocol of a numpy array, optionally hiding DLPack 1.0 support."""

    def __init__(self, host, legacy=False):
        self.host, self.legacy = host, legacy

    def __dlpack_device__(self):
        return self.host.__dlpack_device__()

    def __dlpack__(self, **kwargs):
        if self.legacy:
            if kwargs:
                raise TypeError("legacy producer takes no keywords")
            return self.host.__dlpack__()
        return self.host.__dlpack__(**kwargs)


def test_numpy_consumes_ndarray_zero_copy():
    a = array(np.arange(12, dtype=np.float32).reshape(3, 4))
    host = np.from_dlpack(a)
    assert host.ctypes.data == a.data_ptr
    host[2, 3] = -1.0
    assert a.numpy()[2, 3] == -1.0
    a.numpy()[0, 0] = 42.0
    assert host[0, 0] == 42.0


def test_export_keeps_the_array_alive():
    a = array(np.arange(4, dtype=np.int32))
    host = np.from_dlpack(a)
    del a
    gc.collect()
    assert host.tolist() == [0, 1, 2, 3]
    del host
    gc.collect()
    assert not _exports  # the deleter ran when numpy let go


def test_unconsumed_capsule_frees_its_tensor():
    a = array(np.zeros(3, np.float32))
    capsule = a.__dlpack__(max_version=(1, 0))
    assert _exports
    del capsule
    gc.collect()
    assert not _exports


def test_from_dlpack_numpy_is_zero_copy_and_keeps_producer_alive():
    host = np.arange(6, dtype=np.float64).reshape(2, 3)
    a = from_dlpack(host)
    assert a.data_ptr == host.ctypes.data
    assert a.shape == (2, 3)
    host[1, 1] = 100.0
    assert a.numpy()[1, 1] == 100.0
    a.numpy()[0, 2] = -5.0
    assert host[0, 2] == -5.0
    del host
    gc.collect()
    assert a.numpy()[1, 1] == 100.0


@pytest.mark.parametrize("legacy", [False, True])
def test_capsule_protocol_with_numpy_producer(legacy):
    host = np.arange(8, dtype=np.int16).reshape(2, 4)[:, ::2]  # strided
    a = from_dlpack(Producer(host, legacy))
    assert a.shape == (2, 2)
    assert a.strides == (4, 2)
    assert a.data_ptr + a.byte_offset == host.ctypes.data
    host[1, 1] = 99
    assert a.numpy()[1, 1] == 99
    del host
    gc.collect()
    assert a.numpy().tolist() == [[0, 2], [4, 99]]


def test_read_only_flag_travels():
    host = np.arange(3, dtype=np.float32)
    host.flags.writeable = False
    a = from_dlpack(Producer(host))
    assert a.read_only
    assert not a.numpy().flags.writeable
    with pytest.raises(FFIError, match="read-only"):
        a.copyfrom(np.zeros(3, np.float32))


def test_bfloat16_from_numpy_and_back():
    host = np.array([1.0, 2.5, -3.0], dtype=ml_dtypes.bfloat16)
    a = from_dlpack(host)  # numpy's own DLPack refuses bfloat16; Loom wraps it directly
    assert str(a.dtype) == "bfloat16"
    assert a.data_ptr == host.ctypes.data
    a.numpy()[0] = 7.0
    assert host[0] == 7.0


def test_strided_ndarray_exports_its_strides():
    host = np.arange(20, dtype=np.float32).reshape(4, 5)
    view = from_dlpack(host[::2, 1:4])
    assert view.strides == (10, 1)
    back = np.from_dlpack(view)
    np.testing.assert_array_equal(back, host[::2, 1:4])
    assert np.shares_memory(back, host)


def test_consumed_capsule_and_non_producers_are_rejected():
    capsule = array(np.zeros(2, np.float32)).__dlpack__()
    from_dlpack(capsule)
    with pytest.raises(FFIError, match="already consumed"):
        from_dlpack(capsule)
    with pytest.raises(FFIError, match="does not support DLPack"):
        from_dlpack([1, 2, 3])


def test_export_to_another_device_is_refused():
    a = array(np.zeros(2, np.float32))
    with pytest.raises(BufferError, match="cannot export"):
        a.__dlpack__(dl_device=(2, 0))
    copy = np.from_dlpack(a, copy=True)
    copy[0] = 1.0
    assert a.numpy()[0] == 0.0
