"""Normalize, the pipeline's first pass: results of sequences become bound variables."""

from loom.ir import assert_structural_equal
from loom.script import from_source
from loom.transform.graph import LOWERED_ATTR, Normalize
from loom.vm.compiler import SHAPE_LOWERED_ATTR

BEFORE = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n",), "float32"), flag: R.Tensor((), "bool")):
        n = T.int64()
        if flag:
            z = R.exp(x)
        else:
            z = x
        return R.add(z, z)
"""

# The branch's result call and the function's result call get variables of their own, so
# that passes rewriting bindings (LegalizeOps) see them.
EXPECTED = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n",), "float32"), flag: R.Tensor((), "bool")):
        n = T.int64()
        if flag:
            z = R.exp(x)
            z_1 = z
        else:
            z_1 = x
        result = R.add(z_1, z_1)
        return result
"""


def test_results_of_branches_and_functions_are_bound():
    assert_structural_equal(Normalize()(from_source(BEFORE)), from_source(EXPECTED))


def test_normal_form_is_kept():
    mod = from_source(EXPECTED)
    assert Normalize()(mod) is mod


def test_the_shape_lowering_mark_is_the_one_the_compiler_reads():
    assert LOWERED_ATTR == SHAPE_LOWERED_ATTR
