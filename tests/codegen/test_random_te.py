"""hypothesis: random elementwise, broadcast and reduction prim_funcs built with te compile and
compute what the reference interpreter computes."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import loom
from loom.ir.tir import Cast, Select, const, floordiv, floormod, interpret, max_, min_, te, truncdiv
from loom.ir.tir import op as tir_op

FLOATS = ("float32", "float64", "float16")
INTS = ("int32", "int8", "int64", "uint8", "uint32")
SETTINGS = settings(max_examples=25, deadline=None)


@st.composite
def scalar_exprs(draw, leaves, dtype, depth=3):
    """A random expression of `dtype` over `leaves` (callables giving loads of that dtype).

    Integer programs never overflow (the reference interpreter wraps, the simplifier assumes
    no overflow): leaves stay within [-9, 9] (unsigned [0, 9]), narrow types do not multiply,
    and unsigned subtraction is taken of the larger operand.
    """
    is_float = dtype.startswith("float")
    narrow = not is_float and int(dtype.lstrip("uint")) <= 16
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return draw(st.sampled_from(leaves))()
        value = draw(st.floats(-3, 3, width=16)) if is_float else draw(st.integers(0, 9))
        return const(value, dtype)
    sub = scalar_exprs(leaves, dtype, depth - 1)
    a, b = draw(sub), draw(sub)
    if is_float:
        kind = draw(st.sampled_from(["add", "sub", "mul", "max", "min", "select", "abs", "exp",
                                     "sqrt", "floor", "div"]))  # fmt: skip
    else:
        kinds = ["add", "sub", "max", "min", "select", "floordiv", "floormod", "truncdiv", "and",
                 "xor", "shr", "cast"] + ([] if narrow else ["mul"])  # fmt: skip
        kind = draw(st.sampled_from(kinds))
    if kind == "add":
        return a + b
    if kind == "sub":
        return max_(a, b) - min_(a, b) if dtype.startswith("u") else a - b
    if kind == "mul":
        return a * b
    if kind == "max":
        return max_(a, b)
    if kind == "min":
        return min_(a, b)
    if kind == "select":
        return Select(a < b, a, b)
    if kind == "abs":
        return tir_op.call_intrin(dtype, "fabs", a)
    if kind == "exp":  # bounded argument: no overflow to inf and then inf - inf
        return tir_op.exp(min_(a, const(4.0, dtype)))
    if kind == "sqrt":
        return tir_op.sqrt(tir_op.call_intrin(dtype, "fabs", a))
    if kind == "floor":
        return tir_op.call_intrin(dtype, "floor", a)
    if kind == "div":
        return a / (tir_op.call_intrin(dtype, "fabs", b) + const(1.0, dtype))
    divisor = const(draw(st.sampled_from([1, 2, 3, 7])), dtype)
    if kind == "floordiv":
        return floordiv(a, divisor)
    if kind == "floormod":
        return floormod(a, divisor)
    if kind == "truncdiv":
        return truncdiv(a, divisor)
    if kind == "and":
        return a & b
    if kind == "xor":
        return a ^ b
    if kind == "shr":
        return a >> const(draw(st.integers(0, 7)), dtype)
    # kind == "cast": through float64 (exact up to 32 bits) or through a narrower integer (wraps)
    if int(dtype.lstrip("uint")) <= 32:
        return Cast(dtype, Cast("float64", a))
    return Cast(dtype, Cast("int16" if dtype.startswith("int") else "uint16", a))


def values(rng, shape, dtype):
    if dtype.startswith("float"):
        return rng.uniform(-4, 4, shape).astype(dtype)
    return rng.integers(0 if dtype.startswith("u") else -9, 9, shape, endpoint=True).astype(dtype)


def check(func, arrays, outputs):
    compiled = [a.copy() for a in arrays]
    loom.build(func)["main"](*compiled)
    interpret(func, *arrays)
    for k in outputs:
        got, want = compiled[k], arrays[k]
        if got.dtype.kind == "f":
            tol = 2e-3 if got.dtype == np.float16 else 1e-5
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
        else:
            np.testing.assert_array_equal(got, want, err_msg=func.script())


dtypes = st.sampled_from(FLOATS + INTS)
extents = st.integers(1, 5)


@SETTINGS
@given(dtype=dtypes, shape=st.lists(extents, min_size=1, max_size=3), inputs=st.integers(1, 3),
       symbolic=st.booleans(), data=st.data(), seed=st.integers(0, 2**32 - 1))  # fmt: skip
def test_elementwise(dtype, shape, inputs, symbolic, data, seed):
    dims = [te.size_var("n") if symbolic and k == 0 else e for k, e in enumerate(shape)]
    tensors = [te.placeholder(dims, dtype, name=f"A{k}") for k in range(inputs)]
    holder = {}
    leaves = [lambda t=t: t[holder["axis"]] for t in tensors]
    out = te.compute(dims, lambda *axis: _bind(leaves, holder, axis, data, dtype), name="B")
    func = te.create_prim_func([*tensors, out])
    rng = np.random.default_rng(seed)
    arrays = [values(rng, shape, dtype) for _ in range(inputs)] + [np.zeros(shape, dtype)]
    check(func, arrays, [inputs])


def _bind(leaves, holder, axis, data, dtype):
    """Draw the body of a compute whose axis variables are `axis`."""
    holder["axis"] = axis
    return data.draw(scalar_exprs(leaves, dtype))


@SETTINGS
@given(dtype=dtypes, n=extents, m=extents, row=st.booleans(), data=st.data(),
       seed=st.integers(0, 2**32 - 1))  # fmt: skip
def test_broadcast(dtype, n, m, row, data, seed):
    big = te.placeholder((n, m), dtype, name="A")
    small = te.placeholder((m,) if row else (n, 1), dtype, name="V")
    holder = {}
    leaves = [
        lambda: big[holder["axis"]],
        lambda: small[holder["axis"][1]] if row else small[holder["axis"][0], 0],
    ]
    out = te.compute((n, m), lambda i, j: _bind(leaves, holder, (i, j), data, dtype), name="B")
    func = te.create_prim_func([big, small, out])
    rng = np.random.default_rng(seed)
    arrays = [values(rng, (n, m), dtype), values(rng, (m,) if row else (n, 1), dtype),
              np.zeros((n, m), dtype)]  # fmt: skip
    check(func, arrays, [2])


@SETTINGS
@given(dtype=dtypes, n=extents, k=st.integers(1, 9), reducer=st.sampled_from(["sum", "max", "min"]),
       symbolic=st.booleans(), data=st.data(), seed=st.integers(0, 2**32 - 1))  # fmt: skip
def test_reduction(dtype, n, k, reducer, symbolic, data, seed):
    rows = te.size_var("n") if symbolic else n
    A = te.placeholder((rows, k), dtype, name="A")
    r = te.reduce_axis((0, k), name="r")
    holder = {}
    leaves = [lambda: A[holder["axis"]]]
    fold = {"sum": te.sum, "max": te.max, "min": te.min}[reducer]
    out = te.compute(
        (rows,), lambda i: fold(_bind(leaves, holder, (i, r.var), data, dtype), axis=r), name="B"
    )
    func = te.create_prim_func([A, out])
    rng = np.random.default_rng(seed)
    arrays = [values(rng, (n, k), dtype), np.zeros((n,), dtype)]
    check(func, arrays, [1])
