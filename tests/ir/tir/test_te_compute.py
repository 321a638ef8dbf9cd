"""te authoring: placeholders, computes, reduce axes and reducers, and what they compute."""

import numpy as np
import pytest

from loom.ir.tir import BufferLoad, IntImm, Range, SizeVar, Var, decl_buffer, interpret, te

RNG = np.random.default_rng(3)


def run(args, *values):
    interpret(te.create_prim_func(args), *values)


def test_placeholder_describes_its_buffer():
    n = te.size_var("n")
    A = te.placeholder((n, 4), "int8", name="X")
    assert isinstance(n, SizeVar)
    assert A.name == "X"
    assert str(A.dtype) == "int8"
    assert A.ndim == 2
    assert A.shape[0] is n
    assert isinstance(A.shape[1], IntImm)
    assert A.shape[1].dtype == n.dtype
    load = A[1, n - 1]
    assert isinstance(load, BufferLoad)
    assert load.buffer is A.buffer


def test_int64_shapes_make_int64_extents_and_axes():
    n = te.var("n", "int64")
    A = te.placeholder((n, 3), name="A")
    assert str(A.shape[1].dtype) == "int64"
    B = te.compute(A.shape, lambda i, j: A[i, j], name="B")
    assert all(str(v.dtype) == "int64" for v in B.op.axis)


def test_compute_records_axes_body_and_inputs():
    A, B = te.placeholder((4,), name="A"), te.placeholder((4,), name="B")
    C = te.compute((4,), lambda i: A[i] * B[i] + A[3 - i], name="C")
    assert [v.name_hint for v in C.op.axis] == ["i"]
    assert C.op.inputs == (A, B)
    assert str(C.dtype) == "float32"


def test_reduce_axis_forms():
    k = te.reduce_axis(8, "k")
    assert isinstance(k, Var)
    assert k.var is k
    assert (k.dom.min.value, k.dom.extent.value) == (0, 8)
    lo = te.reduce_axis((3, 8), "lo")
    assert (lo.dom.min.value, lo.dom.extent.value) == (3, 5)
    n = te.var("n")
    sym = te.reduce_axis((0, n), "s")
    assert sym.dom.extent is n
    ranged = te.reduce_axis(Range(2, 4), "r")
    assert (ranged.dom.min.value, ranged.dom.extent.value) == (2, 4)


@pytest.mark.parametrize(
    ("reducer", "reference"), [(te.sum, np.sum), (te.max, np.max), (te.min, np.min)]
)
def test_reducers_over_two_axes(reducer, reference):
    A = te.placeholder((3, 4, 5), name="A")
    r1, r2 = te.reduce_axis(4, "r1"), te.reduce_axis((1, 5), "r2")
    B = te.compute((3,), lambda i: reducer(A[i, r1, r2] * 2.0, axis=[r1, r2]), name="B")
    a, b = RNG.standard_normal((3, 4, 5)).astype(np.float32), np.zeros(3, np.float32)
    run([A, B], a, b)
    np.testing.assert_allclose(b, reference(a[:, :, 1:] * 2, axis=(1, 2)), rtol=1e-5)


def test_integer_max_reduction_starts_at_the_lowest_value():
    A = te.placeholder((2, 6), "int32", name="A")
    k = te.reduce_axis(6, "k")
    B = te.compute((2,), lambda i: te.max(A[i, k], axis=k), name="B")
    a = np.array([[-5, -9, -3, -7, -4, -8], [2**31 - 1, 0, 1, 2, 3, 4]], np.int32)
    b = np.zeros(2, np.int32)
    run([A, B], a, b)
    np.testing.assert_array_equal(b, [-3, 2**31 - 1])


