"""StaticPlanBlockMemory: intermediates share storage across disjoint lifetimes; outputs do not."""

import numpy as np
import pytest

from loom.ir import IRModule, PassError, assert_structural_equal
from loom.ir import graph as G
from loom.script import from_source
from loom.transform import Sequential
from loom.transform.graph import (
    StaticPlanBlockMemory,
    allocated_bytes,
    graph_lowering_passes,
    memory_planning_report,
)

HEADER = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T
"""

KERNELS = """
    @T.prim_func
    def copy(a: T.handle, b: T.handle):
        n = T.int64()
        A = T.match_buffer(a, (n,), "float32")
        B = T.match_buffer(b, (n,), "float32")
        for i in range(n):
            with T.block("B"):
                vi = T.axis.remap("S", [i])
                B[vi] = A[vi] + T.float32(1)

    @T.prim_func
    def head(a: T.handle, b: T.handle):
        n = T.int64()
        m = T.int64()
        A = T.match_buffer(a, (n,), "float32")
        B = T.match_buffer(b, (m,), "float32")
        for i in range(m):
            with T.block("B"):
                vi = T.axis.remap("S", [i])
                B[vi] = A[vi]
"""


def _module(main: str) -> IRModule:
    return from_source(HEADER + "\n@I.ir_module\nclass Module:\n" + main + KERNELS)


def _alloc(var: str, shape: str, dtype: str = "float32") -> str:
    return (
        f'{var} = R.builtin.alloc_tensor(R.shape([{shape}]), dtype="{dtype}", '
        "runtime_device_index=0)"
    )


def _placements(mod: IRModule, name: str = "main") -> dict[str, G.Var]:
    """The storage variable each planned tensor lives in, by tensor name."""
    out = {}
    for block in mod[name].body.blocks:
        for b in block.bindings:
            value = b.value
            if isinstance(value, G.Call) and getattr(value.op, "name", "") == "memory.alloc_tensor":
                out[b.var.name_hint] = value.args[0]
    return out


def _storage_sizes(mod: IRModule, name: str = "main") -> dict[G.Var, object]:
    out = {}
    for block in mod[name].body.blocks:
        for b in block.bindings:
            value = b.value
            if (
                isinstance(value, G.Call)
                and getattr(value.op, "name", "") == "memory.alloc_storage"
            ):
                (size,) = value.args[0].values
                out[b.var] = getattr(size, "value", size)
    return out


def test_a_chain_reuses_storage_and_keeps_its_output():
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor((4,), "float32")):
        cls = Module
        {_alloc("a", "4")}
        _: R.Tuple() = cls.copy(x, a)
        {_alloc("b", "4")}
        _1: R.Tuple() = cls.copy(a, b)
        {_alloc("c", "4")}
        _2: R.Tuple() = cls.copy(b, c)
        {_alloc("d", "4")}
        _3: R.Tuple() = cls.copy(c, d)
        return d
"""
    )
    storage = 'R.memory.alloc_storage(R.shape([16]), virtual_device_index=0, storage_scope="global", dtype="float32")'  # noqa: E501
    expected = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor((4,), "float32")):
        cls = Module
        s0: R.Object = {storage}
        a = R.memory.alloc_tensor(s0, R.prim_value(T.int64(0)), R.shape([4]), dtype="float32")
        _: R.Tuple() = cls.copy(x, a)
        s1: R.Object = {storage}
        b = R.memory.alloc_tensor(s1, R.prim_value(T.int64(0)), R.shape([4]), dtype="float32")
        _1: R.Tuple() = cls.copy(a, b)
        c = R.memory.alloc_tensor(s0, R.prim_value(T.int64(0)), R.shape([4]), dtype="float32")
        _2: R.Tuple() = cls.copy(b, c)
        {_alloc("d", "4")}
        _3: R.Tuple() = cls.copy(c, d)
        return d
"""
    )
    assert_structural_equal(StaticPlanBlockMemory()(before), expected)


def test_tensors_in_a_tuple_live_as_long_as_the_tuple():
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor((4,), "float32")):
        cls = Module
        {_alloc("a", "4")}
        _: R.Tuple() = cls.copy(x, a)
        t = (a, x)
        {_alloc("b", "4")}
        _1: R.Tuple() = cls.copy(x, b)
        {_alloc("c", "4")}
        _2: R.Tuple() = cls.copy(t[0], c)
        {_alloc("d", "4")}
        _3: R.Tuple() = cls.copy(c, d)
        {_alloc("e", "4")}
        _4: R.Tuple() = cls.copy(b, e)
        return (d, e)
"""
    )
    placed = _placements(StaticPlanBlockMemory()(before))
    assert set(placed) == {"a", "b", "c"}  # d and e are returned
    assert placed["b"] is not placed["a"]  # a is still read through the tuple after b is made
    assert len({id(v) for v in placed.values()}) == 3  # c is made while a and b are live


