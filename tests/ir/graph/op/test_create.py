import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.graph.op.base import make_call
from loom.ir.tir.arith import Analyzer, substitute

n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
rng = np.random.default_rng(10)


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


# Each op is called on x: (n, m), whose sizes define n and m for shapes built from them.
CASES = [
    ("zeros", lambda x: R.zeros((n, 2), "int32"), lambda a: np.zeros((a.shape[0], 2), "int32")),
    (
        "ones",
        lambda x: R.ones(G.ShapeExpr((m, n * 2)), "float32"),
        lambda a: np.ones((a.shape[1], a.shape[0] * 2), "float32"),
    ),
    ("full", lambda x: R.full((n, m), 2.5), lambda a: np.full(a.shape, 2.5, "float32")),
    (
        "full_cast",
        lambda x: R.full((2, n), 7, "float32"),
        lambda a: np.full((2, a.shape[0]), 7, "float32"),
    ),
    ("zeros_like", R.zeros_like, np.zeros_like),
    ("ones_like", lambda x: R.ones_like(x, "int64"), lambda a: np.ones_like(a, "int64")),
    ("full_like", lambda x: R.full_like(x, -1.5), lambda a: np.full_like(a, -1.5)),
    ("full_like_int", lambda x: R.full_like(x, 3, "int8"), lambda a: np.full_like(a, 3, "int8")),
    ("tril", R.tril, np.tril),
    ("tril_k", lambda x: R.tril(x, 1), lambda a: np.tril(a, 1)),
    ("triu", R.triu, np.triu),
    ("triu_k", lambda x: R.triu(x, -1), lambda a: np.triu(a, -1)),
    ("arange_static", lambda x: R.arange(1, 10, 3), lambda a: np.arange(1, 10, 3)),
    ("arange_down", lambda x: R.arange(5, -4, -2), lambda a: np.arange(5, -4, -2)),
    (
        "arange_float",
        lambda x: R.arange(0.5, 2.0, 0.25),
        lambda a: np.arange(0.5, 2.0, 0.25, "float32"),
    ),
    ("arange_empty", lambda x: R.arange(4, 1), lambda a: np.arange(4, 1)),
    ("arange_n", lambda x: R.arange(n), lambda a: np.arange(a.shape[0])),
    ("arange_step", lambda x: R.arange(0, m, 2), lambda a: np.arange(0, a.shape[1], 2)),
    (
        "arange_from_n",
        lambda x: R.arange(n, n + 3),
        lambda a: np.arange(a.shape[0], a.shape[0] + 3),
    ),
    (
        "arange_float_n",
        lambda x: R.arange(0, n, dtype="float32"),
        lambda a: np.arange(a.shape[0], dtype="float32"),
    ),
]


def run(lowered, *arrays):
    """Run the prim_func on the arrays of the graph tensors the call passes (constants, and
    the parameters the call uses), sizing the result from the parameters' arrays."""
    sizes = {v: tir.const(k, v.dtype) for v, k in lowered.sizes(*arrays).items()}
    analyzer = Analyzer()

    def value(e):
        return analyzer.simplify(substitute(e, sizes)).value

    by_param = dict(zip(lowered.params, arrays, strict=True))
    inputs = [
        f.data if isinstance(f, G.Constant) else by_param[f] for f in lowered.dps.args[1].fields
    ]
    out_sinfo = lowered.dps.sinfo_args[0]
    out = np.zeros(tuple(value(d) for d in out_sinfo.values), str(out_sinfo.dtype))
    scalars = [value(v) for v in lowered.dps.args[2].values] if len(lowered.dps.args) > 2 else []
    tir.interpret(lowered.func, *inputs, out, *scalars)
    return out


@pytest.mark.parametrize(("label", "make", "ref"), CASES, ids=[c[0] for c in CASES])
def test_legalized_matches_numpy(legalize, label, make, ref):
    lowered = legalize(make, [tensor("x", (n, m))])
    for shape in ((3, 4), (2, 1)):
        a = rng.uniform(-1, 1, shape).astype("float32")
        out, expected = run(lowered, a), ref(a)
        assert out.dtype == expected.dtype
        np.testing.assert_array_equal(out, expected)


