import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(2)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def random(shape, dtype):
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-4, 5, shape).astype(dtype)
    return rng.uniform(-2, 2, shape).astype(dtype)


NUMPY = {
    "sum": np.sum,
    "prod": np.prod,
    "max": np.max,
    "min": np.min,
    "mean": np.mean,
    "variance": np.var,
    "argmax": np.argmax,
    "argmin": np.argmin,
}
# op, axis, keepdims, dtype
CASES = [
    ("sum", None, False, "float32"),
    ("sum", (1,), True, "int32"),
    ("sum", (0, -1), False, "float32"),
    ("sum", (), False, "float32"),
    ("prod", (2,), False, "float32"),
    ("max", (0, 2), True, "float32"),
    ("min", None, True, "int64"),
    ("mean", (1, 2), False, "float32"),
    ("mean", None, True, "float64"),
    ("variance", (-1,), False, "float32"),
    ("variance", None, False, "float64"),
    ("argmax", None, False, "float32"),
    ("argmax", 1, True, "int32"),
    ("argmin", -1, False, "float32"),
    ("argmin", None, True, "float32"),
]


@pytest.mark.parametrize(("name", "axis", "keepdims", "dtype"), CASES)
def test_legalized_matches_numpy(legalize, name, axis, keepdims, dtype):
    builder = getattr(R, name)
    lowered = legalize(
        lambda x: builder(x, axis=axis, keepdims=keepdims), [tensor("x", (n, 3, m), dtype)]
    )
    for shape in ((2, 3, 4), (1, 3, 2)):
        a = random(shape, dtype)
        if name in ("argmax", "argmin"):
            a[..., 0] = a[..., -1]  # ties: the first occurrence wins, as in numpy
        out = lowered.run(a)
        expected = np.asarray(NUMPY[name](a, axis=axis, keepdims=keepdims))
        assert out.shape == expected.shape
        # Reductions keep the operand's dtype (numpy widens integer sums); arg* give int64.
        assert out.dtype == ("int64" if name.startswith("arg") else dtype)
        np.testing.assert_allclose(out, expected, rtol=2e-5, atol=1e-6)


def test_static_shape_legalization(legalize):
    lowered = legalize(lambda x: R.sum(x, axis=[0]), [tensor("x", (3, 2))])
    a = random((3, 2), "float32")
    np.testing.assert_allclose(lowered.run(a), a.sum(axis=0), rtol=1e-6)


def test_reduced_shapes(infer, assert_shape):
    x = tensor("x", (n, 3, m))
    cases = [
        (R.sum(x), ()),
        (R.sum(x, axis=[1]), (n, m)),
        (R.mean(x, axis=[-1, 0], keepdims=True), (1, 3, 1)),
        (R.max(x, axis=2), (n, 3)),
        (R.prod(x, axis=[]), (n, 3, m)),
        (R.variance(x, axis=[1], keepdims=True), (n, 1, m)),
    ]
    for call, shape in cases:
        sinfo, checks = infer(call)
        assert_shape(sinfo, shape)
        assert str(sinfo.dtype) == "float32"
        assert not checks


def test_arg_reductions_give_int64(infer, assert_shape):
    x = tensor("x", (n, 3, m))
    sinfo, _ = infer(R.argmax(x, axis=-2))
    assert_shape(sinfo, (n, m))
    assert str(sinfo.dtype) == "int64"
    sinfo, _ = infer(R.argmin(x, keepdims=True))
    assert_shape(sinfo, (1, 1, 1))
    assert str(sinfo.dtype) == "int64"


def test_unknown_shape_keeps_what_is_known(infer):
    x = G.Var("x", G.TensorStructInfo(ndim=3, dtype="float32"))
    assert infer(R.sum(x, axis=[0, 1]))[0].ndim == 1
    assert infer(R.sum(x, axis=[0, 1], keepdims=True))[0].ndim == 3
    assert infer(R.argmax(x))[0].ndim == 0
    y = G.Var("y", G.TensorStructInfo(dtype="float32"))
    assert infer(R.mean(y, axis=[0]))[0].ndim == -1


def test_axis_errors(infer):
    x = tensor("x", (n, 3))
    with pytest.raises(
        StructInfoError, match=r"R.sum: axis 2 is out of range for a tensor of rank 2"
    ):
        infer(R.sum(x, axis=[2]))
    with pytest.raises(StructInfoError, match=r"R.max: axis -3 is out of range"):
        infer(R.max(x, axis=-3))
    with pytest.raises(StructInfoError, match=r"R.mean: axes \(1, -1\) name an axis twice"):
        infer(R.mean(x, axis=[1, -1]))
    with pytest.raises(StructInfoError, match=r"R.argmin: axis 5 is out of range"):
        infer(R.argmin(x, axis=5))


def test_attribute_type_errors():
    x = tensor("x", (n, 3))
    with pytest.raises(
        TypeCheckError, match=r"attribute 'axis' of R.sum must be tuple or NoneType"
    ):
        R.sum(x, axis="rows")
    with pytest.raises(TypeCheckError, match=r"attribute 'keepdims' of R.sum must be bool"):
        R.sum(x, keepdims=1)
    with pytest.raises(TypeCheckError, match=r"attribute 'axis' of R.argmax must be int"):
        R.argmax(x, axis=(0, 1))


def test_dtype_errors(infer):
    with pytest.raises(StructInfoError, match=r"R.sum cannot reduce a bool tensor"):
        infer(R.sum(tensor("x", (n,), "bool")))
    with pytest.raises(StructInfoError, match=r"R.mean needs a float tensor, not int32"):
        infer(R.mean(tensor("x", (n,), "int32")))
    with pytest.raises(StructInfoError, match=r"R.variance needs a float tensor"):
        infer(R.variance(tensor("x", (n,), "int64")))


def test_axis_tuple_elements_are_checked(infer):
    call = make_call("sum", (tensor("x", (n,)),), {"axis": (0.5,)})
    with pytest.raises(StructInfoError, match=r"attribute 'axis' of R.sum must be a tuple of ints"):
        infer(call)
