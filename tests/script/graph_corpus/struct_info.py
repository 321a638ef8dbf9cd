"""Graph corpus: every struct info kind in signatures and bindings (Tensor in each degree of
knowledge, Shape, Tuple, Prim, Object, Callable), and the non-tensor values that carry them."""

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import case


@I.ir_module
class StructInfoKinds:
    @R.function
    def main(
        known: R.Tensor(("n", 4), "float32"),
        no_dtype: R.Tensor(("n", 4)),
        rank_only: R.Tensor(dtype="int8", ndim=3),
        dtype_only: R.Tensor(dtype="float16"),
        anything: R.Tensor,
        shape: R.Shape(["n", 4]),
        shape_rank: R.Shape(ndim=2),
        any_shape: R.Shape,
        pair: R.Tuple(R.Tensor((2,), "float32"), R.Tuple()),
        empty: R.Tuple(),
        count: R.Prim("int64"),
        size: R.Prim(value="n"),
        flag: R.Prim("bool"),
        prim: R.Prim,
        obj: R.Object,
        fn: R.Callable((R.Tensor(("n", 4), "float32"),), R.Tensor(("n",), "float32")),
        effect: R.Callable((R.Object,), R.Object, purity=False),
        opaque: R.Callable(None, R.Shape(ndim=1)),
    ):
        n = T.int64()
        a: R.Tensor((n,), "float32") = fn(known)
        b = opaque(obj)
        t: R.Tuple(R.Tensor((n, 4)), R.Object) = (no_dtype, obj)
        c: R.Tensor(ndim=3) = rank_only
        d: R.Object = dtype_only
        e: R.Tensor = anything
        return (a, b, t, c, d, e, shape, shape_rank, any_shape, pair, empty)


@I.ir_module
class ShapeValues:
    @R.function
    def main(x: R.Tensor(("n", "m"), "float32"), s: R.Shape(ndim=2), k: R.Prim(value="j")):
        n = T.int64()
        m = T.int64()
        j = T.int64()
        shape = R.shape([n, m * 2])
        dims = R.shape_of(x)
        count = R.prim_value(n * m)
        small = R.prim_value(3)
        wide = R.prim_value(T.int64(3))
        half = R.prim_value(T.float32(0.5))
        name = R.str('weights\n"quoted"')
        fn = R.ExternFunc("ext.kernel")
        info = (shape, dims, count, small, wide, half, name, fn, k, R.prim_value(j + 1))
        y = R.match_cast(x, R.Tensor(s, "float32"))
        z: R.Tensor(s, "float32") = R.exp(y)
        w = R.reshape(z, shape)
        return (w, info)


CASES = [case("StructInfoKinds"), case("ShapeValues")]
