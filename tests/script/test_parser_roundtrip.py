"""The parser's programs survive print -> parse -> print, and printed text runs as a file."""

import runpy

import pytest

from loom.ir import IRModule, assert_structural_equal, tir
from loom.script import from_source

PROGRAMS = {
    "expressions": """
@T.prim_func
def f(A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "int64"), n: T.int32, b: T.bool):
    for i in range(8):
        A[i] = T.exp(A[i]) * -2.5 + T.float32("inf") - T.sqrt(T.Cast("float32", n))
        B[i] = T.int64(-3) + T.truncmod(B[i], T.int64(2)) // T.int64(7) % T.max(B[i], T.int64(1))
        A[i] = T.Select(b and not n < 3, A[i], T.if_then_else(n == 2, A[0], A[1]))
        B[i] = T.bitwise_and(B[i], T.int64(3)) + T.shift_left(B[i], T.int64(1))
        A[i] = T.pow(A[i], T.float32(2)) + T.call_extern("float32", "ext", A[i], n)
        T.evaluate(T.call_packed("pf", n, dtype="float32"))
        T.evaluate(T.likely(n != 1))
        A[i] = T.reinterpret("float32", T.max_value("int32")) + -A[i]
    """,
    "let_and_vectors": """
@T.prim_func
def f(A: T.Buffer((16,), "float32")):
    x = T.int32()
    A[T.Ramp(0, 1, 4)] = T.Broadcast(T.float32(1), 4)
    A[0] = T.Cast("float32", T.Let(x * 2, where={x: 3}))
    """,
    "control": """
@T.prim_func
def f(a: T.handle, n: T.int32):
    m = T.int32(is_size_var=True)
    A = T.match_buffer(a, (m,), "int32", strides=(2,), elem_offset=1, offset_factor=2)
    assert m > 1, "need two"
    for i in T.serial(1, m, annotations={"k": 1}):
        y: T.int32 = A[i - 1]
        if y < 0:
            A[i] = 0
        elif y < 10:
            A[i] = y
        else:
            while A[i] < n:
                A[i] = A[i] + 1
    with T.LetStmt(n + 1) as z:
        A[0] = z
    A[1] = n
    """,
    "memory": """
@T.prim_func
def f(A: T.Buffer((4, 16), "float32", scope="global", align=16)):
    for i in T.parallel(4):
        buf = T.allocate([16], "float32", "local")
        tmp = T.decl_buffer((16,), "float32", data=buf, scope="local")
        for j in T.vectorized(16):
            tmp[j] = A[i, j]
        for j in T.unroll(16):
            A[i, j] = tmp[15 - j]
    with T.decl_buffer((4,), "float32") as C:
        C[0] = A[0, 0]
    A[0, 0] = T.float32(0)
    """,
    "blocks": """
@T.prim_func
def f(A: T.Buffer((16, 16), "float32"), B: T.Buffer((16,), "float32"), l: T.int64):
    C = T.alloc_buffer((16,), "float32", scope="local")
    for i, k in T.grid(16, 16):
        with T.block("reduce"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(A[vi, 0:16])
            T.writes(C[vi])
            T.block_attr({"meta": "x"})
            row = T.match_buffer(A[vi, 0:16], (16,), "float32")
            with T.init():
                C[vi] = T.float32(0)
            C[vi] = C[vi] + row[vk]
    for io, ii in T.grid(4, 5):
        with T.block("tail"):
            v = T.axis.spatial(16, io * 5 + ii)
            w = T.axis.scan((2, 18), io + 2)
            T.where(io * 5 + ii < 16)
            T.reads(C[v])
            T.writes(B[v])
            B[v] = C[v]
    for j in range(l):
        with T.block(""):
            vj = T.axis.opaque(l, j)
            T.reads()
            T.writes()
            T.evaluate(vj)
    """,
    "gpu": """
@T.prim_func
def f(A: T.Buffer((256,), "float32")):
    for bx in T.thread_binding(4, thread="blockIdx.x"):
        for tx in T.thread_binding(64, thread="threadIdx.x"):
            with T.block("b"):
                v = T.axis.spatial(256, bx * 64 + tx)
                T.reads(A[v])
                T.writes(A[v])
                A[v] = A[v] * T.float32(2)
    """,
    "module": """
@I.ir_module
class Module:
    I.module_attrs({"target": "llvm"})

    @T.prim_func
    def main(A: T.Buffer((4,), "float16")) -> T.int32:
        T.func_attr({"global_symbol": "main", "tir.noalias": True})
        for i in range(4):
            A[i] = A[i] + T.float16(0.5)

    @T.prim_func
    def other(x: T.int64):
        T.evaluate(x + T.int64(1))
    """,
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_print_parse_print(name):
    program = from_source(PROGRAMS[name])
    text = program.script()
    reparsed = from_source(text)
    assert_structural_equal(program, reparsed)
    assert reparsed.script() == text


@pytest.mark.parametrize("name", PROGRAMS)
def test_printed_text_runs_as_a_file(name, tmp_path):
    program = from_source(PROGRAMS[name])
    path = tmp_path / f"{name}.py"
    path.write_text(program.script())
    built = [
        v for v in runpy.run_path(str(path)).values() if isinstance(v, IRModule | tir.PrimFunc)
    ]
    assert len(built) == 1
    assert_structural_equal(program, built[0])
