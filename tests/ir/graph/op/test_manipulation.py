import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(3)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


# builder, numpy reference, graph shape, two concrete shapes
CASES = [
    ("reshape", lambda x: R.reshape(x, (m, -1)), lambda a: a.reshape(a.shape[2], -1)),
    (
        "reshape_expr",
        lambda x: R.reshape(x, G.ShapeExpr((n * 3, m))),
        lambda a: a.reshape(-1, a.shape[2]),
    ),
    ("flatten", R.flatten, np.ravel),
    ("permute_dims", lambda x: R.permute_dims(x, [1, -1, 0]), lambda a: a.transpose(1, 2, 0)),
    ("permute_dims_reverse", R.permute_dims, np.transpose),
    ("expand_dims", lambda x: R.expand_dims(x, [0, -1]), lambda a: np.expand_dims(a, (0, -1))),
    ("expand_dims_middle", lambda x: R.expand_dims(x, 2), lambda a: np.expand_dims(a, 2)),
    ("squeeze", lambda x: R.squeeze(R.reshape(x, (n, 1, 3, m))), None),
    (
        "broadcast_to",
        lambda x: R.broadcast_to(x, (2, n, 3, m)),
        lambda a: np.broadcast_to(a, (2, *a.shape)),
    ),
]


@pytest.mark.parametrize(
    ("label", "make", "ref"), [c for c in CASES if c[2]], ids=[c[0] for c in CASES if c[2]]
)
def test_legalized_matches_numpy(legalize, label, make, ref):
    lowered = legalize(make, [tensor("x", (n, 3, m))])
    for shape in ((2, 3, 4), (1, 3, 1)):
        a = rng.uniform(-1, 1, shape).astype("float32")
        np.testing.assert_array_equal(lowered.run(a), ref(a))


@pytest.mark.parametrize(
    ("make", "ref"),
    [
        (lambda x: R.squeeze(x), lambda a: a.reshape(a.shape[0], 3)),
        (lambda x: R.squeeze(x, axis=[-2]), lambda a: a.reshape(a.shape[0], 3)),
        (lambda x: R.broadcast_to(x, (4, n, 1, 3)), lambda a: np.broadcast_to(a, (4, *a.shape))),
    ],
)
def test_legalized_with_unit_dims(legalize, make, ref):
    lowered = legalize(make, [tensor("x", (n, 1, 3))])
    for rows in (1, 3):
        a = rng.uniform(-1, 1, (rows, 1, 3)).astype("float32")
        np.testing.assert_array_equal(lowered.run(a), ref(a))


def test_broadcast_to_a_size_known_at_run_time():
    # x is (m, 3) broadcast to (n, 3): m is 1 or n (checked at run time); both must work.
    x, y = tensor("x", (m, 3)), tensor("y", (n,))
    bb = G.BlockBuilder()
    with bb.function("main", [x, y]):
        call = bb.normalize(R.broadcast_to(x, G.ShapeExpr((n, 3))))
        out = bb.emit(G.op_info(call.op).legalize(bb, call))
        bb.emit_func_output(out)
    func = bb.get()["broadcast_to"]
    for rows_x, rows_out in ((1, 4), (4, 4)):
        a = rng.uniform(-1, 1, (rows_x, 3)).astype("float32")
        result = np.zeros((rows_out, 3), "float32")
        tir.interpret(func, a, result)
        np.testing.assert_array_equal(result, np.broadcast_to(a, (rows_out, 3)))


def test_static_reshape(legalize):
    lowered = legalize(lambda x: R.reshape(x, [3, 2]), [tensor("x", (2, 3), "int32")])
    a = np.arange(6, dtype="int32").reshape(2, 3)
    np.testing.assert_array_equal(lowered.run(a), a.reshape(3, 2))


# -- inference -----------------------------------------------------------------------------


def test_reshape_inference(infer, assert_shape):
    x = tensor("x", (n, 4, m))
    assert_shape(infer(R.reshape(x, (n * 2, -1)))[0], (n * 2, m * 2))
    assert_shape(infer(R.reshape(x, [4, n, m]))[0], (4, n, m))
    sinfo, checks = infer(R.reshape(x, (m, n * 4)))
    assert not checks
    assert_shape(sinfo, (m, n * 4))
    # An unknown relation between the counts becomes a run-time check.
    k = tir.Var("k", "int64")
    sinfo, checks = infer(R.reshape(x, (k,)))
    assert_shape(sinfo, (k,))
    assert len(checks) == 1
    assert "elements must equal k" in checks[0].message


