"""LowerCallDPS: call_dps becomes output allocations plus a direct call with the outputs."""

import numpy as np
import pytest

from loom.ir import IRModule, PassError, StructInfoError, assert_structural_equal
from loom.ir import graph as G
from loom.script import from_source
from loom.transform.graph import LowerCallDPS, ToNonDataflow

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
                B[vi] = A[vi]

    @T.prim_func
    def fill(a: T.handle, b: T.handle, c: T.handle, m: T.int64):
        n = T.int64()
        A = T.match_buffer(a, (n,), "float32")
        B = T.match_buffer(b, (n,), "float32")
        C = T.match_buffer(c, (m,), "float32")
        for i in range(n):
            with T.block("B"):
                vi = T.axis.remap("S", [i])
                B[vi] = A[vi] * T.float32(2)
        for i in range(m):
            with T.block("C"):
                vi = T.axis.remap("S", [i])
                C[vi] = T.Cast("float32", vi)
"""


def _module(main: str) -> IRModule:
    return from_source(HEADER + "\n@I.ir_module\nclass Module:\n" + main + KERNELS)


def test_a_prim_func_call_gets_its_output_allocated():
    before = _module(
        """
    @R.function
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        cls = Module
        y = R.call_dps(cls.copy, (x,), out_sinfo=R.Tensor((n,), "float32"))
        return y
"""
    )
    expected = _module(
        """
    @R.function(pure=True)
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        cls = Module
        y = R.builtin.alloc_tensor(R.shape([n]), dtype="float32", runtime_device_index=0)
        _: R.Tuple() = cls.copy(x, y)
        return y
"""
    )
    assert_structural_equal(LowerCallDPS()(before), expected)


def test_tuple_outputs_sizes_and_extern_callees():
    before = _module(
        """
    @R.function(pure=False)
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        cls = Module
        y = R.call_dps(
            cls.fill,
            (x,),
            out_sinfo=[R.Tensor((n,), "float32"), R.Tensor((n + 1,), "float32")],
            tir_vars=R.shape([n + 1]),
        )
        z = R.call_dps("ext", (x, y[0]), out_sinfo=R.Tensor((n,), "float32"))
        return (z, y[1])
"""
    )
    expected = _module(
        """
    @R.function(pure=False)
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        cls = Module
        a = R.builtin.alloc_tensor(R.shape([n]), dtype="float32", runtime_device_index=0)
        b = R.builtin.alloc_tensor(R.shape([n + 1]), dtype="float32", runtime_device_index=0)
        _: R.Tuple() = cls.fill(x, a, b, R.prim_value(n + 1))
        y = (a, b)
        z = R.builtin.alloc_tensor(R.shape([n]), dtype="float32", runtime_device_index=0)
        _1: R.Tuple() = R.call_packed("ext", x, y[0], z, sinfo_args=(R.Tuple(),))
        return (z, y[1])
"""
    )
    assert_structural_equal(LowerCallDPS()(before), expected)


def test_lowered_code_computes_what_call_dps_did(run_graph):
    before = _module(
        """
    @R.function
    def main(x: R.Tensor(("n",), "float32"), c: R.Prim("bool")):
        n = T.int64()
        cls = Module
        with R.dataflow():
            y = R.call_dps(
            cls.fill,
            (x,),
            out_sinfo=[R.Tensor((n,), "float32"), R.Tensor((n + 1,), "float32")],
            tir_vars=R.shape([n + 1]),
        )
            R.output(y)
        if c:
            z = R.call_dps(cls.copy, (y[0],), out_sinfo=R.Tensor((n,), "float32"))
        else:
            z = R.call_dps("negate", (x,), out_sinfo=R.Tensor((n,), "float32"))
        return (z, y[1])
"""
    )
    after = LowerCallDPS()(ToNonDataflow()(before))
    assert "call_dps" not in after.script()

    def negate(a, out):
        out[...] = -a

    x = np.arange(3, dtype="float32")
    for cond in (True, False):
        want = run_graph(before, "main", x, cond, packed={"negate": negate})
        got = run_graph(after, "main", x, cond, packed={"negate": negate})
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(got[1], np.arange(4, dtype="float32"))


def test_call_dps_in_a_dataflow_block_is_an_error():
    before = _module(
        """
    @R.function
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        cls = Module
        with R.dataflow():
            y = R.call_dps(cls.copy, (x,), out_sinfo=R.Tensor((n,), "float32"))
            R.output(y)
        return y
"""
    )
    with pytest.raises(PassError, match="run ToNonDataflow first"):
        LowerCallDPS()(before)


def test_outputs_of_unknown_shape_cannot_be_allocated():
    before = _module(
        """
    @R.function
    def main(x: R.Tensor(("n",), "float32")):
        y = R.call_dps("ext", (x,), out_sinfo=R.Tensor(dtype="float32", ndim=1))
        return y
"""
    )
    with pytest.raises(PassError, match="needs a known shape") as info:
        LowerCallDPS()(before)
    assert info.value.span is not None


def test_direct_prim_func_calls_check_their_arguments():
    mod = _module(
        """
    @R.function
    def main(x: R.Tensor(("n",), "float32")):
        return x
"""
    )
    x = mod["main"].params[0]
    gv = mod.global_var("copy")
    normalizer = G.Normalizer(mod)
    call = normalizer.normalize(G.Call(gv, (x, x)))
    assert_structural_equal(call.struct_info, G.TupleStructInfo(()))
    assert not _is_pure(call, mod)  # a prim_func writes the outputs it is passed
    with pytest.raises(StructInfoError, match="takes 2 arguments"):
        normalizer.normalize(G.Call(gv, (x,)))
    i = G.Var("i", G.TensorStructInfo((3,), "int32"))
    with pytest.raises(StructInfoError, match="float32 tensor of rank 1"):
        normalizer.normalize(G.Call(gv, (x, i)))


def _is_pure(call, mod) -> bool:
    from loom.ir.graph.well_formed import is_pure_callee

    return is_pure_callee(call.op, mod)
