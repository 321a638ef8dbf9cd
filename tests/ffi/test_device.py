import pytest

import loom
from loom.ffi import Device, FFIError, device


def test_constructors_and_fields():
    assert loom.cpu() == Device(1, 0)
    assert loom.cuda(1) == Device(2, 1)
    assert (loom.cuda(3).device_type, loom.cuda(3).device_id) == (2, 3)
    assert loom.cpu().is_cpu
    assert loom.cuda().is_cuda


def test_str_repr_equality_hash():
    assert str(loom.cpu()) == "cpu(0)"
    assert str(loom.cuda(2)) == "cuda(2)"
    assert repr(loom.cuda(2)) == "loom.cuda(2)"
    assert loom.cuda(1) != loom.cuda(0)
    assert loom.cuda(0) != loom.cpu()
    assert len({loom.cpu(), loom.cpu(), loom.cuda(0), Device(2, 0)}) == 2
    assert loom.cpu().__dlpack_device__() == (1, 0)


def test_parse_spellings():
    assert device("cpu") == loom.cpu()
    assert device("cuda:1") == loom.cuda(1)
    assert device("cuda(2)") == loom.cuda(2)
    assert device(loom.cuda(0)) is not None
    with pytest.raises(FFIError, match="unknown device 'tpu'"):
        device("tpu")


def test_invalid_device_rejected():
    with pytest.raises(FFIError, match="invalid device"):
        Device(0, 0)
    with pytest.raises(FFIError, match="invalid device"):
        loom.cuda(-1)


def test_exists():
    assert loom.cpu().exists
    assert not Device(7, 0).exists
    # Without cuda-python (or a GPU) a CUDA device is absent rather than an error.
    assert loom.cuda(10_000).exists is False
