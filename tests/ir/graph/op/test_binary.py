import numpy as np
import pytest

from loom.ir import StructInfoError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(1)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def random(shape, dtype, low=-3, high=3):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(low, high, shape).astype(dtype)
    return rng.uniform(low, high, shape).astype(dtype)


def nonzero(shape, dtype):
    a = random(shape, dtype, 1, 4)
    return np.where(rng.integers(0, 2, shape) == 0, a, -a).astype(dtype)


# name, numpy reference, dtype, second operand maker
CASES = [
    ("add", np.add, "float32", random),
    ("add", np.add, "int32", random),
    ("subtract", np.subtract, "float32", random),
    ("multiply", np.multiply, "int64", random),
    ("divide", np.divide, "float32", nonzero),
    ("floor_divide", np.floor_divide, "int32", nonzero),
    ("floor_divide", np.floor_divide, "float32", nonzero),
    ("power", np.power, "float32", random),
    ("maximum", np.maximum, "float32", random),
    ("minimum", np.minimum, "int32", random),
    ("equal", np.equal, "int32", random),
    ("not_equal", np.not_equal, "int32", random),
    ("less", np.less, "float32", random),
    ("less_equal", np.less_equal, "int32", random),
    ("greater", np.greater, "float32", random),
    ("greater_equal", np.greater_equal, "int32", random),
    ("logical_and", np.logical_and, "bool", random),
    ("logical_or", np.logical_or, "int32", random),
]
IDS = [f"{name}-{dtype}" for name, _, dtype, _ in CASES]


@pytest.mark.parametrize(("name", "ref", "dtype", "second"), CASES, ids=IDS)
def test_legalized_broadcast_matches_numpy(legalize, name, ref, dtype, second):
    # x is (n, 1, 3) and y is (m, 3): a symbolic n against a 1, and m against a 1.
    lowered = legalize(
        getattr(R, name), [tensor("x", (n, 1, 3), dtype), tensor("y", (m, 3), dtype)]
    )
    for rows, cols in ((2, 3), (1, 2)):
        a = random((rows, 1, 3), dtype, 1 if name == "power" else -3, 3)
        b = second((cols, 3), dtype)
        out = lowered.run(a, b)
        expected = ref(a, b)
        assert out.dtype == expected.dtype
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-6)


@pytest.mark.parametrize("name", ["add", "less"])
def test_size_known_only_at_run_time_may_be_one(legalize, name):
    # Inference picks n and checks "m is 1 or n" at run time; the prim_func must handle m == 1.
    lowered = legalize(getattr(R, name), [tensor("x", (n, 2)), tensor("y", (m, 2))])
    ref = getattr(np, name)
    for rows_x, rows_y in ((3, 1), (3, 3)):
        a, b = random((rows_x, 2), "float32"), random((rows_y, 2), "float32")
        np.testing.assert_array_equal(lowered.run(a, b), ref(a, b))


def test_static_legalization(legalize):
    lowered = legalize(R.multiply, [tensor("x", (2, 3)), tensor("y", (3,))])
    a, b = random((2, 3), "float32"), random((3,), "float32")
    np.testing.assert_allclose(lowered.run(a, b), a * b, rtol=1e-6)


def test_broadcast_inference(infer, assert_shape):
    sinfo, checks = infer(R.add(tensor("x", (n, 1)), tensor("y", (1, m))))
    assert_shape(sinfo, (n, m))
    assert not checks
    sinfo, checks = infer(R.add(tensor("x", (n, 4)), tensor("y", (4,))))
    assert_shape(sinfo, (n, 4))
    sinfo, checks = infer(R.multiply(tensor("x", (2, 1, 3)), tensor("y", (5, 1))))
    assert_shape(sinfo, (2, 5, 3))


def test_unknown_broadcast_becomes_a_run_time_check(infer, assert_shape):
    sinfo, checks = infer(R.subtract(tensor("x", (n,)), tensor("y", (m,))))
    assert_shape(sinfo, (n,))
    assert len(checks) == 1
    assert "size m must be 1 or equal to n" in checks[0].message


def test_provable_mismatch_names_the_sizes(infer):
    with pytest.raises(StructInfoError, match=r"cannot broadcast size 4 with size 3"):
        infer(R.add(tensor("x", (n, 4)), tensor("y", (3,))))
    # Both at least 2 and never equal, whatever n is.
    with pytest.raises(StructInfoError, match=r"cannot broadcast size n \* 2 \+ 2 with size n"):
        infer(R.maximum(tensor("x", (n * 2 + 2,)), tensor("y", (n * 2 + 3,))))


@pytest.mark.parametrize("name", ["equal", "less", "greater_equal", "logical_and"])
def test_comparisons_give_bool(infer, assert_shape, name):
    sinfo, _ = infer(getattr(R, name)(tensor("x", (n, 3)), tensor("y", (3,))))
    assert_shape(sinfo, (n, 3))
    assert str(sinfo.dtype) == "bool"


def test_arithmetic_keeps_the_dtype(infer):
    sinfo, _ = infer(R.add(tensor("x", (n,), "int8"), tensor("y", (n,), "int8")))
    assert str(sinfo.dtype) == "int8"


def test_dtype_errors(infer):
    with pytest.raises(StructInfoError, match=r"R.add needs operands of one dtype"):
        infer(R.add(tensor("x", (n,)), tensor("y", (n,), "int32")))
    with pytest.raises(StructInfoError, match=r"R.divide needs float tensors.*R.floor_divide"):
        infer(R.divide(tensor("x", (n,), "int32"), tensor("y", (n,), "int32")))
    with pytest.raises(StructInfoError, match=r"R.power needs float tensors, not int64"):
        infer(R.power(tensor("x", (n,), "int64"), tensor("y", (n,), "int64")))
    with pytest.raises(StructInfoError, match=r"R.multiply needs numeric tensors, not bool"):
        infer(R.multiply(tensor("x", (n,), "bool"), tensor("y", (n,), "bool")))


def test_logical_ops_read_each_operand_as_a_truth_value(infer):
    sinfo, _ = infer(R.logical_or(tensor("x", (n,), "int32"), tensor("y", (n,), "bool")))
    assert str(sinfo.dtype) == "bool"


def test_unknown_shapes(infer):
    x = G.Var("x", G.TensorStructInfo(ndim=2, dtype="float32"))
    sinfo, _ = infer(R.add(x, tensor("y", (n, 1, 4))))
    assert sinfo.shape is None
    assert sinfo.ndim == 3
    sinfo, _ = infer(R.add(x, G.Var("z", G.TensorStructInfo(dtype="float32"))))
    assert sinfo.ndim == -1


def test_errors_point_at_the_call():
    from loom.ir.span import SourceFile, Span

    source = SourceFile("model.py", "z = R.add(x, y)\n")
    span = Span(source, 1, 4, 1, 15)
    call = R.add(tensor("x", (n, 4)), tensor("y", (3,)), span=span)
    with pytest.raises(StructInfoError) as info:
        G.Normalizer().normalize(call)
    assert info.value.span is span
    assert "model.py:1:5" in str(info.value)
    assert "^^^" in str(info.value)
