"""loom.build: what it accepts, how functions are named, what calls accept, and targets."""

import numpy as np
import pytest

import loom
from loom.codegen import CodegenError, Target, TargetError
from loom.codegen.llvm.machine import machine_for
from loom.ir import IRModule
from loom.script import ir as I
from loom.script import tir as T


@T.prim_func
def axpy(a: T.handle, b: T.handle, alpha: T.float32):
    n = T.int64()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    for i in range(n):
        B[i] = B[i] + alpha * A[i]


def test_a_prim_func_is_exported_as_main():
    rt = loom.build(axpy)
    assert rt.function_names() == ["main"]
    a, b = np.arange(5, dtype="float32"), np.ones(5, "float32")
    assert rt["main"](a, b, 2.0) is None
    np.testing.assert_array_equal(b, 1 + 2 * np.arange(5))


def test_ndarrays_and_python_numbers_are_accepted():
    a = loom.ffi.array(np.arange(3, dtype="float32"))
    b = loom.ffi.array(np.zeros(3, "float32"))
    loom.build(axpy)["main"](a, b, 3)  # an int for a float param
    np.testing.assert_array_equal(b.numpy(), [0, 3, 6])


@I.ir_module
class Two:
    @T.prim_func
    def double(A: T.Buffer((4,), "int32")):
        T.func_attr({"global_symbol": "double"})
        for i in range(4):
            A[i] = A[i] * 2

    @T.prim_func(private=True)
    def negate(A: T.Buffer((4,), "int32")):
        for i in range(4):
            A[i] = 0 - A[i]


def test_every_function_of_a_module_is_exported_by_name():
    rt = loom.build(Two)
    assert sorted(rt.function_names()) == ["double", "negate"]
    a = np.arange(4, dtype="int32")
    rt["double"](a)
    rt["negate"](a)
    np.testing.assert_array_equal(a, [0, -2, -4, -6])


def test_graph_functions_and_empty_modules_are_refused():
    with pytest.raises(CodegenError, match="build needs at least one prim_func"):
        loom.build(IRModule())
    with pytest.raises(CodegenError, match="takes a PrimFunc or an IRModule"):
        loom.build("main")


def test_target_strings():
    host = Target()
    assert host.mcpu
    assert Target.parse("llvm") == host
    fast = Target.parse("llvm -fast-math -opt-level=2 -num-threads=2")
    assert (fast.fast_math, fast.opt_level, fast.num_threads) == (True, 2, 2)
    assert Target.parse(str(fast)) == fast
    with pytest.raises(TargetError, match="unknown target kind 'cuda'"):
        Target.parse("cuda")
    with pytest.raises(TargetError, match="unknown target option '-O3'"):
        Target.parse("llvm -O3")


def test_the_target_machine_is_built_once():
    assert machine_for(Target()) is machine_for(Target.parse("llvm"))


@T.prim_func
def blocky(A: T.Buffer((4, 4), "float32"), B: T.Buffer((4,), "float32")):
    for i, k in T.grid(4, 4):
        with T.block("sum"):
            vi, vk = T.axis.remap("SR", [i, k])
            with T.init():
                B[vi] = T.float32(0)
            B[vi] = B[vi] + A[vi, vk]


def test_blocks_are_lowered_by_build_but_refused_by_raw_codegen():
    a = np.arange(16, dtype="float32").reshape(4, 4)
    b = np.zeros(4, "float32")
    loom.build(blocky)["main"](a, b)
    np.testing.assert_array_equal(b, a.sum(axis=1))
    from loom.codegen.llvm import compile_module
    from loom.transform.tir.make_packed_api import MakePackedAPI

    raw = MakePackedAPI()(IRModule.from_functions({"main": blocky}))
    with pytest.raises(CodegenError, match="block 'sum' reached codegen"):
        compile_module(raw, Target())


def test_bad_arguments_fail_with_the_parameter_named():
    f = loom.build(axpy)["main"]
    with pytest.raises(
        loom.LoomError, match="main: argument B: shape\\[0\\] expected 3 \\(n\\) but got 4"
    ):
        f(np.zeros(3, "float32"), np.zeros(4, "float32"), 1.0)
    with pytest.raises(
        loom.LoomError, match="main: argument A: dtype expected float32 but got float64"
    ):
        f(np.zeros(3), np.zeros(3, "float32"), 1.0)
    with pytest.raises(
        loom.LoomError, match="main: expected 3 arguments \\(A, B, alpha\\) but got 2"
    ):
        f(np.zeros(3, "float32"), np.zeros(3, "float32"))
