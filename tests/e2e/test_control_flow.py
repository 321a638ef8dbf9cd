"""``if`` on a tensor and on a size, calls of helper functions, recursion."""

import numpy as np
import pytest

import loom
from loom.script import from_source

MODULE = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function(private=True)
    def double(x: R.Tensor(("n",), "float32")) -> R.Tensor(("n",), "float32"):
        n = T.int64()
        y = R.add(x, x)
        return y

    @R.function
    def choose(
        x: R.Tensor(("n",), "float32"), flag: R.Tensor((), "bool")
    ) -> R.Tensor(("n",), "float32"):
        n = T.int64()
        cls = Module
        if flag:
            y = cls.double(x)
            z = R.exp(y)
        else:
            z = R.negative(x)
        return z

    @R.function
    def power(
        x: R.Tensor(("n",), "float32"), count: R.Prim(value="k")
    ) -> R.Tensor(("n",), "float32"):
        n = T.int64()
        k = T.int64()
        cls = Module
        if R.prim_value(k > 0):
            y = cls.double(x)
            z = cls.power(y, R.prim_value(k - 1))
        else:
            z = x
        return z
"""


@pytest.fixture(scope="module")
def vm():
    return loom.VirtualMachine(loom.compile(from_source(MODULE)))


@pytest.mark.parametrize("n", [1, 5])
def test_if_on_a_bool_tensor_takes_either_branch(vm, n):
    x = np.linspace(-1, 1, n).astype("float32")
    np.testing.assert_allclose(vm["choose"](x, np.array(True)).numpy(), np.exp(2 * x), rtol=1e-6)
    np.testing.assert_allclose(vm["choose"](x, np.array(False)).numpy(), -x)


@pytest.mark.parametrize(("n", "k"), [(3, 0), (3, 4), (6, 2)])
def test_recursion_on_a_size_computed_at_run_time(vm, n, k):
    x = np.arange(n, dtype="float32")
    np.testing.assert_array_equal(vm["power"](x, k).numpy(), x * 2**k)


def test_a_private_helper_is_compiled_as_a_vm_function(vm):
    assert "double" in vm.executable.vm_function_names
