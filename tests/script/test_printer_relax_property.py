"""Property: random graph functions built with BlockBuilder from random operator chains (dataflow
and plain blocks, match_cast, tuples, constants, packed calls, clashing name hints) print, parse
back structurally equal, and print the same text again."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from loom.ir import assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.script import from_source
from loom.script.printer import script

HINTS = ["x", "y", "n", "lv", "gv", "", "cls", "T", "x_1", "out"]
UNARY = [R.exp, R.negative, R.sqrt, R.tanh, R.abs, R.sigmoid]
BINARY = [R.add, R.subtract, R.multiply, R.maximum]
PURE_STEPS = ["unary", "binary", "flatten", "tuple", "match_cast", "const", "attrs"]


class _Chain:
    """Emits random steps into `bb`, keeping the values that later steps may use."""

    def __init__(self, draw, bb: G.BlockBuilder, values: list[G.Var]):
        self.draw, self.bb, self.values = draw, bb, values

    def hint(self) -> str:
        return self.draw(st.sampled_from(HINTS))

    def pick(self) -> G.Var:
        return self.draw(st.sampled_from(self.values))

    def step(self, kind: str) -> G.Var:
        draw, bb = self.draw, self.bb
        x = self.pick()
        if kind == "unary":
            value = draw(st.sampled_from(UNARY))(x)
        elif kind == "binary":
            same = [v for v in self.values if script(v.struct_info) == script(x.struct_info)]
            value = draw(st.sampled_from(BINARY))(x, draw(st.sampled_from(same)))
        elif kind == "flatten":
            value = R.flatten(x)
        elif kind == "tuple":
            pair = bb.emit(G.Tuple((x, self.pick())), self.hint())
            value = G.TupleGetItem(pair, draw(st.integers(0, 1)))
        elif kind == "match_cast":
            fresh = tir.Var(self.hint() or "k", "int64")
            rank, dt = x.struct_info.ndim, x.struct_info.dtype
            unknown = bb.match_cast(x, G.TensorStructInfo(ndim=rank, dtype=dt))
            sizes = (fresh, *(tir.Var("d", "int64") for _ in range(rank - 1)))[:rank]
            return bb.match_cast(unknown, G.TensorStructInfo(sizes, dt), self.hint())
        elif kind == "const":
            # Broadcasting (count, 1) against (size,) always works; 20 rows go to metadata.
            count = draw(st.sampled_from([1, 20]))
            data = np.linspace(-1.0, 1.0, count).reshape(count, 1)
            data = data.astype(x.struct_info.dtype.numpy)
            value = R.add(R.flatten(x), G.Constant(data))
        elif kind == "attrs":
            value = self.with_attrs(x)
        else:  # packed
            value = R.call_packed("my_log", x, sinfo_args=x.struct_info)
        return bb.emit(value, self.hint())

    def with_attrs(self, x: G.Var) -> G.Call:
        """An op call that carries attributes (ints, bools, floats, tuples, dtypes, None)."""
        draw, rank = self.draw, x.struct_info.ndim
        if rank == 0:
            return R.exp(x)
        axes = draw(st.lists(st.integers(0, rank - 1), unique=True, min_size=1, max_size=rank))
        choices = [
            lambda: R.sum(x, tuple(axes), keepdims=draw(st.booleans())),
            lambda: R.mean(x, draw(st.sampled_from([None, axes[0]]))),
            lambda: R.permute_dims(x, draw(st.sampled_from([None, tuple(reversed(range(rank)))]))),
            lambda: R.clip(x, draw(st.floats(-2, 0)), draw(st.floats(0, 2))),
            lambda: R.astype(x, draw(st.sampled_from(["float32", "float16"]))),
            lambda: R.softmax(x, axis=axes[0]),
            lambda: R.matmul(x, R.permute_dims(x), draw(st.sampled_from([None, "float16"]))),
        ]
        return draw(st.sampled_from(choices))()


@st.composite
def graph_modules(draw):
    n, m = tir.Var("n", "int64"), tir.Var("m", "int64")
    shapes = draw(st.lists(st.sampled_from([(n, 4), (n,), (4, m), (n, m)]), min_size=1, max_size=3))
    params = [G.Var(draw(st.sampled_from(HINTS)), G.TensorStructInfo(s, "float32")) for s in shapes]
    bb = G.BlockBuilder()
    with bb.function("main", params):
        chain = _Chain(draw, bb, list(params))
        if draw(st.booleans()):
            with bb.dataflow():
                local = _Chain(draw, bb, list(params))
                for kind in draw(st.lists(st.sampled_from(PURE_STEPS), min_size=1, max_size=5)):
                    local.values.append(local.step(kind))
                chain.values.append(bb.emit_output(local.values[-1], chain.hint()))
        steps = st.sampled_from([*PURE_STEPS, "packed"])
        for kind in draw(st.lists(steps, max_size=5)):
            chain.values.append(chain.step(kind))
        results = draw(st.lists(st.sampled_from(chain.values), min_size=1, max_size=3))
        bb.emit_func_output(results[0] if len(results) == 1 else G.Tuple(tuple(results)))
    return bb.get()


@settings(max_examples=150, deadline=None)
@given(graph_modules())
def test_random_graph_modules_round_trip(module):
    text = script(module)
    parsed = from_source(text)
    assert_structural_equal(parsed, module)
    assert script(parsed) == text
