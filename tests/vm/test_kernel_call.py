"""A prim_func compiled with loom.build and called from bytecode: symbolic shapes checked by
match_shape, outputs in planned storage, kernel failures reported as located VMErrors."""

import numpy as np
import pytest

import loom
from loom.vm import ExecutableBuilder, VirtualMachine, VMError


def twice_program(kernels):
    """main(x: f32[n], y: f32[n]) -> (x + y) + y, the temporary and result in one storage."""
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    x, y = f.params
    heap = f.builtin("alloc_shape_heap", 1)
    f.builtin("check_tensor_info", x, 1, "float32", "main: argument x")
    f.builtin("check_tensor_info", y, 1, "float32", "main: argument y")
    f.builtin("match_shape", x, heap, 1, 1, 0, "main: argument x|n")
    f.builtin("match_shape", y, heap, 1, 2, 0, "main: argument y|n")
    shape = f.builtin("make_shape", heap, 1, 1, 0)
    nbytes = f.call("test.vm.mul", f.builtin("shape_heap_load", heap, 0), 8)
    storage = f.builtin("alloc_storage", nbytes, 0, "float32", "global")
    half = f.call("test.vm.mul", f.builtin("shape_heap_load", heap, 0), 4)
    tmp = f.builtin("alloc_tensor", storage, 0, shape, "float32")
    out = f.builtin("alloc_tensor", storage, half, shape, "float32")
    f.kernel("add", x, y, tmp)
    f.kernel("add", tmp, y, out)
    f.ret(out)
    return b.build(kernels)


@pytest.mark.parametrize("n", [1, 5, 64])
def test_kernel_from_bytecode_at_several_shapes(kernels, n):
    vm = VirtualMachine(twice_program(kernels), loom.cpu())
    rng = np.random.default_rng(n)
    x, y = rng.standard_normal(n).astype("float32"), rng.standard_normal(n).astype("float32")
    np.testing.assert_allclose(vm["main"](x, y).numpy(), x + 2 * y, rtol=1e-6)


def test_bad_inputs_then_a_good_call(kernels):
    vm = VirtualMachine(twice_program(kernels), loom.cpu())
    with pytest.raises(VMError, match=r"main: argument y: shape\[0\] expected 3 \(n\) but got 4"):
        vm["main"](np.zeros(3, "float32"), np.zeros(4, "float32"))
    with pytest.raises(
        VMError, match="main: argument x: expected dtype float32 but got dtype int32"
    ):
        vm["main"](np.zeros(3, "int32"), np.zeros(3, "float32"))
    np.testing.assert_array_equal(
        vm["main"](np.ones(2, "float32"), np.ones(2, "float32")).numpy(), [3, 3]
    )


def test_kernel_failure_is_located(kernels):
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y", "out"])
    f.kernel("add", *f.params)
    f.ret(f.params[2])
    vm = VirtualMachine(b.build(kernels), loom.cpu())
    with pytest.raises(VMError) as info:
        vm["main"](np.zeros(3, "float32"), np.zeros(4, "float32"), np.zeros(3, "float32"))
    assert info.value.message.startswith("FFIError: ")
    assert info.value.notes[0] == "in VM function 'main', instruction 0: %3 = call @add(%0, %1, %2)"
    assert "%1 = a tensor float32 [4]" in info.value.notes[1]


def test_kernels_as_function_values(kernels):
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y", "out"])
    fn = f.builtin("make_closure", b.func(b.kernel("add")), f.params[0])
    f.builtin("invoke_closure", fn, f.params[1], f.params[2])
    f.ret(f.params[2])
    vm = VirtualMachine(b.build(kernels), loom.cpu())
    out = np.zeros(2, "float32")
    vm["main"](np.ones(2, "float32"), np.ones(2, "float32"), out)
    np.testing.assert_array_equal(out, [2, 2])  # written in place through a zero-copy view
