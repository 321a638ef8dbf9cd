"""With ``from __future__ import annotations`` Python leaves signatures unevaluated, so an
undeclared name in a buffer shape declares an int32 size variable, as in from_source text."""

from __future__ import annotations

from loom.ir import DataType, assert_structural_equal, tir
from loom.script import from_source
from loom.script import tir as T


@T.prim_func
def rows(A: T.Buffer((n, 4), "float32"), B: T.Buffer((n,), "float32")):  # noqa: F821
    for i in range(n):  # noqa: F821
        B[i] = A[i, 0] + A[i, 3]


def test_undeclared_shape_names_become_shared_variables():
    A, B = (rows.buffer_map[p] for p in rows.params)
    n = A.shape[0]
    assert isinstance(n, tir.Var)
    assert n.name_hint == "n"
    assert n.dtype == DataType.parse("int32")
    assert B.shape[0] is n
    assert rows.body.extent is n


def test_the_same_text_through_from_source():
    text = """
    @T.prim_func
    def rows(A: T.Buffer((n, 4), "float32"), B: T.Buffer((n,), "float32")):
        for i in range(n):
            B[i] = A[i, 0] + A[i, 3]
    """
    assert_structural_equal(from_source(text), rows)
