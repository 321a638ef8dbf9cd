import numpy as np
import pytest

from loom.ir import LoomError, StructInfoError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, k, m = (tir.Var(v, "int64") for v in ("n", "k", "m"))
p, q = tir.Var("p", "int64"), tir.Var("q", "int64")
rng = np.random.default_rng(0)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape, dtype="float32"):
    return rng.standard_normal(shape).astype(dtype)


# -- inference ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "out"),
    [
        ((2, 3), (3, 4), (2, 4)),
        ((2, 1, n, k), (3, k, 4), (2, 3, n, 4)),
        ((k,), (2, k, m), (2, m)),
        ((n, k), (k,), (n,)),
        ((5, n, k), (k, m), (5, n, m)),
    ],
)
def test_matmul_shapes(infer, assert_shape, a, b, out):
    sinfo, checks = infer(R.matmul(var("a", a), var("b", b)))
    assert_shape(sinfo, out)
    assert str(sinfo.dtype) == "float32"
    assert checks == []


def test_matmul_vector_dot_is_a_scalar(infer, assert_shape):
    sinfo, _ = infer(R.matmul(var("a", (k,)), var("b", (k,))))
    assert_shape(sinfo, ())


def test_matmul_out_dtype_and_unknown_shapes(infer):
    a = G.Var("a", G.TensorStructInfo(ndim=3, dtype="int8"))
    sinfo, _ = infer(R.matmul(a, var("b", (4, 5), "int8"), out_dtype="int32"))
    assert str(sinfo.dtype) == "int32"
    assert sinfo.ndim == 3
    assert sinfo.shape is None


def test_matmul_provable_mismatches_name_the_sizes(infer):
    with pytest.raises(StructInfoError, match=r"inner sizes differ: 3 .* vs 5"):
        infer(R.matmul(var("a", (2, 3)), var("b", (5, 4))))
    with pytest.raises(StructInfoError, match=r"cannot broadcast size 2 with size 3"):
        infer(R.matmul(var("a", (2, 4, 3)), var("b", (3, 3, 5))))
    with pytest.raises(StructInfoError, match="needs operands of one dtype"):
        infer(R.matmul(var("a", (2, 3)), var("b", (3, 4), "float16")))
    with pytest.raises(StructInfoError, match="at least one dimension"):
        infer(R.matmul(var("a", ()), var("b", (3, 4))))


def test_matmul_unknown_sizes_become_runtime_checks(infer, assert_shape):
    sinfo, checks = infer(R.matmul(var("a", (p, 3, n)), var("b", (q, k, 5))))
    assert_shape(sinfo, (p, 3, 5))
    messages = " | ".join(c.message for c in checks)
    assert "inner sizes n and k must be equal" in messages
    assert "size q must be 1 or equal to p" in messages


def test_linear_shapes(infer, assert_shape):
    x, w, b = var("x", (n, 2, 8)), var("w", (16, 8)), var("b", (16,))
    sinfo, _ = infer(R.linear(x, w, b))
    assert_shape(sinfo, (n, 2, 16))
    sinfo, _ = infer(R.linear(x, w))
    assert_shape(sinfo, (n, 2, 16))
    sinfo, _ = infer(R.linear(x, var("v", (8,))))
    assert_shape(sinfo, (n, 2))


def test_linear_errors(infer):
    x = var("x", (4, 8))
    with pytest.raises(StructInfoError, match=r"R\.linear: weight must be \(out, in\) or 1-D"):
        infer(R.linear(x, var("w", (2, 16, 8))))
    with pytest.raises(StructInfoError, match=r"inner sizes differ: 8 .* vs 7"):
        infer(R.linear(x, var("w", (16, 7))))
    with pytest.raises(StructInfoError, match="cannot broadcast size 16 with size 15"):
        infer(R.linear(x, var("w", (16, 8)), var("b", (15,))))
    with pytest.raises(LoomError, match="out_dtype"):
        R.linear(x, var("w", (16, 8)), out_dtype=3)


