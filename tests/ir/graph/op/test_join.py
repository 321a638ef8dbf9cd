import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call

n, m, k = tir.Var("n", "int64"), tir.Var("m", "int64"), tir.Var("k", "int64")
rng = np.random.default_rng(4)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def random(shape):
    return rng.uniform(-1, 1, shape).astype("float32")


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concat_legalized_matches_numpy(legalize, axis):
    params = [tensor("x", (n, 2, m)), tensor("y", (n, 2, m)), tensor("z", (n, 2, m))]
    if axis == 0:
        params[1] = tensor("y", (k, 2, m))
    lowered = legalize(lambda x, y, z: R.concat([x, y, z], axis=axis), params)
    for rows, cols in ((2, 3), (1, 1)):
        arrays = [
            random((rows, 2, cols)),
            random((rows + (axis == 0), 2, cols)),
            random((rows, 2, cols)),
        ]
        np.testing.assert_array_equal(lowered.run(*arrays), np.concatenate(arrays, axis=axis))


def test_concat_of_a_tuple_variable_binds_its_fields():
    t = G.Var("t", G.TupleStructInfo((G.TensorStructInfo((n, 2), "float32"),) * 2))
    bb = G.BlockBuilder()
    with bb.function("main", [t]):
        call = bb.normalize(R.concat(t, axis=1))
        dps = G.op_info(call.op).legalize(bb, call)
        out = bb.emit(dps)
        bb.emit_func_output(out)
    bindings = bb.get()["main"].body.blocks[0].bindings
    assert [type(b.value).__name__ for b in bindings] == ["TupleGetItem", "TupleGetItem", "Call"]
    a, b = random((3, 2)), random((3, 2))
    func = bb.get()["concat"]
    result = np.zeros((3, 4), "float32")
    tir.interpret(func, a, b, result)
    np.testing.assert_array_equal(result, np.concatenate([a, b], axis=1))


@pytest.mark.parametrize(
    ("spec", "axis"), [(3, 1), ([1, 4], 1), ([0, 2, 2], -1), ([], 0), (1, 0), ([2], 0)]
)
def test_split_legalized_matches_numpy(legalize, spec, axis):
    lowered = legalize(lambda x: R.split(x, spec, axis=axis), [tensor("x", (n, 6))])
    for rows in (2, 3):
        a = random((rows, 6))
        outs = lowered.run(a)
        outs = outs if isinstance(outs, tuple) else (outs,)
        expected = np.split(a, spec, axis=axis)
        assert len(outs) == len(expected)
        for got, want in zip(outs, expected, strict=True):
            np.testing.assert_array_equal(got, want)


def test_split_of_a_symbolic_axis(legalize):
    lowered = legalize(lambda x: R.split(x, 2, axis=0), [tensor("x", (n, 3))])
    for rows in (2, 4):
        a = random((rows, 3))
        for got, want in zip(lowered.run(a), np.split(a, 2), strict=True):
            np.testing.assert_array_equal(got, want)


# -- inference -----------------------------------------------------------------------------


def test_concat_inference(infer, assert_shape):
    sinfo, checks = infer(R.concat([tensor("x", (n, 3)), tensor("y", (m, 3))]))
    assert_shape(sinfo, (n + m, 3))
    assert not checks
    sinfo, checks = infer(R.concat([tensor("x", (n, 3)), tensor("y", (n, m))], axis=-1))
    assert_shape(sinfo, (n, m + 3))
    assert len(checks) == 0
    sinfo, _ = infer(R.concat([tensor("x", (n, 3)), tensor("y", (2,))], axis=None))
    assert_shape(sinfo, (n * 3 + 2,))


def test_concat_mismatch_errors(infer):
    with pytest.raises(StructInfoError, match=r"tensor 1 has size 4 on axis 1, tensor 0 has 3"):
        infer(R.concat([tensor("x", (n, 3)), tensor("y", (n, 4))]))
    with pytest.raises(
        StructInfoError, match=r"R.concat needs tensors of one rank, got ranks \[1, 2\]"
    ):
        infer(R.concat([tensor("x", (n, 3)), tensor("y", (n,))]))
    with pytest.raises(StructInfoError, match=r"R.concat needs tensors of one dtype"):
        infer(R.concat([tensor("x", (n,)), tensor("y", (n,), "int32")]))
    with pytest.raises(StructInfoError, match=r"axis 2 is out of range"):
        infer(R.concat([tensor("x", (n, 3)), tensor("y", (n, 3))], axis=2))
    with pytest.raises(StructInfoError, match=r"non-empty tuple of tensors"):
        infer(R.concat([]))
    with pytest.raises(StructInfoError, match=r"field 1 of the tuple must be a tensor"):
        infer(R.concat([tensor("x", (n,)), G.ShapeExpr((n,))]))


def test_concat_unknown_sizes_are_checked_at_run_time(infer, assert_shape):
    sinfo, checks = infer(R.concat([tensor("x", (n, 3)), tensor("y", (k, m))], axis=0))
    assert_shape(sinfo, (n + k, 3))
    assert len(checks) == 1
    assert "size m of tensor 1 on axis 1 must equal 3" in checks[0].message


def test_split_inference(infer, assert_shape):
    sinfo, checks = infer(R.split(tensor("x", (n, 6)), 3, axis=1))
    assert isinstance(sinfo, G.TupleStructInfo)
    for field in sinfo.fields:
        assert_shape(field, (n, 2))
    assert not checks
    sinfo, _ = infer(R.split(tensor("x", (n, 6)), [1, 4], axis=-1))
    for field, size in zip(sinfo.fields, (1, 3, 2), strict=True):
        assert_shape(field, (n, size))
    sinfo, checks = infer(R.split(tensor("x", (n, 6)), 2))
    for field in sinfo.fields:
        assert_shape(field, (n // 2, 6))
    assert "2 sections must divide size n" in checks[0].message
    sinfo, checks = infer(R.split(tensor("x", (n,)), [3]))
    assert_shape(sinfo.fields[1], (n - 3,))
    assert "split index 3 must be at most size n" in checks[0].message


def test_split_errors(infer):
    x = tensor("x", (n, 6))
    with pytest.raises(StructInfoError, match=r"cannot split size 6 into 4 equal sections"):
        infer(R.split(x, 4, axis=1))
    with pytest.raises(StructInfoError, match=r"split index 7 is beyond size 6"):
        infer(R.split(x, [2, 7], axis=1))
    with pytest.raises(StructInfoError, match=r"non-negative and ascending"):
        infer(R.split(x, [3, 1], axis=1))
    with pytest.raises(StructInfoError, match=r"needs at least 1 section"):
        infer(R.split(x, 0))
    with pytest.raises(StructInfoError, match=r"axis 2 is out of range"):
        infer(R.split(x, 2, axis=2))
    with pytest.raises(TypeCheckError, match=r"needs attribute 'indices_or_sections'"):
        make_call("split", (x,))


def test_split_of_unknown_shape(infer):
    sinfo, _ = infer(R.split(G.Var("x", G.TensorStructInfo(ndim=2)), [1, 2]))
    assert len(sinfo.fields) == 3
    assert all(f.ndim == 2 for f in sinfo.fields)
