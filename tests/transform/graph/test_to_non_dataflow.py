"""ToNonDataflow: dataflow blocks become plain blocks, dataflow variables plain variables."""

from loom.ir import IRModule, assert_structural_equal
from loom.ir import graph as G
from loom.script import from_source
from loom.transform.graph import ToNonDataflow

HEADER = """
from loom.script import relax as R
from loom.script import tir as T
"""


def _module(text: str) -> IRModule:
    return IRModule.from_functions({"main": from_source(HEADER + text)})


def test_blocks_merge_and_variables_become_plain():
    before = _module(
        """
@R.function(pure=False)
def main(x: R.Tensor(("n",), "float32")):
    n = T.int64()
    a = R.exp(x)
    with R.dataflow():
        b = R.exp(a)
        c = R.add(b, b)
        R.output(c)
    d = R.call_packed("log", c, sinfo_args=R.Object)
    with R.dataflow():
        e = R.exp(c)
        R.output(e)
    return e
"""
    )
    expected = _module(
        """
@R.function(pure=False)
def main(x: R.Tensor(("n",), "float32")):
    n = T.int64()
    a = R.exp(x)
    b = R.exp(a)
    c = R.add(b, b)
    d = R.call_packed("log", c, sinfo_args=R.Object)
    e = R.exp(c)
    return e
"""
    )
    after = ToNonDataflow()(before)
    assert_structural_equal(after, expected)
    (block,) = after["main"].body.blocks
    assert type(block) is G.BindingBlock
    assert not any(isinstance(b.var, G.DataflowVar) for b in block.bindings)


def test_branches_and_match_casts_are_converted():
    before = _module(
        """
@R.function
def main(x: R.Tensor(("n",), "float32"), c: R.Prim("bool")):
    n = T.int64()
    with R.dataflow():
        m = T.int64()
        y = R.match_cast(x, R.Tensor((m,), "float32"))
        R.output(y)
    if c:
        with R.dataflow():
            z0 = R.exp(y)
            z1 = R.exp(z0)
            R.output(z1)
        z = z1
    else:
        z = y
    return z
"""
    )
    after = ToNonDataflow()(before)
    text = after.script()
    assert "R.dataflow" not in text
    again = ToNonDataflow()(after)
    assert again is after  # nothing left to convert


def test_a_module_without_dataflow_is_unchanged():
    mod = _module(
        """
@R.function
def main(x: R.Tensor((2,), "float32")):
    y = R.exp(x)
    return y
"""
    )
    assert ToNonDataflow()(mod) is mod
