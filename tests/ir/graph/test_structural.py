from loom.ir import graph as G
from loom.ir import structural_equal, structural_hash, tir
from loom.ir.graph import op as R


def make(shape_x, shape_w, name="main"):
    """f(x, w) = exp(matmul(x, w)), built with the given (symbolic) shapes."""
    x = G.Var("x", G.TensorStructInfo(shape_x, "float32"))
    w = G.Var("w", G.TensorStructInfo(shape_w, "float32"))
    bb = G.BlockBuilder()
    with bb.function(name, [x, w]):
        with bb.dataflow():
            y = bb.emit_output(R.exp(R.matmul(x, w)))
        bb.emit_func_output(y)
    return bb.get()[name]


def sizes(*names):
    return [tir.Var(n, "int64") for n in names]


def test_symbolic_sizes_compare_positionally():
    n, k, m = sizes("n", "k", "m")
    a, b, c = sizes("a", "b", "c")
    f, g = make((n, k), (k, m)), make((a, b), (b, c))
    assert structural_equal(f, g)
    assert structural_hash(f) == structural_hash(g)


def test_repeated_size_differs_from_distinct_sizes():
    n, m = sizes("n", "m")
    x1 = G.Var("x", G.TensorStructInfo((n, n), "float32"))
    x2 = G.Var("x", G.TensorStructInfo((n, m), "float32"))
    f1 = G.Function((x1,), G.SeqExpr((), x1))
    f2 = G.Function((x2,), G.SeqExpr((), x2))
    assert not structural_equal(f1, f2)
    assert structural_hash(f1) != structural_hash(f2)


def test_variable_names_do_not_matter_but_structure_does():
    n, k, m = sizes("n", "k", "m")
    assert structural_equal(make((n, k), (k, m)), make((n, k), (k, m)))
    # The name is the global_symbol attribute, which is compared.
    assert not structural_equal(make((n, k), (k, m)), make((n, k), (k, m), name="other"))
    assert not structural_equal(make((n, k), (k, m)), make((n, k), (k, 4)))


def test_derived_struct_info_is_not_compared():
    n = tir.Var("n", "int64")
    x = G.Var("x", G.TensorStructInfo((n,), "float32"))
    bare = G.Call(G.Op.get("exp"), (x,))
    normalized = G.Normalizer().normalize(bare)
    assert normalized.struct_info is not None
    assert bare.struct_info is None
    assert structural_equal(bare, normalized)
