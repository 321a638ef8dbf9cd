"""CanonicalizeBindings: copies and tuple projections disappear; uses see the value itself."""

from loom.ir import IRModule, assert_structural_equal
from loom.script import from_source
from loom.transform.graph import CanonicalizeBindings

HEADER = """
from loom.script import relax as R
from loom.script import tir as T
"""


def _module(text: str) -> IRModule:
    return IRModule.from_functions({"main": from_source(HEADER + text)})


def test_copies_and_projections_of_tuples_are_replaced():
    before = _module(
        """
@R.function
def main(x: R.Tensor(("n",), "float32")):
    n = T.int64()
    a = R.exp(x)
    b = a
    t = (a, b)
    c = t[1]
    d = R.add(c, t[0])
    u = (d, x)
    return (u[0], t)
"""
    )
    expected = _module(
        """
@R.function
def main(x: R.Tensor(("n",), "float32")):
    n = T.int64()
    a = R.exp(x)
    t = (a, a)
    d = R.add(a, a)
    return (d, t)
"""
    )
    assert_structural_equal(CanonicalizeBindings()(before), expected)


def test_dataflow_outputs_and_more_precise_annotations_are_kept():
    before = _module(
        """
@R.function
def main(x: R.Tensor(ndim=1, dtype="float32")):
    with R.dataflow():
        a = R.exp(x)
        b = a
        t = (a, b)
        out = a
        pair = (a, x)
        R.output(out, pair)
    first = pair[0]
    m = T.int64()
    known: R.Tensor((m,), "float32") = R.match_cast(first, R.Tensor((m,), "float32"))
    again = known
    return (out, again)
"""
    )
    expected = _module(
        """
@R.function
def main(x: R.Tensor(ndim=1, dtype="float32")):
    with R.dataflow():
        a = R.exp(x)
        out = a
        pair = (a, x)
        R.output(out, pair)
    first = pair[0]
    m = T.int64()
    known: R.Tensor((m,), "float32") = R.match_cast(first, R.Tensor((m,), "float32"))
    return (out, known)
"""
    )
    assert_structural_equal(CanonicalizeBindings()(before), expected)


def test_nothing_to_do_keeps_the_module():
    mod = _module(
        """
@R.function
def main(x: R.Tensor((2,), "float32")):
    y = R.exp(x)
    return y
"""
    )
    assert CanonicalizeBindings()(mod) is mod