def test_custom_commutative_reducer():
    product = te.comm_reducer(lambda acc, v: acc * v, lambda t: IntImm(t, 1), name="product")
    A = te.placeholder((3, 4), "int32", name="A")
    k = te.reduce_axis(4, "k")
    B = te.compute((3,), lambda i: product(A[i, k], axis=k), name="B")
    a, b = np.arange(1, 13, dtype=np.int32).reshape(3, 4), np.zeros(3, np.int32)
    run([A, B], a, b)
    np.testing.assert_array_equal(b, a.prod(axis=1))


def test_scalar_output_and_scalar_parameter():
    n, alpha = te.var("n"), te.var("alpha", "float32")
    A = te.placeholder((n,), name="A")
    k = te.reduce_axis(n, "k")
    B = te.compute((), lambda: te.sum(A[k] * alpha, axis=k), name="B")
    a, b = np.arange(5, dtype=np.float32), np.zeros((), np.float32)
    run([A, B, alpha], a, b, 0.5)
    assert b == np.float32(5.0)


def test_elementwise_chain_with_broadcast():
    A = te.placeholder((2, 3), "int32", name="A")
    B = te.placeholder((3,), name="B")
    C = te.compute((2, 3), lambda i, j: A[i, j] * 2, name="C")
    D = te.compute((2, 3), lambda i, j: B[j] + 1.0, name="D")  # a broadcast over i
    E = te.compute((2, 3), lambda i, j: D[i, j] * 2.0, name="E")
    a, b = np.arange(6, dtype=np.int32).reshape(2, 3), np.arange(3, dtype=np.float32)
    c, e = np.zeros((2, 3), np.int32), np.zeros((2, 3), np.float32)
    run([A, B, C, E], a, b, c, e)
    np.testing.assert_array_equal(c, a * 2)
    np.testing.assert_array_equal(e, np.broadcast_to((b + 1) * 2, (2, 3)))


def test_fcompute_arity_must_match_the_shape():
    A = te.placeholder((2, 3), name="A")
    with pytest.raises(te.TeError, match="fcompute takes 1 indices but the shape has 2 dimensions"):
        te.compute((2, 3), lambda i: A[i, 0], name="bad")
    with pytest.raises(te.TeError, match="tensor A has 2 dimensions but is indexed with 1"):
        te.compute((2,), lambda i: A[i], name="bad")


def test_reduce_axis_outside_a_reduction_is_an_error():
    A = te.placeholder((4, 4), name="A")
    k = te.reduce_axis(4, "k")
    with pytest.raises(te.TeError, match="uses reduce axis k outside a reduction over it"):
        te.compute((4,), lambda i: A[i, k], name="bad")


def test_reduction_must_be_the_whole_body():
    A = te.placeholder((4, 4), name="A")
    k = te.reduce_axis(4, "k")
    with pytest.raises(te.TeError, match="must be the whole body of a compute"):
        te.compute((4,), lambda i: te.sum(A[i, k], axis=k) * 2.0, name="bad")


def test_reducer_argument_errors():
    A = te.placeholder((4,), name="A")
    k = te.reduce_axis(4, "k")
    with pytest.raises(te.TeError, match=r"reduces over axes made by te\.reduce_axis"):
        te.sum(A[0], axis=Var("i"))
    with pytest.raises(te.TeError, match="lists a reduce axis twice"):
        te.sum(A[k], axis=[k, k])
    with pytest.raises(te.TeError, match="needs at least one reduce axis"):
        te.sum(A[0], axis=[])


def test_reading_a_plain_buffer_is_an_error():
    raw = decl_buffer((4,), "float32", "raw")
    with pytest.raises(te.TeError, match="reads buffer raw, which is not a te tensor"):
        te.compute((4,), lambda i: raw[i], name="bad")


def test_bad_shapes():
    with pytest.raises(te.TeError, match=r"non-integer extent 2\.5"):
        te.placeholder((2.5,), name="A")
    with pytest.raises(te.TeError, match="negative extent -1"):
        te.placeholder((-1,), name="A")
    with pytest.raises(te.TeError, match="extent of dtype float32"):
        te.placeholder((te.var("f", "float32"),), name="A")
