import ast

import pytest

from loom.ir import LoomError, Map, dtype, tir
from loom.ir.tir import (
    Allocate,
    BufferStore,
    DeclBuffer,
    Evaluate,
    For,
    ForKind,
    IfThenElse,
    IntImm,
    LetStmt,
    PrimFunc,
    SeqStmt,
    SizeVar,
    Var,
)
from loom.script.printer import script

ZERO, TRUE = IntImm("int32", 0), IntImm("bool", 1)
HEADER = "from loom.script import tir as T\n\n\n"


def func(params, body=None, buffer_map=None, attrs=None, **kw):
    return PrimFunc(
        tuple(params), body or Evaluate(ZERO), Map(buffer_map or {}), Map(attrs or {}), **kw
    )


def text(f):
    out = script(f)
    assert out.startswith(HEADER)
    compile(out, "<printed>", "exec")
    return out[len(HEADER) :]


def body_lines(f):
    return text(f).splitlines()[2:]


def test_scalar_params_of_every_dtype():
    dtypes = ["int32", "int64", "uint8", "float16", "bfloat16", "float64", "bool", "handle"]
    params = [Var(f"x{n}", t) for n, t in enumerate(dtypes)]
    params.append(Var("v", "float32x4"))
    params.append(SizeVar("n"))
    signature = text(func(params)).splitlines()[1]
    assert signature == (
        "def main(x0: T.int32, x1: T.int64, x2: T.uint8, x3: T.float16, x4: T.bfloat16, "
        "x5: T.float64, x6: T.bool, x7: T.handle, v: T.float32x4, "
        "n: T.int32(is_size_var=True)):"
    )


def test_function_name_return_type_and_attrs():
    f = func([], attrs={"global_symbol": "my-kernel", "tir.noalias": True, "n": 3})
    assert text(f) == (
        "@T.prim_func\n"
        "def my_kernel():\n"
        '    T.func_attr({"global_symbol": "my-kernel", "tir.noalias": True, "n": 3})\n'
        "    T.evaluate(0)\n"
    )
    f = func([], ret_type=dtype("int32"))
    assert text(f).splitlines()[1] == "def main() -> T.int32:"


def test_inline_buffer_keywords_only_for_non_defaults():
    a = Var("a", "handle")
    A = tir.decl_buffer(
        (4, 8),
        "float16",
        "A",
        strides=(16, 1),
        elem_offset=4,
        scope="shared",
        align=16,
        offset_factor=2,
    )
    b = Var("b", "handle")
    B = tir.decl_buffer((3,), "int8", "B")
    f = func([a, b], buffer_map={a: A, b: B})
    assert text(f).splitlines()[1] == (
        'def main(A: T.Buffer((4, 8), "float16", strides=(16, 1), elem_offset=4, '
        'scope="shared", align=16, offset_factor=2), B: T.Buffer((3,), "int8")):'
    )


def test_symbolic_shapes_use_match_buffer_and_declare_free_vars_in_first_use_order():
    a, b = Var("a", "handle"), Var("b", "handle")
    n, m = Var("n"), SizeVar("m", "int64")
    A = tir.decl_buffer((n, 4), "float32", "A")
    B = tir.decl_buffer((m,), "float32", "B")
    i = Var("i", "int64")
    body = For(i, IntImm("int64", 0), m, ForKind.SERIAL, BufferStore(B, tir.const(1.0), (i,)))
    f = func([a, b], body, {a: A, b: B})
    assert text(f) == (
        "@T.prim_func\n"
        "def main(var_A: T.handle, var_B: T.handle):\n"
        "    n = T.int32()\n"
        "    m = T.int64(is_size_var=True)\n"
        '    A = T.match_buffer(var_A, (n, 4), "float32")\n'
        '    B = T.match_buffer(var_B, (m,), "float32")\n'
        "    for i in range(m):\n"
        "        B[i] = T.float32(1.0)\n"
    )


def test_scalar_param_shapes_need_no_declaration():
    n, a = Var("n"), Var("a", "handle")
    A = tir.decl_buffer((n,), "float32", "A")
    assert body_lines(func([n, a], buffer_map={a: A}))[0] == (
        '    A = T.match_buffer(var_A, (n,), "float32")'
    )


def test_handle_param_used_elsewhere_forces_match_buffer():
    a = Var("A", "handle")
    A = tir.decl_buffer((4,), "float32", "A")
    body = Evaluate(tir.call_packed("f", a))
    assert text(func([a], body, {a: A})).splitlines()[1:4] == [
        "def main(var_A: T.handle):",
        '    A = T.match_buffer(var_A, (4,), "float32")',
        '    T.evaluate(T.call_packed("f", var_A))',
    ]


def test_shared_data_var_prints_data_alias():
    a = Var("a", "handle")
    A = tir.decl_buffer((4, 4), "float32", "A")
    flat = tir.decl_buffer((16,), "float32", "A_flat", data=A.data)
    body = DeclBuffer(flat, BufferStore(flat, tir.const(0.0), (tir.const(3),)))
    assert body_lines(func([a], body, {a: A})) == [
        '    A_flat = T.decl_buffer((16,), "float32", data=A.data)',
        "    A_flat[3] = T.float32(0.0)",
    ]
    body = Evaluate(tir.call_extern("int32", "use", A.data))
    assert body_lines(func([a], body, {a: A})) == [
        '    T.evaluate(T.call_extern("int32", "use", A.data))'
    ]