# -- legalization -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((2, 3, 4), (4, 5)),
        ((2, 1, 3, 4), (3, 4, 2)),
        ((4,), (2, 4, 3)),
        ((3, 4), (4,)),
        ((4,), (4,)),
    ],
)
def test_matmul_legalizes_to_numpy_semantics(legalize, a, b):
    leg = legalize(R.matmul, [var("a", a), var("b", b)])
    x, y = rand(*a), rand(*b)
    np.testing.assert_allclose(leg.run(x, y), np.matmul(x, y), rtol=1e-5, atol=1e-5)


def test_matmul_symbolic_shapes_run_at_two_sizes(legalize):
    leg = legalize(R.matmul, [var("a", (n, k)), var("b", (k, m))])
    # One prim_func serves every size: its buffers keep the sizes symbolic.
    out = leg.func.buffer_map[leg.func.params[2]]
    assert len(leg.func.params) == 3
    assert all(isinstance(size, tir.Var) for size in out.shape)
    for sizes in ((2, 3, 4), (5, 1, 3)):
        x, y = rand(sizes[0], sizes[1]), rand(sizes[1], sizes[2])
        np.testing.assert_allclose(leg.run(x, y), x @ y, rtol=1e-5, atol=1e-5)


def test_matmul_batch_broadcast_decided_at_run_time(legalize):
    """With batch sizes p and q unknown, q == 1 and q == p must both work."""
    leg = legalize(R.matmul, [var("a", (p, 2, 3)), var("b", (q, 3, 2))])
    for q_size in (1, 2):
        x, y = rand(2, 2, 3), rand(q_size, 3, 2)
        np.testing.assert_allclose(leg.run(x, y), x @ y, rtol=1e-5, atol=1e-5)


def test_matmul_out_dtype_accumulates_wide(legalize):
    leg = legalize(
        lambda a, b: R.matmul(a, b, out_dtype="int32"),
        [var("a", (2, 8), "int8"), var("b", (8, 2), "int8")],
    )
    x = rng.integers(100, 127, (2, 8)).astype("int8")
    y = rng.integers(100, 127, (8, 2)).astype("int8")
    out = leg.run(x, y)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, x.astype("int32") @ y.astype("int32"))


@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_legalizes(legalize, with_bias):
    params = [var("x", (n, 3, 4)), var("w", (5, 4))] + ([var("b", (5,))] if with_bias else [])
    leg = legalize(R.linear, params)
    x, w, b = rand(2, 3, 4), rand(5, 4), rand(5)
    expect = x @ w.T + (b if with_bias else 0)
    got = leg.run(x, w, b) if with_bias else leg.run(x, w)
    np.testing.assert_allclose(got, expect, rtol=1e-5, atol=1e-5)


def test_linear_with_a_vector_weight(legalize):
    leg = legalize(R.linear, [var("x", (n, 4)), var("v", (4,))])
    x, v = rand(3, 4), rand(4)
    np.testing.assert_allclose(leg.run(x, v), x @ v, rtol=1e-5, atol=1e-5)


def test_legalization_needs_known_shapes():
    x = G.Var("x", G.TensorStructInfo(ndim=2, dtype="float32"))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        y = bb.emit(R.matmul(x, x))
        bb.emit_func_output(y)
    call = bb.get()["main"].body.blocks[0].bindings[0].value
    with pytest.raises(StructInfoError, match="known shape"):
        G.op_info(call.op).legalize(bb, call)


def test_linear_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    leg = legalize(R.linear, [var("x", (2, 6)), var("w", (3, 6)), var("b", (3,))])
    x, w, b = rand(2, 6), rand(3, 6), rand(3)
    expect = torch.nn.functional.linear(*(torch.from_numpy(a) for a in (x, w, b))).numpy()
    np.testing.assert_allclose(leg.run(x, w, b), expect, rtol=1e-5, atol=1e-5)
