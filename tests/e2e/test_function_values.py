"""A function-typed parameter: the VM calls whatever function value it is given."""

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
    @R.function
    def apply(
        f: R.Callable((R.Tensor(("n",), "float32"),), R.Tensor(("n",), "float32")),
        x: R.Tensor(("n",), "float32"),
    ) -> R.Tensor(("n",), "float32"):
        n = T.int64()
        y = f(x)
        z = R.add(y, y)
        return z
"""


@pytest.fixture
def negate():
    loom.ffi.register_func("test.e2e.negate", lambda x: loom.ffi.array(-x.numpy()), override=True)
    yield loom.ffi.get_global_func("test.e2e.negate")
    loom.ffi.remove_global_func("test.e2e.negate")


def test_a_packed_function_passed_as_an_argument_is_called(negate):
    vm = loom.VirtualMachine(loom.compile(from_source(MODULE)))
    for n in (1, 4):
        x = np.arange(n, dtype="float32")
        np.testing.assert_array_equal(vm["apply"](negate, x).numpy(), -2 * x)
    with pytest.raises(loom.LoomError, match="apply: argument f: expected a function"):
        vm["apply"](3, np.zeros(2, "float32"))
