import numpy as np
import pytest

from loom.ir import StructInfoError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

s, t = tir.Var("s", "int64"), tir.Var("t", "int64")
rng = np.random.default_rng(5)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return rng.standard_normal(shape).astype("float32")


def attention_ref(q, k, v, bias=None, scale=None, causal=None):
    """(B, S, H, D) attention in float64; masked scores are excluded from the softmax."""
    q, k, v = (a.astype("float64").transpose(0, 2, 1, 3) for a in (q, k, v))
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(0, 1, 3, 2) * scale
    if bias is not None:
        scores = scores + bias
    sq, sk = scores.shape[-2:]
    i, j = np.arange(sq)[:, None], np.arange(sk)[None, :]
    if causal == "TopLeft":
        scores = np.where(j <= i, scores, -np.inf)
    elif causal == "BottomRight":
        scores = np.where(j <= i + sk - sq, scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return (weights @ v).transpose(0, 2, 1, 3)


def test_attention_shapes(infer, assert_shape):
    q, k, v = var("q", (2, s, 4, 8)), var("k", (2, t, 4, 8)), var("v", (2, t, 4, 6))
    sinfo, checks = infer(R.attention(q, k, v))
    assert_shape(sinfo, (2, s, 4, 6))
    assert checks == []
    sinfo, _ = infer(R.attention(q, k, v, var("b", (4, 1, t)), scale=0.5, causal_mask="TopLeft"))
    assert_shape(sinfo, (2, s, 4, 6))


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        (((2, 3, 4, 8), (2, 5, 4, 7), (2, 5, 4, 8)), r"query and key head dims differ: 8 vs 7"),
        (((2, 3, 4, 8), (2, 5, 2, 8), (2, 5, 4, 8)), r"query and key head counts differ: 4 vs 2"),
        (((2, 3, 4, 8), (2, 5, 4, 8), (1, 5, 4, 8)), r"query and value batch sizes differ: 2 vs 1"),
        (((2, 3, 4, 8), (2, 5, 4, 8), (2, 6, 4, 8)), r"key and value sequence lengths differ"),
        (((2, 3, 8), (2, 5, 4, 8), (2, 5, 4, 8)), r"query must have rank 4, not 3"),
    ],
)
def test_attention_shape_errors(infer, shapes, message):
    q, k, v = (var(n, sh) for n, sh in zip("qkv", shapes))
    with pytest.raises(StructInfoError, match=message):
        infer(R.attention(q, k, v))


def test_attention_attribute_and_bias_errors(infer):
    q, k, v = var("q", (1, 3, 2, 4)), var("k", (1, 5, 2, 4)), var("v", (1, 5, 2, 4))
    with pytest.raises(StructInfoError, match=r"causal_mask must be one of None, 'TopLeft', "):
        R.attention(q, k, v, causal_mask="Upper")
    with pytest.raises(StructInfoError, match="scale must be a finite number"):
        R.attention(q, k, v, scale=float("inf"))
    with pytest.raises(
        StructInfoError,
        match=r"bias axis 1 \(size 4\) does not broadcast to "
        r"the key length 5",
    ):
        infer(R.attention(q, k, v, var("b", (3, 4))))
    with pytest.raises(StructInfoError, match="needs operands of one dtype"):
        infer(R.attention(q, k, var("v16", (1, 5, 2, 4), "float16")))
    _, checks = infer(R.attention(q, k, v, var("b", (t, 5))))
    assert [c.message for c in checks] == [
        "R.nn.attention: bias axis 0 (size t) does not broadcast to the query length 3"
    ]


@pytest.mark.parametrize("causal", [None, "TopLeft", "BottomRight"])
def test_attention_legalizes_with_masks(legalize, causal):
    leg = legalize(
        lambda q, k, v: R.attention(q, k, v, causal_mask=causal),
        [var("q", (1, s, 2, 4)), var("k", (1, t, 2, 4)), var("v", (1, t, 2, 3))],
    )
    for sq, sk in ((3, 3), (2, 5)):
        q, k, v = rand(1, sq, 2, 4), rand(1, sk, 2, 4), rand(1, sk, 2, 3)
        np.testing.assert_allclose(
            leg.run(q, k, v), attention_ref(q, k, v, causal=causal), rtol=1e-5, atol=1e-6
        )


def test_attention_with_bias_and_scale(legalize):
    leg = legalize(
        lambda q, k, v, b: R.attention(q, k, v, b, scale=0.3),
        [
            var("q", (2, 3, 2, 4)),
            var("k", (2, 4, 2, 4)),
            var("v", (2, 4, 2, 4)),
            var("b", (2, 1, 3, 4)),
        ],
    )
    q, k, v, b = rand(2, 3, 2, 4), rand(2, 4, 2, 4), rand(2, 4, 2, 4), rand(2, 1, 3, 4)
    np.testing.assert_allclose(
        leg.run(q, k, v, b), attention_ref(q, k, v, b, scale=0.3), rtol=1e-5, atol=1e-6
    )


def test_attention_symbolic_head_dim_scale(legalize):
    d = tir.Var("d", "int64")
    leg = legalize(
        R.attention, [var("q", (1, 2, 1, d)), var("k", (1, 3, 1, d)), var("v", (1, 3, 1, 2))]
    )
    for dim in (2, 5):
        q, k, v = rand(1, 2, 1, dim), rand(1, 3, 1, dim), rand(1, 3, 1, 2)
        np.testing.assert_allclose(leg.run(q, k, v), attention_ref(q, k, v), rtol=1e-5, atol=1e-6)


def test_attention_matches_torch(legalize):
    torch = pytest.importorskip("torch")
    q, k, v = rand(1, 3, 2, 4), rand(1, 5, 2, 4), rand(1, 5, 2, 4)
    leg = legalize(
        lambda q, k, v: R.attention(q, k, v, causal_mask="BottomRight"),
        [var("q", q.shape), var("k", k.shape), var("v", v.shape)],
    )
    bias = torch.ones(3, 5, dtype=torch.bool).tril(diagonal=5 - 3)  # bottom-right aligned
    qt, kt, vt = (torch.from_numpy(a).transpose(1, 2) for a in (q, k, v))
    want = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, attn_mask=bias)
    np.testing.assert_allclose(leg.run(q, k, v), want.transpose(1, 2).numpy(), rtol=1e-5, atol=1e-6)
