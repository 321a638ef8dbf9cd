"""``match_cast``: a tensor of unknown shape gets symbolic sizes at run time, checked there."""

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
        x: R.Tensor(dtype="float32", ndim=2), y: R.Tensor(("k",), "float32")
    ) -> R.Tensor(dtype="float32", ndim=1):
        k = T.int64()
        n = T.int64()
        m = T.int64()
        a = R.match_cast(x, R.Tensor((n, m), "float32"))
        b = R.match_cast(y, R.Tensor((m,), "float32"))
        s = R.sum(R.multiply(a, b), axis=0)
        f = R.reshape(a, R.shape([n * m]))
        out = R.concat((s, f), axis=0)
        return out
"""


@pytest.fixture(scope="module")
def vm():
    return loom.VirtualMachine(loom.compile(from_source(MODULE)))


@pytest.mark.parametrize("shape", [(2, 3), (4, 1)])
def test_match_cast_binds_sizes_that_later_shapes_use(vm, shape):
    x = np.arange(np.prod(shape), dtype="float32").reshape(shape)
    y = np.arange(shape[1], dtype="float32") + 1
    out = vm["main"](x, y).numpy()
    np.testing.assert_allclose(out, np.concatenate(((x * y).sum(0), x.reshape(-1))))


def test_a_failed_match_cast_names_the_binding_and_the_size(vm):
    x = np.zeros((2, 3), "float32")
    with pytest.raises(
        loom.LoomError, match=r"main: match_cast of b: shape\[0\] expected 3 \(m\) but got 4"
    ):
        vm["main"](x, np.zeros(4, "float32"))
    out = vm["main"](x, np.ones(3, "float32")).numpy()  # the same VM still works
    np.testing.assert_array_equal(out, np.zeros(9, "float32"))


def test_match_cast_checks_the_dtype_it_asserts(vm):
    with pytest.raises(loom.LoomError, match="main: argument x: expected dtype float32"):
        vm["main"](np.zeros((2, 3), "float64"), np.zeros(3, "float32"))