def test_undeclared_buffer_is_declared_in_the_header():
    a = Var("a", "handle")
    n = Var("n")
    A = tir.decl_buffer((n, 4), "float32", "A")
    view = tir.decl_buffer((n * 4,), "float32", "A_1d", data=A.data)
    body = BufferStore(view, tir.const(0.0), (ZERO,))
    assert body_lines(func([a], body, {a: A})) == [
        "    n = T.int32()",
        '    A = T.match_buffer(var_A, (n, 4), "float32")',
        '    A_1d = T.Buffer((n * 4,), "float32", data=A.data)',
        "    A_1d[0] = T.float32(0.0)",
    ]


def test_undeclared_buffer_of_an_allocation_opens_the_allocation_body():
    buf, i = Var("buf", "handle"), Var("i")
    B = tir.decl_buffer((8,), "float32", "B", data=buf)
    branches = IfThenElse(i < 4, BufferStore(B, tir.const(1.0), (i,)), BufferStore(B, B[0], (i,)))
    loop = For(i, ZERO, tir.const(8), ForKind.SERIAL, SeqStmt((Evaluate(ZERO), branches)))
    body = Allocate(buf, "float32", (8,), TRUE, loop)
    assert body_lines(func([], body)) == [
        '    buf = T.allocate([8], "float32", "global")',
        '    B = T.Buffer((8,), "float32", data=buf)',
        "    for i in range(8):",
        "        T.evaluate(0)",
        "        if i < 4:",
        "            B[i] = T.float32(1.0)",
        "        else:",
        "            B[i] = B[0]",
    ]


def test_undeclared_buffer_depending_on_a_loop_var_opens_the_loop_body():
    i, j = Var("i"), Var("j")
    A = tir.decl_buffer((16,), "float32", "A")
    row = tir.decl_buffer((4,), "float32", "row", data=A.data, elem_offset=i * 4)
    inner = For(j, ZERO, tir.const(4), ForKind.PARALLEL, BufferStore(row, tir.const(0.0), (j,)))
    a = Var("a", "handle")
    assert body_lines(func([a], For(i, ZERO, tir.const(4), ForKind.SERIAL, inner), {a: A})) == [
        "    for i in range(4):",
        '        row = T.Buffer((4,), "float32", data=A.data, elem_offset=i * 4)',
        "        for j in T.parallel(4):",
        "            row[j] = T.float32(0.0)",
    ]


def test_let_vars_are_declared_as_free_variables():
    x, y = Var("x"), Var("y")
    body = Evaluate(tir.Let(x, y + 1, x * x))
    assert body_lines(func([y], body)) == [
        "    x = T.int32()",
        "    T.evaluate(T.Let(x * x, where={x: y + 1}))",
    ]


def test_let_stmt_binds_its_var():
    x, y = Var("x", "float32"), Var("y", "float32")
    body = LetStmt(x, y * 2.0, Evaluate(x))
    assert body_lines(func([y], body)) == [
        "    x: T.float32 = y * T.float32(2.0)",
        "    T.evaluate(x)",
    ]


def test_func_attr_using_a_free_var_follows_its_declaration():
    n = Var("n")
    f = func([], attrs={"extent": n + 1})
    assert body_lines(f) == [
        "    n = T.int32()",
        '    T.func_attr({"extent": n + 1})',
        "    T.evaluate(0)",
    ]


def test_free_elem_offset_and_strides_use_match_buffer():
    a, off, s = Var("a", "handle"), Var("elem_offset"), Var("stride")
    A = tir.decl_buffer((4, 4), "float32", "A", strides=(s, 1), elem_offset=off)
    assert body_lines(func([a], buffer_map={a: A}))[:3] == [
        "    stride = T.int32()",
        "    elem_offset = T.int32()",
        '    A = T.match_buffer(var_A, (4, 4), "float32", strides=(stride, 1), '
        "elem_offset=elem_offset)",
    ]


def test_int64_shapes_and_offsets():
    a = Var("a", "handle")
    A = tir.decl_buffer((IntImm("int64", 4),), "float32", "A")
    assert text(func([a], buffer_map={a: A})).splitlines()[1] == (
        'def main(A: T.Buffer((T.int64(4),), "float32")):'
    )
    B = tir.decl_buffer((IntImm("int64", 4),), "float32", "B", elem_offset=0)
    assert text(func([a], buffer_map={a: B})).splitlines()[1] == (
        'def main(B: T.Buffer((T.int64(4),), "float32", elem_offset=T.int32(0))):'
    )


def test_printed_function_is_valid_python():
    n, a = Var("n"), Var("a", "handle")
    A = tir.decl_buffer((n,), "float32", "A")
    tree = ast.parse(script(func([n, a], buffer_map={a: A})))
    assert [type(node).__name__ for node in tree.body] == ["ImportFrom", "FunctionDef"]


def test_a_param_listed_twice_raises():
    x = Var("x")
    with pytest.raises(LoomError, match="twice"):
        script(func([x, x]))
    a, b = Var("a", "handle"), Var("b", "handle")
    A = tir.decl_buffer((4,), "float32", "A")
    with pytest.raises(LoomError, match="twice"):
        script(func([a, b], buffer_map={a: A, b: A}))


def test_int32_constants_in_int64_buffer_keywords_print_typed():
    a = Var("a", "handle")
    W = tir.decl_buffer((IntImm("int64", 4), IntImm("int64", 8)), "float32", "W", strides=(8, 1))
    assert text(func([a], buffer_map={a: W})).splitlines()[1] == (
        'def main(W: T.Buffer((T.int64(4), T.int64(8)), "float32", '
        "strides=(T.int32(8), T.int32(1)))):"
    )


def test_decl_buffer_always_names_its_data():
    C = tir.decl_buffer((2,), "int8", "C")
    assert body_lines(func([], DeclBuffer(C, Evaluate(ZERO)))) == [
        "    C = T.handle()",
        '    C_1 = T.decl_buffer((2,), "int8", data=C)',
        "    T.evaluate(0)",
    ]
