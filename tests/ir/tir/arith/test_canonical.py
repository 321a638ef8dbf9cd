"""The canonical sum-of-products form: like terms combined, deterministic term order."""

from strategies import tir_expr_text

from loom.ir import tir
from loom.ir.tir import BufferLoad, IntImm, SizeVar, Var
from loom.ir.tir.arith import Analyzer, expr_equal, simplify

x, y, z = Var("x"), Var("y"), Var("z")
i, j, k = Var("i"), Var("j"), Var("k")


def check(expr, expected, ana=None):
    got = (ana or Analyzer()).simplify(expr)
    assert expr_equal(got, expected), f"{tir_expr_text(got)} != {tir_expr_text(expected)}"


def test_like_terms_combine():
    check(x * 2 + x * 3, x * 5)
    check(x + y - x, y)
    check(x - x, IntImm("int32", 0))
    check((x + 1) - (x - 1), IntImm("int32", 2))
    check(x * 3 - (x + x + x), IntImm("int32", 0))


def test_term_order_is_deterministic():
    check(y + x * 4, x * 4 + y)
    check(j + i * 8 + k * 64, k * 64 + i * 8 + j)
    check(y + x, x + y)
    check(x + x * y, x * y + x)
    check(1 + x, x + 1)
    assert expr_equal(simplify(z + y + x), simplify(x + (z + y)))


def test_negative_terms_are_subtracted():
    check(x - y * 2, x - y * 2)
    check(0 - y * 2 + x, x - y * 2)
    check(3 - x, 3 - x)
    check(0 - x, x * -1)
    check(x - 5, x - 5)


def test_products_expand_while_small():
    check((x + 1) * (y + 1), x * y + x + y + 1)
    check((x + y) * (x - y), x * x - y * y)
    check((i * 4 + j) * 8, i * 32 + j * 8)
    n, m = SizeVar("n"), SizeVar("m")
    check((n + 1) * (m + 1) - n * m - n - m, IntImm("int32", 1))


def test_large_products_stay_factored():
    a = x + y + z + i + j
    b = x + y + z + k
    result = simplify(a * b)
    assert isinstance(result, tir.Mul)
    assert expr_equal(simplify(result), result)


def test_int64_keeps_its_dtype():
    n = Var("n", "int64")
    result = simplify(n * 2 + n + 1)
    assert expr_equal(result, n * 3 + 1)
    assert result.dtype == tir.IntImm("int64", 0).dtype
    assert result.b.dtype == result.dtype


def test_opaque_atoms_combine():
    buf = tir.decl_buffer((16,), "int32", "B")
    check(buf[x] + buf[x], buf[x] * 2)
    check(buf[x + 1 - 1], BufferLoad(buf, (x,)))
    xor = tir.call_intrin("int32", "bitwise_xor", x, y)
    check(xor - tir.call_intrin("int32", "bitwise_xor", x, y), IntImm("int32", 0))


def test_coefficient_overflow_keeps_the_input_shape():
    big = IntImm("int32", 2**30)
    result = simplify(x * big + x * big)
    assert result.dtype == x.dtype  # 2**31 does not fit int32: no canonical coefficient


def test_unchanged_input_is_returned_as_is():
    expr = x * 4 + y
    assert simplify(expr) is expr


def test_canonical_simplify_skips_the_rules():
    ana = Analyzer()
    check(y + x * 4, x * 4 + y, ana)
    assert expr_equal(ana.canonical_simplify(y + x * 4), x * 4 + y)
    kept = tir.min_(x, x)
    assert expr_equal(ana.canonical_simplify(kept), kept)
    assert expr_equal(ana.simplify(kept), x)
