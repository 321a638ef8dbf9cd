"""VMShapeLower: signature checks, the shape heap, shape functions, heap reads for values."""

import numpy as np
import pytest

import loom
from loom.ir import PassError, assert_structural_equal
from loom.script import from_source
from loom.transform.graph import LOWERED_ATTR, VMShapeLower

pytestmark = pytest.mark.usefixtures("verify_passes")

BEFORE = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function(pure=False)
    def main(
        x: R.Tensor(("n", 4), "float32"), y: R.Tensor(("n * 2",), "float32")
    ) -> R.Tensor(("n * 4",), "float32"):
        n = T.int64()
        a = R.builtin.alloc_tensor(R.shape([n * 4]), dtype="float32", runtime_device_index=0)
        b = R.call_packed("f", a, R.prim_value(n + 1), R.shape([n, 4]), sinfo_args=(R.Object,))
        return a
"""

# n is stored from x (slot 0); y's n * 2 is stored into its slot (1), computed by the shape
# function, then compared; n * 4 (2) and n + 1 (3) are computed for the values that use them.
EXPECTED = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function(pure=False)
    def main(x: R.Tensor(("n", 4), dtype="float32"), y: R.Tensor(("n * T.int64(2)",), dtype="float32")) -> R.Tensor(("n * T.int64(4)",), dtype="float32"):
        n = T.int64()
        R.func_attr({"vm.shape_lowered": True})
        cls = Module
        shape_heap: R.Tensor(dtype="int64", ndim=1) = R.call_packed("vm.builtin.alloc_shape_heap", R.prim_value(T.int64(4)), sinfo_args=(R.Tensor(dtype="int64", ndim=1),))
        _: R.Tuple() = R.call_packed("vm.builtin.check_tensor_info", x, R.prim_value(T.int64(2)), R.str("float32"), R.str("main: argument x"), sinfo_args=(R.Tuple(),))
        __1: R.Tuple() = R.call_packed("vm.builtin.match_shape", x, shape_heap, R.prim_value(T.int64(2)), R.prim_value(T.int64(1)), R.prim_value(T.int64(0)), R.prim_value(T.int64(0)), R.prim_value(T.int64(4)), R.str("main: argument x|n|"), sinfo_args=(R.Tuple(),))
        __2: R.Tuple() = R.call_packed("vm.builtin.check_tensor_info", y, R.prim_value(T.int64(1)), R.str("float32"), R.str("main: argument y"), sinfo_args=(R.Tuple(),))
        __3: R.Tuple() = R.call_packed("vm.builtin.match_shape", y, shape_heap, R.prim_value(T.int64(1)), R.prim_value(T.int64(1)), R.prim_value(T.int64(1)), R.str("main: argument y|n * 2"), sinfo_args=(R.Tuple(),))
        __4: R.Tuple() = cls.shape_func_main(shape_heap)
        __5: R.Tuple() = R.call_packed("vm.builtin.match_shape", y, shape_heap, R.prim_value(T.int64(1)), R.prim_value(T.int64(2)), R.prim_value(T.int64(1)), R.str("main: argument y|n * 2"), sinfo_args=(R.Tuple(),))
        shape: R.Shape([n * T.int64(4)]) = R.call_packed("vm.builtin.make_shape", shape_heap, R.prim_value(T.int64(1)), R.prim_value(T.int64(1)), R.prim_value(T.int64(2)), sinfo_args=(R.Shape([n * T.int64(4)]),))
        a: R.Tensor((n * T.int64(4),), dtype="float32") = R.builtin.alloc_tensor(shape, dtype="float32", runtime_device_index=0)
        size: R.Prim(value=n + T.int64(1)) = R.call_packed("vm.builtin.shape_heap_load", shape_heap, R.prim_value(T.int64(3)), sinfo_args=(R.Prim(value=n + T.int64(1)),))
        shape_1: R.Shape([n, 4]) = R.call_packed("vm.builtin.make_shape", shape_heap, R.prim_value(T.int64(2)), R.prim_value(T.int64(1)), R.prim_value(T.int64(0)), R.prim_value(T.int64(0)), R.prim_value(T.int64(4)), sinfo_args=(R.Shape([n, 4]),))
        b: R.Object = R.call_packed("f", a, size, shape_1, sinfo_args=(R.Object,))
        return a

    @T.prim_func
    def shape_func_main(var_H: T.handle):
        T.func_attr({"global_symbol": "shape_func_main"})
        heap_size = T.int64()
        H = T.match_buffer(var_H, (heap_size,), "int64")
        H[T.int64(1)] = H[T.int64(0)] * T.int64(2)
        H[T.int64(2)] = H[T.int64(0)] * T.int64(4)
        H[T.int64(3)] = H[T.int64(0)] + T.int64(1)
"""  # noqa: E501


def test_signature_checks_heap_and_shape_function():
    assert_structural_equal(VMShapeLower()(from_source(BEFORE)), from_source(EXPECTED))


def test_a_lowered_function_is_left_alone():
    once = VMShapeLower()(from_source(BEFORE))
    assert once["main"].attrs[LOWERED_ATTR] is True
    assert VMShapeLower()(once) is once


CONSTANT_ONLY = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 3), "float32")) -> R.Tensor((2, 3), "float32"):
        return x
"""


def test_constant_shapes_need_no_heap_allocation():
    text = VMShapeLower()(from_source(CONSTANT_ONLY)).script()
    assert "alloc_shape_heap" not in text
    assert 'R.call_packed("vm.builtin.match_shape", x, R.const([], "int64")' in text


DATAFLOW = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        n = T.int64()
        with R.dataflow():
            y = R.exp(x)
            R.output(y)
        return y
"""


def test_a_dataflow_block_is_reported():
    with pytest.raises(PassError, match="run ToNonDataflow first"):
        VMShapeLower()(from_source(DATAFLOW))


BRANCHES = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(dtype="float32", ndim=1), flag: R.Prim("bool")) -> R.Tensor(dtype="float32", ndim=1):
        if flag:
            a = R.match_cast(x, R.Tensor(("n",), "float32"))
            n = T.int64()
            b = R.reshape(a, R.shape([n, 1]))
            c = R.reshape(b, R.shape([n * 1]))
            r = c
        else:
            r = x
        return r
"""  # noqa: E501


def test_sizes_defined_in_a_branch_work_in_it_and_run():
    mod = from_source(BRANCHES)
    vm = loom.VirtualMachine(loom.compile(mod))
    x = np.arange(5, dtype="float32")
    np.testing.assert_array_equal(vm["main"](x, True).numpy(), x)
    np.testing.assert_array_equal(vm["main"](x[:2], False).numpy(), x[:2])
    with pytest.raises(loom.LoomError, match="main: argument flag: expected a bool scalar"):
        vm["main"](x, 1.5)


PRIMS = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n",), "float32"), count: R.Prim(value="n")) -> R.Shape(["n + 1"]):
        n = T.int64()
        s = R.shape([n + 1])
        return s
"""


def test_a_prim_parameter_is_compared_with_the_size_it_names():
    vm = loom.VirtualMachine(loom.compile(from_source(PRIMS)))
    assert tuple(vm["main"](np.zeros(3, "float32"), 3)) == (4,)
    with pytest.raises(loom.LoomError, match="main: argument count: expected the value n"):
        vm["main"](np.zeros(3, "float32"), 4)
