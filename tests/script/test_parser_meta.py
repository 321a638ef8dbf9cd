"""Meta-programming: Python values of the enclosing scope, evaluated when the script is parsed."""

import numpy as np

from loom.ir import DataType, assert_structural_equal, tir
from loom.script import from_source
from loom.script import tir as T

N = 64
SHAPE = (4, 8)
DTYPE = "float16"
USE_BIAS = True
GLOBAL_N = tir.Var("gn", "int32")


def imm(dtype, value):
    return tir.IntImm(dtype, value)


def relu(x):
    """A Python helper a script can call: it builds IR from IR arguments."""
    return T.max(x, T.float32(0))


@T.prim_func
def uses_globals(A: T.Buffer((N * 2,), "float32"), B: T.Buffer(SHAPE, DTYPE)):
    for i in range(N * 2):
        A[i] = relu(A[i]) + N // 4
    for i, j in T.grid(*SHAPE):
        B[i, j] = T.Cast(DTYPE, A[i * SHAPE[1] + j])


def test_module_globals_in_shapes_extents_and_expressions():
    A, B = (uses_globals.buffer_map[p] for p in uses_globals.params)
    assert_structural_equal(A.shape, (imm("int32", 128),))
    assert_structural_equal(B.shape, (imm("int32", 4), imm("int32", 8)))
    assert B.dtype == DataType.parse("float16")
    first, second = uses_globals.body.seq
    assert first.extent.value == 128
    value = first.body.value
    assert isinstance(value.a, tir.Max)  # from the Python helper
    assert_structural_equal(value.b, tir.FloatImm("float32", 16.0))  # N // 4 folded by Python
    assert second.body.extent.value == 8
    index = second.body.body.value.value.indices[0]
    i, j = second.loop_var, second.body.loop_var
    assert_structural_equal(index, tir.Add(tir.Mul(i, imm("int32", 8)), j))


def test_enclosing_function_locals_and_closures():
    tile = 4
    scale = np.float32(0.5)
    count = np.int64(3)

    @T.prim_func
    def scaled(A: T.Buffer((16,), "float32")):
        for i in range(tile * count):
            A[i] = A[i] * scale

    loop = scaled.body
    assert loop.extent.value == 12
    assert loop.extent.dtype == DataType.parse("int32")
    assert_structural_equal(loop.body.value.b, tir.FloatImm("float32", 0.5))


def test_static_if_picks_a_branch_at_parse_time():
    @T.prim_func
    def maybe_bias(A: T.Buffer((4,), "float32")):
        for i in range(4):
            if USE_BIAS:
                A[i] = A[i] + T.float32(1)
            else:
                A[i] = A[i]
            if not USE_BIAS:
                A[i] = T.float32(0)

    loop = maybe_bias.body
    assert isinstance(loop.body, tir.BufferStore)
    assert isinstance(loop.body.value, tir.Add)


def test_static_branches_of_header_lines_add_no_statements():
    @T.prim_func
    def regions(A: T.Buffer((4,), "float32")):
        for i in range(4):
            with T.block("b"):
                vi = T.axis.spatial(4, i)
                if USE_BIAS:
                    T.reads(A[vi])
                    T.writes(A[vi])
                A[vi] = A[vi] + T.float32(1)

    block = regions.body.body.block
    assert isinstance(block.body, tir.BufferStore)
    assert block.reads[0].buffer is block.writes[0].buffer


def test_python_bindings_and_unrolling_in_the_body():
    @T.prim_func
    def unrolled(A: T.Buffer((8,), "int32")):
        half = N // 16
        offsets = [k * half for k in range(3)]
        for off in offsets:
            A[off] = off + half

    stores = unrolled.body.seq
    assert [s.indices[0].value for s in stores] == [0, 4, 8]
    assert [s.value.value for s in stores] == [4, 8, 12]


def test_python_scope_ir_values():
    @T.prim_func
    def uses_var(A: T.Buffer((GLOBAL_N,), "float32")):
        for i in range(GLOBAL_N):
            A[i] = T.float32(0)

    (A,) = uses_var.buffer_map.values()
    assert A.shape[0] is GLOBAL_N
    assert uses_var.body.extent is GLOBAL_N


def test_extra_vars_drive_from_source_the_same_way():
    text = """
    @T.prim_func
    def f(A: T.Buffer((N * 2,), "float32"), B: T.Buffer(SHAPE, DTYPE)):
        for i in range(N * 2):
            A[i] = relu(A[i]) + N // 4
        for i, j in T.grid(*SHAPE):
            B[i, j] = T.Cast(DTYPE, A[i * SHAPE[1] + j])
    """
    scope = {"N": N, "SHAPE": SHAPE, "DTYPE": DTYPE, "relu": relu}
    assert_structural_equal(from_source(text, scope), uses_globals)


def test_numpy_dtypes_are_dtypes():
    element = np.float16

    @T.prim_func
    def half(A: T.Buffer((4,), element), B: T.Buffer((4,), np.dtype("int8"))):
        for i in range(4):
            B[i] = T.Cast(np.int8, A[i])

    A, B = (half.buffer_map[p] for p in half.params)
    assert A.dtype == DataType.parse("float16")
    assert B.dtype == DataType.parse("int8")
    assert half.body.body.value.dtype == DataType.parse("int8")
