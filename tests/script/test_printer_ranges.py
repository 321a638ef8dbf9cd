"""The range rule: the (begin, end) the printer picks reads back as the same (min, extent) under
the parser's rule in FORMAT.md, whether the parser compares "structurally equal" loosely (free
variables positionally) or strictly (same variables)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loom.ir import LoomError, structural_equal
from loom.ir.tir import Add, IntImm, Sub, Var
from loom.script.printer.tir_buffer import bounds

n, m = Var("n"), Var("m")
atoms = st.sampled_from([n, m]) | st.integers(-3, 5).map(lambda v: IntImm("int32", v))
exprs = st.recursive(
    atoms,
    lambda sub: st.builds(lambda op, a, b: op(a, b), st.sampled_from([Add, Sub]), sub, sub),
    max_leaves=4,
)


def strict(a, b):
    return structural_equal((a, b), (a, a))


def parse_rule(begin, end, equal):
    """FORMAT.md's parser rule, with `equal` as its "structurally equal"."""
    if isinstance(begin, IntImm) and begin.value == 0:
        return end
    if isinstance(begin, IntImm) and isinstance(end, IntImm):
        return IntImm(begin.dtype, end.value - begin.value)
    if isinstance(end, Add) and equal(end.a, begin):
        return end.b
    return Sub(end, begin)


@st.composite
def ranges(draw):
    min_ = draw(exprs)
    extent = draw(exprs | st.builds(lambda x: Sub(x, min_), exprs))
    return min_, extent


@settings(max_examples=300, deadline=None)
@given(ranges())
def test_bounds_read_back_exactly(rng):
    min_, extent = rng
    begin, end = bounds(min_, extent)
    assert begin is min_
    for equal in (strict, structural_equal):
        assert strict(extent, parse_rule(begin, end, equal))


@pytest.mark.parametrize(
    ("min_", "extent", "end"),
    [
        (IntImm("int32", 0), n, n),
        (IntImm("int32", 2), IntImm("int32", 8), IntImm("int32", 10)),
        (m, Sub(n, m), n),
        (m, n, Add(m, n)),
        (m, Sub(Add(m, n), m), None),  # end m + n would read as extent n
        (m, Sub(Add(n, n), m), None),  # a positional comparison would take n for m
        (IntImm("int32", 2), Sub(IntImm("int32", 7), IntImm("int32", 2)), None),  # would fold
    ],
)
def test_bounds_cases(min_, extent, end):
    _, got = bounds(min_, extent)
    if end is None:
        assert isinstance(got, Add)
        assert got.a is min_
        assert got.b is extent
    else:
        assert strict(got, end)


def test_folding_that_would_overflow_keeps_the_sum():
    big = IntImm("int32", 2**31 - 1)
    _, end = bounds(big, IntImm("int32", 1))
    assert isinstance(end, Add)
    assert end.a is big


def test_mixed_dtype_range_cannot_be_printed():
    with pytest.raises(LoomError, match="parser widens"):
        bounds(IntImm("int32", 0), IntImm("int64", 4))
