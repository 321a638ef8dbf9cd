"""NDArrays in GPU memory (cuda-python's driver API); skipped without a CUDA device."""

import numpy as np
import pytest

import loom
from loom.ffi import FFIError, array, empty, from_dlpack

HAS_GPU = loom.cuda(0).exists


@pytest.mark.skipif(HAS_GPU, reason="checks the error raised without CUDA")
def test_cuda_allocation_without_cuda_raises():
    with pytest.raises(FFIError, match=r"CUDA is unavailable|does not exist"):
        empty((4,), "float32", loom.cuda(0))


requires_gpu = pytest.mark.skipif(not HAS_GPU, reason="needs a CUDA GPU and cuda-python")


@pytest.mark.gpu
@requires_gpu
@pytest.mark.parametrize("name", ["float32", "bfloat16", "int8", "bool"])
def test_round_trip_through_gpu_memory(name):
    host = (np.arange(24) % 5).astype(loom.ir.dtype(name).numpy).reshape(4, 6)
    a = array(host, device=loom.cuda(0))
    assert a.device == loom.cuda(0)
    assert a.data_ptr % 256 == 0
    np.testing.assert_array_equal(a.numpy(), host)
    b = a.copyto(loom.cuda(0))
    assert b.data_ptr != a.data_ptr
    np.testing.assert_array_equal(b.copyto(loom.cpu()).numpy(), host)


@pytest.mark.gpu
@requires_gpu
def test_gpu_dlpack_device_and_copy_to_host_export():
    a = array(np.ones(3, np.float32), device=loom.cuda(0))
    assert a.__dlpack_device__() == (2, 0)
    host = np.from_dlpack(a, device="cpu", copy=True)
    assert host.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.gpu
@requires_gpu
def test_gpu_dlpack_with_torch():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("this PyTorch build has no CUDA")
    t = torch.arange(6, dtype=torch.float32, device="cuda")
    a = from_dlpack(t)
    assert a.device == loom.cuda(0)
    assert a.data_ptr + a.byte_offset == t.data_ptr()
    back = torch.from_dlpack(a)
    back[0] = 100.0
    assert t[0].item() == 100.0