def test_full_with_a_tensor_fill_value(legalize):
    lowered = legalize(
        lambda x, v: R.full((n, 2), v, "int32"), [tensor("x", (n,)), tensor("v", (), "float32")]
    )
    out = run(lowered, np.zeros(3, "float32"), np.array(4.75, "float32"))
    np.testing.assert_array_equal(out, np.full((3, 2), 4, "int32"))


def test_symbolic_start_is_passed_to_the_prim_func(legalize):
    lowered = legalize(lambda x: R.arange(n, n + 3), [tensor("x", (n,))])
    assert len(lowered.dps.args) == 3  # (callee, tensors, sizes): n is passed as a scalar
    assert lowered.dps.args[2].values[0] is n


# -- inference -----------------------------------------------------------------------------


def test_filled_inference(infer, assert_shape):
    sinfo, _ = infer(R.zeros((n, 3)))
    assert_shape(sinfo, (n, 3))
    assert str(sinfo.dtype) == "float32"
    sinfo, _ = infer(R.full((2,), 1, "int8"))
    assert str(sinfo.dtype) == "int8"
    sinfo, _ = infer(R.full((2,), True))
    assert str(sinfo.dtype) == "bool"
    sinfo, _ = infer(R.full_like(tensor("x", (n,), "int32"), 1.5))
    assert_shape(sinfo, (n,))
    assert str(sinfo.dtype) == "float32"
    sinfo, _ = infer(R.zeros_like(tensor("x", (n, m), "int32")))
    assert_shape(sinfo, (n, m))
    assert str(sinfo.dtype) == "int32"
    s = G.Var("s", G.ShapeStructInfo(ndim=3))
    sinfo, _ = infer(R.ones(s, "float16"))
    assert sinfo.ndim == 3


def test_arange_inference(infer, assert_shape):
    cases = [
        (R.arange(10), (10,), "int64"),
        (R.arange(2, 11, 3), (3,), "int64"),
        (R.arange(0, -5, -2), (3,), "int64"),
        (R.arange(3, 1), (0,), "int64"),
        (R.arange(0.0, 1.0, 0.3), (4,), "float32"),
        # A scalar bound may be negative (it is not known to be a size): an empty range then.
        (R.arange(n), (tir.max_(n, 0),), "int64"),
        (R.arange(n, n + m), (tir.max_(m, 0),), "int64"),
        (R.arange(0, n, 1, "float32"), (tir.max_(n, 0),), "float32"),
    ]
    for call, shape, dtype in cases:
        sinfo, _ = infer(call)
        assert_shape(sinfo, shape)
        assert str(sinfo.dtype) == dtype
    sinfo, checks = infer(R.arange(0, n, m))
    assert sinfo.ndim == 1
    assert "step must not be 0" in checks[0].message
    sinfo, _ = infer(R.arange(G.PrimValue(tir.Var("f", "float32")), 4.0))
    assert sinfo.shape is None
    assert sinfo.ndim == 1


def test_errors(infer):
    with pytest.raises(StructInfoError, match=r"R.arange: step must not be 0"):
        infer(R.arange(0, 4, 0))
    with pytest.raises(StructInfoError, match=r"R.arange takes start as a scalar value"):
        infer(R.arange(tensor("x", (2,)), 4))
    with pytest.raises(StructInfoError, match=r"R.arange makes numbers, not bool"):
        infer(R.arange(0, 4, 1, "bool"))
    with pytest.raises(
        StructInfoError,
        match=r"R.full fills with a scalar \(a 0-d tensor\), not a tensor of rank 1",
    ):
        infer(R.full((2,), tensor("v", (2,))))
    with pytest.raises(StructInfoError, match=r"R.zeros takes its shape as a shape value"):
        infer(R.zeros(tensor("s", (2,))))
    with pytest.raises(StructInfoError, match=r"R.tril needs a tensor of rank 2 or more, not 1"):
        infer(R.tril(tensor("x", (n,))))
    with pytest.raises(TypeCheckError, match=r"attribute 'k' of R.triu must be int"):
        R.triu(tensor("x", (n, n)), 0.5)
    with pytest.raises(TypeCheckError, match=r"R.zeros needs attribute 'dtype'"):
        make_call("zeros", (G.ShapeExpr((2,)),))