def test_escaping_tensors_keep_their_own_allocation(run_graph):
    before = _module(
        f"""
    @R.function(pure=False)
    def main(x: R.Tensor((4,), "float32")):
        cls = Module
        {_alloc("a", "4")}
        _: R.Tuple() = cls.copy(x, a)
        kept: R.Object = R.call_packed("keep", a, sinfo_args=(R.Object,))
        {_alloc("b", "4")}
        _1: R.Tuple() = cls.copy(x, b)
        {_alloc("c", "4")}
        _2: R.Tuple() = cls.copy(b, c)
        t = (c, x)
        {_alloc("d", "4")}
        _3: R.Tuple() = cls.copy(x, d)
        {_alloc("e", "4")}
        _4: R.Tuple() = cls.copy(d, e)
        return (t, e)
"""
    )
    after = StaticPlanBlockMemory()(before)
    assert set(_placements(after)) == {"b", "d"}  # a goes to a packed function, c is returned
    assert _placements(after)["d"] is _placements(after)["b"]
    kept = []
    out = run_graph(after, "main", np.zeros(4, "float32"), packed={"keep": kept.append})
    np.testing.assert_array_equal(kept[0], np.ones(4))
    np.testing.assert_array_equal(out[0][0], np.full(4, 2.0))


def test_dtypes_do_not_share_and_smaller_storage_grows():
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor((4,), "float32"), y: R.Tensor((8,), "float32")):
        cls = Module
        {_alloc("a", "4")}
        _: R.Tuple() = cls.copy(x, a)
        {_alloc("b", "2")}
        _1: R.Tuple() = cls.head(a, b)
        {_alloc("c", "4", "int32")}
        {_alloc("d", "8")}
        _2: R.Tuple() = cls.copy(y, d)
        {_alloc("e", "8")}
        _3: R.Tuple() = cls.copy(d, e)
        return (b, e)
"""
    )
    after = StaticPlanBlockMemory()(before)
    placed, sizes = _placements(after), _storage_sizes(after)
    assert set(placed) == {"a", "c", "d"}  # b and e are returned
    assert placed["c"] is not placed["a"]  # int32 does not take float32 storage
    assert sizes[placed["c"]] == 16
    assert placed["d"] is placed["a"]  # a is dead: its storage grows from 16 to 32 bytes
    assert sizes[placed["a"]] == 32


def test_symbolic_sizes_share_when_provably_equal_or_fitting():
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor(("n",), "float32"), y: R.Tensor(("m",), "float32")):
        n = T.int64()
        m = T.int64()
        cls = Module
        {_alloc("a", "n")}
        _: R.Tuple() = cls.copy(x, a)
        {_alloc("b", "n")}
        _1: R.Tuple() = cls.copy(a, b)
        {_alloc("c", "n")}
        _2: R.Tuple() = cls.copy(b, c)
        {_alloc("d", "m")}
        _3: R.Tuple() = cls.copy(y, d)
        {_alloc("e", "m")}
        _4: R.Tuple() = cls.copy(d, e)
        {_alloc("f", "n * 2")}
        _5: R.Tuple() = cls.head(c, f)
        return (e, f)
"""
    )
    after = StaticPlanBlockMemory()(before)
    placed = _placements(after)
    assert placed["c"] is placed["a"]  # n bytes each: provably equal
    assert placed["d"] is not placed["a"]  # m is not provably at most n
    assert placed["d"] is not placed["b"]
    sizes = {k: str(v) for k, v in _storage_sizes(after).items()}
    assert sorted(sizes.values()) == sorted(["n * T.int64(4)"] * 2 + ["m * T.int64(4)"])


def test_upper_bounds_make_symbolic_sizes_constant():
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor(("n",), "float32"), y: R.Tensor(("m",), "float32")):
        n = T.int64()
        m = T.int64()
        R.func_attr({{"tir_var_upper_bound": {{"n": 100, "m": 50}}}})
        cls = Module
        {_alloc("a", "n")}
        _: R.Tuple() = cls.copy(x, a)
        {_alloc("b", "n")}
        _1: R.Tuple() = cls.copy(a, b)
        {_alloc("c", "m")}
        _2: R.Tuple() = cls.head(b, c)
        {_alloc("d", "m")}
        _3: R.Tuple() = cls.copy(c, d)
        return d
