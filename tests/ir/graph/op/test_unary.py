import math

import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call

n = tir.Var("n", "int64")
rng = np.random.default_rng(0)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def _erf(a):
    return np.vectorize(math.erf, otypes=[a.dtype])(a)


def _sigmoid(a):
    return (1 / (1 + np.exp(-a.astype("float64")))).astype(a.dtype)


# name, builder, numpy reference, dtype, (low, high) of the random inputs
CASES = [
    ("abs", R.abs, np.abs, "float32", (-2, 2)),
    ("abs_int", R.abs, np.abs, "int32", (-5, 5)),
    ("negative", R.negative, np.negative, "float32", (-2, 2)),
    ("negative_int", R.negative, np.negative, "int64", (-5, 5)),
    ("exp", R.exp, np.exp, "float32", (-2, 2)),
    ("log", R.log, np.log, "float32", (0.1, 3)),
    ("sqrt", R.sqrt, np.sqrt, "float32", (0, 4)),
    ("rsqrt", R.rsqrt, lambda a: 1 / np.sqrt(a), "float32", (0.1, 4)),
    ("sin", R.sin, np.sin, "float32", (-3, 3)),
    ("cos", R.cos, np.cos, "float64", (-3, 3)),
    ("tanh", R.tanh, np.tanh, "float32", (-3, 3)),
    ("sigmoid", R.sigmoid, _sigmoid, "float32", (-4, 4)),
    ("erf", R.erf, _erf, "float32", (-2, 2)),
    ("floor", R.floor, np.floor, "float32", (-3, 3)),
    ("ceil", R.ceil, np.ceil, "float32", (-3, 3)),
    ("round", R.round, np.rint, "float32", (-3, 3)),
    ("round_int", R.round, lambda a: a, "int32", (-9, 9)),
    ("sign", R.sign, np.sign, "float32", (-2, 2)),
    ("sign_int", R.sign, np.sign, "int32", (-3, 3)),
    ("square", R.square, np.square, "float32", (-2, 2)),
    ("square_int", R.square, np.square, "int32", (-9, 9)),
    ("clip", lambda x: R.clip(x, -0.5, 1.0), lambda a: np.clip(a, -0.5, 1.0), "float32", (-2, 2)),
    ("clip_int", lambda x: R.clip(x, -2, 3), lambda a: np.clip(a, -2, 3), "int32", (-6, 6)),
    ("logical_not", R.logical_not, np.logical_not, "int32", (-1, 2)),
    ("logical_not_bool", R.logical_not, np.logical_not, "bool", (0, 2)),
]


def random(shape, dtype, low, high):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(low, high, shape).astype(dtype)
    return rng.uniform(low, high, shape).astype(dtype)


@pytest.mark.parametrize(
    ("label", "make", "ref", "dtype", "domain"), CASES, ids=[c[0] for c in CASES]
)
def test_legalized_matches_numpy(legalize, label, make, ref, dtype, domain):
    x = tensor("x", (n, 3), dtype)
    lowered = legalize(make, [x])
    for rows in (1, 4):
        a = random((rows, 3), dtype, *domain)
        out = lowered.run(a)
        expected = ref(a)
        assert out.dtype == expected.dtype
        np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)


def test_static_shape_and_prim_func_body(legalize):
    lowered = legalize(R.exp, [tensor("x", (2, 3))])
    assert lowered.func.attrs["global_symbol"] == "exp"
    a = random((2, 3), "float32", -1, 1)
    np.testing.assert_allclose(lowered.run(a), np.exp(a), rtol=1e-6)
    assert "T.exp(" in lowered.func.script()


@pytest.mark.parametrize("name", ["exp", "negative", "abs", "floor", "clip", "sign"])
def test_result_is_the_operand_struct_info(infer, assert_shape, name):
    x = tensor("x", (n, 4))
    make = (lambda v: R.clip(v, 0, 1)) if name == "clip" else getattr(R, name)
    sinfo, checks = infer(make(x))
    assert_shape(sinfo, (n, 4))
    assert sinfo.dtype == x.struct_info.dtype
    assert not checks


def test_unknown_shape_and_dtype_pass_through(infer):
    x = G.Var("x", G.TensorStructInfo(ndim=3))
    sinfo, _ = infer(R.sqrt(x))
    assert sinfo.ndim == 3
    assert sinfo.dtype is None
    sinfo, _ = infer(R.logical_not(x))
    assert sinfo.ndim == 3
    assert str(sinfo.dtype) == "bool"


def test_logical_not_gives_bool(infer, assert_shape):
    sinfo, _ = infer(R.logical_not(tensor("x", (n, 2), "float32")))
    assert_shape(sinfo, (n, 2))
    assert str(sinfo.dtype) == "bool"


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "rsqrt", "sin", "tanh", "sigmoid", "erf"])
def test_float_ops_reject_integer_tensors(infer, name):
    with pytest.raises(StructInfoError, match=rf"R.{name} needs a float tensor, not int32"):
        infer(getattr(R, name)(tensor("x", (n,), "int32")))


@pytest.mark.parametrize("name", ["abs", "negative", "sign", "square", "floor"])
def test_numeric_ops_reject_bool_tensors(infer, name):
    with pytest.raises(StructInfoError, match=rf"R.{name} needs a numeric tensor, not bool"):
        infer(getattr(R, name)(tensor("x", (n,), "bool")))


def test_operand_must_be_a_tensor(infer):
    with pytest.raises(StructInfoError, match=r"argument 0 of R.exp must be a tensor"):
        infer(R.exp(G.ShapeExpr((n,))))


def test_clip_attribute_errors(infer):
    x = tensor("x", (n,))
    with pytest.raises(StructInfoError, match=r"R.clip: min 2.0 is greater than max 1.0"):
        infer(R.clip(x, 2.0, 1.0))
    with pytest.raises(StructInfoError, match=r"max 1.5 is not a whole number.*int32"):
        infer(R.clip(tensor("y", (n,), "int32"), 0, 1.5))
    with pytest.raises(TypeCheckError, match=r"R.clip needs attribute 'max'"):
        make_call("clip", (x,), {"min": 0.0})
    with pytest.raises(TypeCheckError, match=r"attribute 'min' of R.clip must be int or float"):
        R.clip(x, "low", 1.0)
    with pytest.raises(TypeCheckError, match=r"R.clip has no attribute 'lo'"):
        make_call("clip", (x,), {"lo": 0.0, "min": 0.0, "max": 1.0})


def test_arity_is_checked():
    x = tensor("x", (n,))
    with pytest.raises(StructInfoError, match=r"R.exp takes 1 arguments, got 2"):
        make_call("exp", (x, x))
