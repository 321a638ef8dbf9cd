"""Bad input at run time: a LoomError naming function, parameter, expected and actual; the same
VM then runs a correct call correctly."""

import numpy as np
import pytest
from graph_models import mlp

import loom

W_IN, HIDDEN, W_OUT = 6, 5, 3


@pytest.fixture(scope="module")
def vm():
    mod, _ = mlp(W_IN, HIDDEN, W_OUT)
    return loom.VirtualMachine(loom.compile(mod))


def good(batch=2):
    shapes = [(batch, W_IN), (W_IN, HIDDEN), (HIDDEN,), (HIDDEN, W_OUT), (W_OUT,)]
    return [np.ones(s, "float32") for s in shapes]


def replace(args, index, value):
    return [value if i == index else a for i, a in enumerate(args)]


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [
        (0, np.ones((2, W_IN, 1), "float32"), "main: argument x: expected rank 2 but got rank 3"),
        (
            1,
            np.ones((W_IN, HIDDEN), "float64"),
            "main: argument w1: expected dtype float32 but got dtype float64",
        ),
        (
            1,
            np.ones((W_IN + 1, HIDDEN), "float32"),
            r"main: argument w1: shape\[0\] expected 6 but got 7",
        ),
        (2, 3.0, "main: argument b1: expected a tensor of rank 1 and of dtype float32 but got"),
    ],
)
def test_a_bad_argument_is_named_with_expected_and_actual(vm, index, value, message):
    with pytest.raises(loom.LoomError, match=message):
        vm["main"](*replace(good(), index, value))
    out = vm["main"](*good(3)).numpy()
    np.testing.assert_allclose(out, np.full((3, W_OUT), (W_IN + 1) * HIDDEN + 1, "float32"))


def test_one_symbolic_size_given_two_values_is_an_error():
    from loom.script import from_source

    mod = from_source(
        """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(
        a: R.Tensor(("n", 2), "float32"), b: R.Tensor((2, "n"), "float32")
    ) -> R.Tensor(("n", "n"), "float32"):
        n = T.int64()
        c = R.matmul(a, b)
        return c
"""
    )
    vm = loom.VirtualMachine(loom.compile(mod))
    with pytest.raises(
        loom.LoomError, match=r"main: argument b: shape\[1\] expected 3 \(n\) but got 4"
    ):
        vm["main"](np.ones((3, 2), "float32"), np.ones((2, 4), "float32"))
    out = vm["main"](np.ones((4, 2), "float32"), np.ones((2, 4), "float32")).numpy()
    np.testing.assert_array_equal(out, np.full((4, 4), 2, "float32"))


def test_an_unprovable_broadcast_is_checked_at_run_time():
    from graph_models import size, tensor

    from loom.ir import graph as G
    from loom.ir.graph import op as R

    n, m = size("n"), size("m")
    x, y = tensor("x", (n, 4)), tensor("y", (m, 4))
    bb = G.BlockBuilder()
    with bb.function("main", [x, y]):
        out = bb.emit(R.add(x, y))
        bb.emit_func_output(out)
    vm = loom.VirtualMachine(loom.compile(bb.get()))
    with pytest.raises(loom.LoomError, match="main: broadcast: size m must be 1 or equal to n"):
        vm["main"](np.ones((3, 4), "float32"), np.ones((2, 4), "float32"))
    x_ = np.arange(12, dtype="float32").reshape(3, 4)
    np.testing.assert_array_equal(vm["main"](x_, np.ones((1, 4), "float32")).numpy(), x_ + 1)
    np.testing.assert_array_equal(vm["main"](x_, x_).numpy(), 2 * x_)