def test_reshape_element_count_errors(infer):
    x = tensor("x", (n, 4))
    with pytest.raises(
        StructInfoError, match=r"cannot reshape \(n, 4\) \(n \* 4 elements\) to \(n \+ 1, 4\)"
    ):
        infer(R.reshape(x, (n + 1, 4)))
    with pytest.raises(StructInfoError, match=r"3 does not divide the count"):
        infer(R.reshape(tensor("y", (2, 4)), (3, -1)))
    with pytest.raises(StructInfoError, match=r"at most one size \(-1\)"):
        infer(R.reshape(x, (-1, -1)))


def test_reshape_to_a_shape_variable(infer):
    s = G.Var("s", G.ShapeStructInfo(ndim=2))
    sinfo, _ = infer(R.reshape(tensor("x", (n, 4)), s))
    assert sinfo.ndim == 2
    assert sinfo.shape is None
    with pytest.raises(StructInfoError, match=r"takes the new shape as a shape value"):
        infer(R.reshape(tensor("x", (n, 4)), tensor("y", (2,))))


def test_flatten_inference(infer, assert_shape):
    assert_shape(infer(R.flatten(tensor("x", (n, 3, m))))[0], (n * m * 3,))
    assert infer(R.flatten(G.Var("x", G.TensorStructInfo(ndim=3))))[0].ndim == 1


def test_permute_dims_inference(infer, assert_shape):
    x = tensor("x", (n, 3, m))
    assert_shape(infer(R.permute_dims(x))[0], (m, 3, n))
    assert_shape(infer(R.permute_dims(x, [0, 2, 1]))[0], (n, m, 3))
    with pytest.raises(StructInfoError, match=r"axes \(0, 1\) must list each of the 3 axes"):
        infer(R.permute_dims(x, [0, 1]))
    with pytest.raises(StructInfoError, match=r"name an axis twice"):
        infer(R.permute_dims(x, [0, 1, -3]))
    with pytest.raises(StructInfoError, match=r"axis 3 is out of range"):
        infer(R.permute_dims(x, [0, 1, 3]))
    assert infer(R.permute_dims(G.Var("y", G.TensorStructInfo(ndim=-1)), [1, 0]))[0].ndim == 2


def test_expand_dims_inference(infer, assert_shape):
    x = tensor("x", (n, m))
    assert_shape(infer(R.expand_dims(x, [0, 3]))[0], (1, n, m, 1))
    assert_shape(infer(R.expand_dims(x, -1))[0], (n, m, 1))
    with pytest.raises(
        StructInfoError, match=r"R.expand_dims: axis 4 is out of range for a tensor of rank 4"
    ):
        infer(R.expand_dims(x, [0, 4]))
    with pytest.raises(TypeCheckError, match=r"R.expand_dims needs attribute 'axis'"):
        make_call("expand_dims", (x,))


def test_squeeze_inference(infer, assert_shape):
    x = tensor("x", (n, 1, 3, 1))
    sinfo, checks = infer(R.squeeze(x))
    assert_shape(sinfo, (n, 3))  # n might be 1 at run time, but only provable 1s go
    assert not checks
    assert_shape(infer(R.squeeze(x, axis=[-1]))[0], (n, 1, 3))
    with pytest.raises(StructInfoError, match=r"R.squeeze: axis 2 has size 3, not 1"):
        infer(R.squeeze(x, axis=[2]))
    sinfo, checks = infer(R.squeeze(x, axis=0))
    assert_shape(sinfo, (1, 3, 1))
    assert len(checks) == 1
    assert "axis 0 (size n) must be 1" in checks[0].message
    assert infer(R.squeeze(G.Var("y", G.TensorStructInfo(ndim=3))))[0].ndim == -1
    assert infer(R.squeeze(G.Var("y", G.TensorStructInfo(ndim=3)), axis=[1]))[0].ndim == 2


def test_broadcast_to_inference(infer, assert_shape):
    x = tensor("x", (n, 1))
    sinfo, checks = infer(R.broadcast_to(x, (2, n, m)))
    assert_shape(sinfo, (2, n, m))
    assert not checks
    with pytest.raises(
        StructInfoError,
        match=r"cannot broadcast size n to 3 \(axis 0 of the result\)|cannot broadcast size 2 to 3",
    ):
        infer(R.broadcast_to(tensor("y", (2, 1)), (3, 4)))
    with pytest.raises(StructInfoError, match=r"cannot broadcast a tensor of rank 2 to rank 1"):
        infer(R.broadcast_to(x, (4,)))
    sinfo, checks = infer(R.broadcast_to(x, (m, 5)))
    assert_shape(sinfo, (m, 5))
    assert len(checks) == 1
    assert "size n must be 1 or m" in checks[0].message
