"""Memory builtins from bytecode: storage blocks, tensors viewing them (aliasing as planned),
direct allocation, and the errors for bad sizes, offsets and devices."""

import numpy as np
import pytest

import loom
from loom.ffi import NDArray, Shape
from loom.vm import ExecutableBuilder, Storage, VirtualMachine, VMError
from loom.vm.builtins.memory import alloc_storage, alloc_tensor


def storage_program():
    """main() -> (storage, a: f32[2, 4] at 0, b: f32[8] at 0, c: i32[4] at 16)."""
    b = ExecutableBuilder()
    f = b.function("main", [])
    s = f.builtin("alloc_storage", Shape((64,)), 0, "float32", "global")
    t1 = f.builtin("alloc_tensor", s, 0, Shape((2, 4)), "float32")
    t2 = f.builtin("alloc_tensor", s, 0, Shape((8,)), "float32")
    t3 = f.builtin("alloc_tensor", s, 16, Shape((4,)), "int32")
    f.ret(f.builtin("make_tuple", s, t1, t2, t3))
    return VirtualMachine(b.build(), loom.cpu())


def test_tensors_alias_their_storage():
    storage, a, b, c = storage_program()["main"]()
    assert isinstance(storage, Storage)
    assert storage.nbytes == 64
    assert (a.shape, str(a.dtype), c.shape, str(c.dtype)) == ((2, 4), "float32", (4,), "int32")
    assert a.data_ptr % 64 == 0
    a.numpy()[:] = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_array_equal(b.numpy(), np.arange(8, dtype="float32"))  # same bytes
    c.numpy()[:] = [1, 2, 3, 4]
    np.testing.assert_array_equal(  # c covers a's second row
        a.numpy()[1].view("int32"), np.array([1, 2, 3, 4], "int32")
    )
    assert c.data_ptr == a.data_ptr + 16


def test_views_keep_the_storage_alive():
    _, a, _, _ = storage_program()["main"]()
    a.numpy()[:] = 7.0  # the tuple (and the storage) is gone; a still owns it
    assert a.numpy().sum() == 56.0


def test_alloc_tensor_direct():
    b = ExecutableBuilder()
    f = b.function("main", ["x"])
    out = f.builtin("alloc_tensor_direct", f.builtin("shape_of", f.params[0]), "float16", 0)
    f.ret(out)
    out = VirtualMachine(b.build(), loom.cpu())["main"](np.zeros((3, 5), "float32"))
    assert isinstance(out, NDArray)
    assert out.shape == (3, 5)
    assert str(out.dtype) == "float16"
    assert out.data_ptr % 64 == 0


def test_memory_errors():
    devices = (loom.cpu(),)
    storage = alloc_storage(64, 0, "float32", "global", devices=devices)
    with pytest.raises(VMError, match=r"a float32 tensor of shape \[4, 4\] \(64 bytes\) at offset "
                       r"16 does not fit in a storage of 64 bytes"):  # fmt: skip
        alloc_tensor(storage, 16, Shape((4, 4)), "float32")
    with pytest.raises(VMError, match="offset 2 is not a multiple of the float32 element size"):
        alloc_tensor(storage, 2, Shape((1,)), "float32")
    with pytest.raises(VMError, match="expected a storage but got a tensor"):
        alloc_tensor(loom.ffi.empty((4,)), 0, Shape((1,)), "float32")
    with pytest.raises(VMError, match=r"device index 1 is out of range \(the VM has 1 device: "):
        alloc_storage(64, 1, "float32", "global", devices=devices)
    with pytest.raises(VMError, match="unsupported storage scope 'shared'"):
        alloc_storage(64, 0, "float32", "shared", devices=devices)
    with pytest.raises(VMError, match="size must be a non-negative int, got the int -1"):
        alloc_storage(-1, 0, "float32", "global", devices=devices)


def test_device_index_out_of_range_from_bytecode():
    b = ExecutableBuilder()
    f = b.function("main", [])
    f.ret(f.builtin("alloc_tensor_direct", Shape((2,)), "float32", 3))
    with pytest.raises(VMError, match="alloc_tensor_direct: device index 3 is out of range"):
        VirtualMachine(b.build(), loom.cpu())["main"]()