"""
    )
    after = StaticPlanBlockMemory()(before)
    placed = _placements(after)
    assert placed["c"] is placed["a"]  # m <= 50 < 100 >= n: the bounded storage fits it
    assert sorted(_storage_sizes(after).values()) == [400, 400]
    assert allocated_bytes(after, "main", {"n": 7, "m": 3}) == 800 + 12


@pytest.mark.parametrize("bad", ['{"n": -1}', '{"n": "big"}', "3"])
def test_malformed_upper_bounds_are_errors(bad):
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        R.func_attr({{"tir_var_upper_bound": {bad}}})
        cls = Module
        {_alloc("a", "n")}
        _: R.Tuple() = cls.copy(x, a)
        {_alloc("b", "n")}
        _1: R.Tuple() = cls.copy(a, b)
        return b
"""
    )
    with pytest.raises(PassError, match=r"tir_var_upper_bound|upper bound"):
        StaticPlanBlockMemory()(before)


def test_branches_are_planned_on_their_own(run_graph):
    before = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor((4,), "float32"), c: R.Prim("bool")):
        cls = Module
        {_alloc("a", "4")}
        _: R.Tuple() = cls.copy(x, a)
        if c:
            {_alloc("b", "4")}
            _1: R.Tuple() = cls.copy(a, b)
            {_alloc("e", "4")}
            _2: R.Tuple() = cls.copy(b, e)
            {_alloc("f", "4")}
            _3: R.Tuple() = cls.copy(e, f)
            y = f
        else:
            y = a
        {_alloc("w1", "4")}
        _4: R.Tuple() = cls.copy(x, w1)
        {_alloc("w2", "4")}
        _5: R.Tuple() = cls.copy(w1, w2)
        {_alloc("w3", "4")}
        _6: R.Tuple() = cls.copy(w2, w3)
        {_alloc("z", "4")}
        _7: R.Tuple() = cls.copy(y, z)
        return (z, w3)
"""
    )
    after = StaticPlanBlockMemory()(before)
    (branching,) = (
        b.value for b in after["main"].body.blocks[0].bindings if isinstance(b.value, G.If)
    )
    branch = branching.true_branch
    inner = [
        b.var.name_hint
        for b in branch.blocks[0].bindings
        if getattr(b.value, "op", None) is not None
        and getattr(b.value.op, "name", "") == "memory.alloc_tensor"
    ]
    assert inner == ["b", "e"]  # f is the branch's result
    placed = _placements(after)
    assert "a" in placed  # a may be the If's result: it lives until z is made
    assert placed["w1"] is not placed["a"]
    assert placed["w2"] is not placed["a"]
    x = np.zeros(4, "float32")
    for cond, want in ((True, 5.0), (False, 2.0)):
        z, w3 = run_graph(after, "main", x, cond)
        np.testing.assert_array_equal(z, np.full(4, want))
        np.testing.assert_array_equal(w3, np.full(4, 3.0))


@pytest.mark.parametrize("model", ["mlp", "transformer"])
def test_models_run_right_with_less_memory(models, run_graph, model):
    built = models[model]()
    lowered = Sequential(graph_lowering_passes())(built.module)
    assert "R.memory.alloc_storage" in lowered.script()
    rng = np.random.default_rng(3)
    for size in (1, 6):  # one compile serves both sizes
        args = built.inputs(size, rng)
        np.testing.assert_allclose(
            run_graph(lowered, "main", *args), built.reference(*args), rtol=1e-4, atol=1e-5
        )
    report = memory_planning_report(built.module, "main", {"n": 128})
    assert report.planned < report.unplanned
    expected = {"mlp": (113664, 70656), "transformer": (581632, 319488)}[model]
    assert (report.unplanned, report.planned) == expected
    assert "saved" in str(report)


def test_upper_bound_plans_the_mlp_for_its_largest_batch(models):
    bounded = models["mlp"](attrs={"tir_var_upper_bound": {"n": 256}})
    report = memory_planning_report(bounded.module, "main", {"n": 256})
    lowered = Sequential(graph_lowering_passes())(bounded.module)
    # Two storages of the largest hidden activation; only the output depends on n.
    assert sorted(_storage_sizes(lowered).values()) == [256 * 64 * 4] * 2
    assert report.planned == 2 * 256 * 64 * 4 + 256 * 10 * 4


def test_allocated_bytes_needs_every_size():
    mod = _module(
        f"""
    @R.function(pure=True)
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        cls = Module
        {_alloc("a", "n")}
        _: R.Tuple() = cls.copy(x, a)
        return a
"""
    )
    assert allocated_bytes(mod, "main", {"n": 5}) == 20
    with pytest.raises(PassError, match="give a value for n"):
        allocated_bytes(mod, "main")
    with pytest.raises(PassError, match="graph function"):
        allocated_bytes(mod, "copy")
