import pytest

from loom.ir import StructInfoError, tir
from loom.ir.graph.infer import broadcast_shapes, matmul_shape, reshape_shape
from loom.ir.tir.arith import Analyzer

n, m, k = (tir.Var(name, "int64") for name in "nmk")


def vals(shape):
    return [v.value if isinstance(v, tir.IntImm) else v for v in shape]


def same(analyzer, got, want):
    return len(got) == len(want) and all(analyzer.can_prove_equal(g, w) for g, w in zip(got, want))


def test_broadcast_constant_and_ones():
    shape, checks = broadcast_shapes((3, 1, 5), (4, 1), Analyzer())
    assert vals(shape) == [3, 4, 5]
    assert checks == []


def test_broadcast_symbolic_provably_equal():
    a = Analyzer()
    shape, checks = broadcast_shapes((n * 2, 1), (n + n, m), a)
    assert same(a, shape, (n * 2, m))
    assert checks == []


def test_broadcast_provably_unequal_names_the_sizes():
    with pytest.raises(StructInfoError, match=r"size 2 \* n \+ 2 with size 2 \* n \+ 3"):
        broadcast_shapes((2 * n + 2,), (2 * n + 3,), Analyzer())
    # n and n + 1 broadcast when n == 0 (to 1) or n == 1: not an error, a run-time check.
    assert len(broadcast_shapes((n,), (n + 1,), Analyzer())[1]) == 1
    with pytest.raises(StructInfoError, match="size 3 with size 4"):
        broadcast_shapes((3,), (4,), Analyzer())


def test_broadcast_unknown_is_a_runtime_check():
    shape, checks = broadcast_shapes((n,), (m,), Analyzer())
    assert shape[0] is n
    assert len(checks) == 1
    assert "size m must be 1 or equal to n" in checks[0].message


def test_matmul_shapes():
    a = Analyzer()
    assert same(a, matmul_shape((n, k), (k, m), a)[0], (n, m))
    assert same(a, matmul_shape((2, 1, n, k), (3, k, m), a)[0], (2, 3, n, m))
    assert same(a, matmul_shape((k,), (2, k, m), a)[0], (2, m))
    assert same(a, matmul_shape((n, k), (k,), a)[0], (n,))
    shape, checks = matmul_shape((k,), (k,), a)
    assert shape == ()
    assert checks == []


def test_matmul_inner_mismatch():
    with pytest.raises(StructInfoError, match=r"inner sizes differ: 4 .* vs 5"):
        matmul_shape((3, 4), (5, 6), Analyzer())
    _shape, checks = matmul_shape((n, k), (m, 3), Analyzer())
    assert len(checks) == 1
    assert "k and m must be equal" in checks[0].message


def test_reshape_infers_minus_one():
    a = Analyzer()
    shape, checks = reshape_shape((n, 4), (-1, 2), a)
    assert same(a, shape, (n * 2, 2))
    assert checks == []
    shape, _ = reshape_shape((n, m), (-1,), a)
    assert same(a, shape, (n * m,))


def test_reshape_element_count():
    assert reshape_shape((n, m), (m, n), Analyzer())[1] == []
    with pytest.raises(StructInfoError, match=r"\(3, 4\) \(12 elements\) to \(5,\)"):
        reshape_shape((3, 4), (5,), Analyzer())
    with pytest.raises(StructInfoError, match="does not divide"):
        reshape_shape((3, 5), (-1, 2), Analyzer())
    with pytest.raises(StructInfoError, match="at most one"):
        reshape_shape((4,), (-1, -1), Analyzer())
    _, checks = reshape_shape((n, 3), (-1, 2), Analyzer())
    assert len(checks) == 1
    assert "must divide" in checks[0].message
    _, checks = reshape_shape((n,), (m,), Analyzer())
    assert len(checks) == 1
