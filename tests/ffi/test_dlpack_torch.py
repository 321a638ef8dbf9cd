import gc

import numpy as np
import pytest

from loom.ffi import array, from_dlpack

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(
    ("tdtype", "name"),
    [
        ("float32", "float32"),
        ("float16", "float16"),
        ("bfloat16", "bfloat16"),
        ("int64", "int64"),
        ("uint8", "uint8"),
        ("bool", "bool"),
    ],
)
def test_torch_to_loom_zero_copy(tdtype, name):
    t = torch.zeros((3, 4), dtype=getattr(torch, tdtype))
    a = from_dlpack(t)
    assert str(a.dtype) == name
    assert a.shape == (3, 4)
    assert a.data_ptr + a.byte_offset == t.data_ptr()
    t[1, 2] = 1
    assert bool(a.numpy()[1, 2])


def test_torch_tensor_kept_alive_by_loom():
    t = torch.arange(10, dtype=torch.float32)
    a = from_dlpack(t[2:8:2])
    assert a.shape == (3,)
    assert a.strides == (2,)
    del t
    gc.collect()
    assert a.numpy().tolist() == [2.0, 4.0, 6.0]


def test_loom_to_torch_zero_copy_both_ways():
    a = array(np.arange(6, dtype=np.float32).reshape(2, 3))
    t = torch.from_dlpack(a)
    assert t.data_ptr() == a.data_ptr
    assert tuple(t.shape) == (2, 3)
    t[0, 0] = 50.0
    assert a.numpy()[0, 0] == 50.0
    a.numpy()[1, 2] = -1.0
    assert t[1, 2].item() == -1.0
    del a
    gc.collect()
    assert t.sum().item() == 50.0 + 1 + 2 + 3 + 4 - 1


def test_bfloat16_loom_to_torch():
    a = from_dlpack(torch.tensor([1.5, -2.0], dtype=torch.bfloat16))
    t = torch.from_dlpack(a)
    assert t.dtype == torch.bfloat16
    assert t.tolist() == [1.5, -2.0]
