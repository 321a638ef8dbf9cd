"""Shape builtins from bytecode: the shape heap, match_shape (store, assert equal to an
immediate, assert equal to a stored value), make_shape, and their error messages."""

import numpy as np
import pytest

import loom
from loom.ffi import Shape
from loom.vm import ExecutableBuilder, VirtualMachine, VMError
from loom.vm.builtins.shape import make_shape, match_shape


@pytest.fixture(scope="module")
def vm():
    """main(x: [n, 4], y: [n]) -> shape (n, 4, n): x's dim 0 goes to heap[0]."""
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    x, y = f.params
    heap = f.builtin("alloc_shape_heap", 1)
    f.builtin("check_tensor_info", x, 2, "float32", "main: argument x")
    f.builtin("match_shape", x, heap, 2, 1, 0, 0, 4, "main: argument x|n|")
    f.builtin("match_shape", y, heap, 1, 2, 0, "main: argument y|n")
    f.ret(f.builtin("make_shape", heap, 3, 1, 0, 0, 4, 1, 0))
    return VirtualMachine(b.build(), loom.cpu())


def test_match_and_make_shape(vm):
    assert vm["main"](np.zeros((3, 4), "float32"), np.zeros(3)) == Shape((3, 4, 3))
    assert vm["main"](np.zeros((0, 4), "float32"), np.zeros(0)) == Shape((0, 4, 0))


def test_wrong_immediate_dimension(vm):
    with pytest.raises(VMError, match=r"main: argument x: shape\[1\] expected 4 but got 5 "):
        vm["main"](np.zeros((3, 5), "float32"), np.zeros(3))


def test_inconsistent_symbolic_variable_names_it(vm):
    with pytest.raises(VMError) as info:
        vm["main"](np.zeros((3, 4), "float32"), np.zeros(2))
    assert info.value.message == "main: argument y: shape[0] expected 3 (n) but got 2 (shape [2])"
    assert info.value.notes[0] == (
        "in VM function 'main', instruction 3: "
        "%5 = call @vm.builtin.match_shape(%1, %2, 1, 2, 0, 'main: argument y|n')"
    )
    # The same VM then runs a correct call correctly.
    assert vm["main"](np.zeros((2, 4), "float32"), np.zeros(2)) == Shape((2, 4, 2))


def test_wrong_rank_and_dtype(vm):
    with pytest.raises(VMError, match=r"main: argument x: expected rank 2 but got rank 3"):
        vm["main"](np.zeros((3, 4, 1), "float32"), np.zeros(3))
    with pytest.raises(VMError, match=r"main: argument x: expected dtype float32 but got dtype "
                       r"float64 \(a tensor float64 \[3, 4\]\)"):  # fmt: skip
        vm["main"](np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(VMError, match=r"main: argument y: expected rank 1 but got rank 2"):
        vm["main"](np.zeros((3, 4), "float32"), np.zeros((3, 1)))
    with pytest.raises(VMError, match=r"main: argument y: expected a tensor or shape but got "
                       r"the int 3"):  # fmt: skip
        vm["main"](np.zeros((3, 4), "float32"), 3)


def test_match_shape_on_shape_values_and_heap_ops():
    b = ExecutableBuilder()
    f = b.function("main", ["s"])
    heap = f.builtin("alloc_shape_heap", 2)
    f.builtin("check_shape_info", f.params[0], 2, "main: argument s")
    f.builtin("match_shape", f.params[0], heap, 2, 1, 0, 1, 1, "main: argument s")
    f.builtin("shape_heap_store", heap, 1, 11)
    f.ret(f.builtin("make_tuple", f.builtin("shape_heap_load", heap, 0), heap))
    vm = VirtualMachine(b.build(), loom.cpu())
    first, heap = vm["main"](Shape((5, 6)))
    assert first == 5
    assert heap.dtype == loom.ir.DataType.parse("int64")
    assert heap.numpy().tolist() == [5, 11]
    with pytest.raises(VMError, match=r"main: argument s: expected a shape of 2 dimensions but "
                       r"got a shape \[1, 2, 3\]"):  # fmt: skip
        vm["main"](Shape((1, 2, 3)))


def test_malformed_pairs_are_errors():
    heap = loom.ffi.array(np.zeros(2, "int64"))
    with pytest.raises(VMError, match=r"expected 1 \(kind, value\) pairs and err_ctx"):
        match_shape(Shape((1,)), heap, 1, 0, "ctx")
    with pytest.raises(VMError, match="unknown kind 7 for dimension 0"):
        match_shape(Shape((1,)), heap, 1, 7, 0, "ctx")
    with pytest.raises(VMError, match="shape heap index 2 is outside the heap of 2 slots"):
        match_shape(Shape((1,)), heap, 1, 1, 2, "ctx")
    with pytest.raises(VMError, match="shape heap index -1 is outside"):
        make_shape(heap, 1, 1, -1)
    with pytest.raises(VMError, match="a shape heap is a 1-d int64 tensor"):
        make_shape(loom.ffi.array(np.zeros(2, "int32")), 1, 1, 0)
    assert make_shape(heap, 2, 0, 7, 1, 1) == Shape((7, 0))  # a heap not made by the VM
