"""Tuples: tuple parameters (checked field by field), nested tuple results, indexing."""

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
    def main(
        t: R.Tuple(R.Tensor(("n",), "float32"), R.Tensor(("n",), "float32")), s: R.Shape(["m"])
    ):
        n = T.int64()
        m = T.int64()
        a = t[0]
        b = t[1]
        c = R.add(a, b)
        z = R.zeros(s, "float32")
        inner = (c, s)
        out = (inner, z, R.prim_value(m + 1))
        return out
"""


@pytest.fixture(scope="module")
def vm():
    return loom.VirtualMachine(loom.compile(from_source(MODULE)))


@pytest.mark.parametrize(("n", "m"), [(1, 2), (5, 3)])
def test_tuples_in_and_out(vm, n, m):
    a, b = np.arange(n, dtype="float32"), np.ones(n, "float32")
    (c, shape), z, m1 = vm["main"]((a, b), loom.ffi.Shape([m]))
    np.testing.assert_array_equal(c.numpy(), a + b)
    assert tuple(shape) == (m,)
    np.testing.assert_array_equal(z.numpy(), np.zeros(m, "float32"))
    assert m1 == m + 1


def test_a_tuple_field_is_checked_with_its_path(vm):
    with pytest.raises(
        loom.LoomError, match=r"main: argument t\[1\]: shape\[0\] expected 2 \(n\) but got 3"
    ):
        vm["main"]((np.ones(2, "float32"), np.ones(3, "float32")), loom.ffi.Shape([1]))
    with pytest.raises(loom.LoomError, match="main: argument t: expected a tuple of 2 fields"):
        vm["main"]((np.ones(2, "float32"),), loom.ffi.Shape([1]))
