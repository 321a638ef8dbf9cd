import math

import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(1)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return (rng.standard_normal(shape) * 3).astype("float32")


def erf(x):
    return np.vectorize(math.erf)(x.astype("float64"))


REFERENCES = {
    R.relu: lambda x: np.maximum(x, 0),
    R.gelu: lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
    R.gelu_tanh: lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    R.silu: lambda x: x / (1 + np.exp(-x)),
}


def softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("op", list(REFERENCES), ids=lambda f: f.__name__)
def test_pointwise_keeps_struct_info_and_matches_numpy(infer, legalize, op):
    x = var("x", (n, 3))
    sinfo, _ = infer(op(x))
    assert sinfo is x.struct_info
    leg = legalize(op, [x])
    for rows in (2, 5):
        data = rand(rows, 3)
        np.testing.assert_allclose(leg.run(data), REFERENCES[op](data), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", [R.gelu, R.gelu_tanh, R.silu], ids=lambda f: f.__name__)
def test_float_activations_reject_integer_tensors(infer, op):
    with pytest.raises(StructInfoError, match=r"R\.nn\.\w+: x must be a float tensor, not int32"):
        infer(op(var("x", (4,), "int32")))


def test_relu_on_integers_and_its_name(infer, legalize):
    call = R.relu(var("x", (4,), "int32"))
    assert call.op.name == "nn.relu"
    leg = legalize(R.relu, [var("x", (4,), "int32")])
    np.testing.assert_array_equal(leg.run(np.array([-3, 0, 2, -1], "int32")), [0, 0, 2, 0])
    with pytest.raises(StructInfoError, match="needs a numeric tensor, not bool"):
        infer(R.relu(var("b", (4,), "bool")))


def test_activations_match_torch(legalize):
    torch = pytest.importorskip("torch")
    fn = torch.nn.functional
    data = rand(2, 5)
    t = torch.from_numpy(data)
    expected = {
        R.gelu: fn.gelu(t),
        R.gelu_tanh: fn.gelu(t, approximate="tanh"),
        R.silu: fn.silu(t),
        R.relu: fn.relu(t),
    }
    for op, want in expected.items():
        got = legalize(op, [var("x", (2, 5))]).run(data)
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", [R.softmax, R.log_softmax], ids=lambda f: f.__name__)
def test_softmax_axis_validation(infer, op):
    x = var("x", (2, 3))
    sinfo, _ = infer(op(x, axis=-2))
    assert sinfo is x.struct_info
    with pytest.raises(StructInfoError, match=r"axis 2 is out of range for a tensor of rank 2"):
        infer(op(x, axis=2))
    with pytest.raises(StructInfoError, match="must be a float tensor"):
        infer(op(var("i", (3,), "int32")))
    with pytest.raises(StructInfoError, match="rank at least 1"):
        infer(op(var("s", ())))
    with pytest.raises(TypeCheckError, match=r"attribute 'axis' of R\.nn\.\w+ must be int"):
        op(x, axis=1.5)


def test_softmax_legalization_needs_a_known_rank():
    x = G.Var("x", G.TensorStructInfo(ndim=-1, dtype="float32"))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        y = bb.emit(R.softmax(x))
        bb.emit_func_output(y)
    call = bb.get()["main"].body.blocks[0].bindings[0].value
    with pytest.raises(StructInfoError, match="cannot legalize: argument 0 has an unknown rank"):
        G.op_info(call.op).legalize(bb, call)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_symbolic_at_two_sizes(legalize, axis):
    leg = legalize(lambda x: R.softmax(x, axis=axis), [var("x", (n, m))])
    for shape in ((2, 3), (4, 1)):
        data = rand(*shape)
        np.testing.assert_allclose(leg.run(data), softmax_ref(data, axis), rtol=1e-5, atol=1e-6)


def test_softmax_is_stable_for_large_inputs(legalize):
    leg = legalize(R.softmax, [var("x", (1, 3))])
    data = np.array([[1000.0, 1001.0, 1002.0]], "float32")
    np.testing.assert_allclose(leg.run(data), softmax_ref(data.astype("float64"), -1), rtol=1e-5)


@pytest.mark.parametrize("axis", [0, -1])
def test_log_softmax_symbolic_at_two_sizes(legalize, axis):
    leg = legalize(lambda x: R.log_softmax(x, axis=axis), [var("x", (2, n, 3))])
    for size in (1, 4):
        data = rand(2, size, 3)
        expect = np.log(softmax_ref(data.astype("float64"), axis))
        np.testing.assert_allclose(leg.run(data), expect, rtol=1e-5, atol=1e-5)


def test_softmax_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    data = rand(3, 4)
    got = legalize(lambda x: R.log_softmax(x, axis=0), [var("x", (3, 4))]).run(data)
    want = torch.log_softmax(torch.from_numpy(data), dim=0).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
