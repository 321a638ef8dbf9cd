"""InsertShapeChecks: what inference assumed about sizes becomes an assertion before the call."""

import numpy as np
import pytest

import loom
from loom.ir import PassError, assert_structural_equal
from loom.script import from_source
from loom.transform.graph import InsertShapeChecks

pytestmark = pytest.mark.usefixtures("verify_passes")

BEFORE = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(
        x: R.Tensor(("n", "k"), "float32"),
        w: R.Tensor(("j", 4), "float32"),
        b: R.Tensor(("m",), "float32"),
    ):
        n = T.int64()
        k = T.int64()
        j = T.int64()
        m = T.int64()
        y = R.matmul(x, w)
        z = R.add(y, b)
        return z
"""

EXPECTED = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function(pure=True)
    def main(x: R.Tensor(("n", "k"), dtype="float32"), w: R.Tensor(("j", 4), dtype="float32"), b: R.Tensor(("m",), dtype="float32")) -> R.Tensor(("n", 4), dtype="float32"):
        n = T.int64()
        k = T.int64()
        j = T.int64()
        m = T.int64()
        cls = Module
        _: R.Tuple() = cls.check_shape(R.prim_value(k), R.prim_value(j))
        y: R.Tensor((n, 4), dtype="float32") = R.matmul(x, w, out_dtype=None)
        __1: R.Tuple() = cls.check_shape_1(R.prim_value(m))
        z: R.Tensor((n, 4), dtype="float32") = R.add(y, b)
        return z

    @T.prim_func
    def check_shape(k: T.int64, j: T.int64):
        T.func_attr({"global_symbol": "check_shape"})
        assert k == j, "main: matmul: inner sizes k and j must be equal"
        T.evaluate(0)

    @T.prim_func
    def check_shape_1(m: T.int64):
        T.func_attr({"global_symbol": "check_shape_1"})
        assert T.int64(4) == m or m == T.int64(1), "main: broadcast: size m must be 1 or equal to 4"
        T.evaluate(0)
"""  # noqa: E501


def test_each_unproved_fact_is_asserted_right_before_its_call():
    assert_structural_equal(InsertShapeChecks()(from_source(BEFORE)), from_source(EXPECTED))


def test_the_checks_run_at_run_time_with_their_messages():
    vm = loom.VirtualMachine(loom.compile(from_source(BEFORE)))
    x, w = np.ones((2, 3), "float32"), np.ones((3, 4), "float32")
    out = vm["main"](x, w, np.ones(1, "float32")).numpy()
    np.testing.assert_array_equal(out, np.full((2, 4), 4))
    with pytest.raises(loom.LoomError, match="main: matmul: inner sizes k and j must be equal"):
        vm["main"](x, np.ones((2, 4), "float32"), np.ones(4, "float32"))
    with pytest.raises(loom.LoomError, match="main: broadcast: size m must be 1 or equal to 4"):
        vm["main"](x, w, np.ones(3, "float32"))


PROVED = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n", 4), "float32"), b: R.Tensor((4,), "float32")):
        n = T.int64()
        z = R.add(x, b)
        return z
"""


def test_nothing_is_inserted_when_inference_proved_everything():
    mod = from_source(PROVED)
    assert InsertShapeChecks()(mod) is mod


IN_DATAFLOW = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n",), "float32"), y: R.Tensor(("m",), "float32")):
        n = T.int64()
        m = T.int64()
        with R.dataflow():
            z = R.add(x, y)
            R.output(z)
        return z
"""


def test_a_check_inside_a_dataflow_block_asks_for_to_non_dataflow():
    with pytest.raises(PassError, match="run ToNonDataflow first"):
        InsertShapeChecks()(from_source(IN_DATAFLOW))
