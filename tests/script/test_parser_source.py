"""Where scripts come from: decorated source vs from_source text, imports, and spans."""

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

from loom.ir import IRModule, Node, ParseError, assert_structural_equal, child_fields, tir
from loom.script import from_source
from loom.script import tir as T

THIS_FILE = Path(__file__)


def source_of(name):
    """The text of a top-level def of this file, decorators included."""
    text = THIS_FILE.read_text()
    lines = text.splitlines(keepends=True)
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "".join(lines[first - 1 : node.end_lineno])
    raise LookupError(name)


def line_of(marker):
    """The 1-based line of this file that holds `marker` (a comment)."""
    for number, line in enumerate(THIS_FILE.read_text().splitlines(), 1):
        if marker in line and "line_of(" not in line:
            return number, line
    raise LookupError(marker)


@T.prim_func
def softmax_row(A: T.Buffer((4, 16), "float32"), B: T.Buffer((4, 16), "float32")):
    M = T.alloc_buffer((4,), "float32")
    S = T.alloc_buffer((4,), "float32")
    for i, k in T.grid(4, 16):  # marker-grid
        with T.block("max"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(A[vi, vk])
            T.writes(M[vi])
            with T.init():
                M[vi] = T.min_value("float32")
            M[vi] = T.max(M[vi], A[vi, vk])  # marker-max
    for i, k in T.grid(4, 16):
        with T.block("sum"):
            vi, vk = T.axis.remap("SR", [i, k])
            T.reads(A[vi, vk], M[vi])
            T.writes(S[vi])
            with T.init():
                S[vi] = T.float32(0)
            S[vi] = S[vi] + T.exp(A[vi, vk] - M[vi])
    for i, k in T.grid(4, 16):
        with T.block("out"):
            vi, vj = T.axis.remap("SS", [i, k])
            T.reads(A[vi, vj], M[vi], S[vi])
            T.writes(B[vi, vj])
            B[vi, vj] = T.exp(A[vi, vj] - M[vi]) / S[vi]


def test_decorator_and_from_source_agree():
    assert_structural_equal(softmax_row, from_source(source_of("softmax_row")))


def test_spans_carry_the_real_file_line_and_column():
    line, text = line_of("# marker-grid")
    grid = softmax_row.body.block.body.seq[0]
    assert isinstance(grid, tir.For)
    assert grid.span.source.name == str(THIS_FILE)
    assert (grid.span.line, grid.span.col) == (line, text.index("for"))
    line, text = line_of("# marker-max")
    store = grid.body.body.block.body
    assert (store.span.line, store.span.col) == (line, text.index("M[vi] ="))
    call = store.value
    assert (call.span.line, call.span.col) == (line, text.index("T.max"))
    assert call.span.end_col == text.index("  # marker-max")
    assert store.span.source.line(line) == text


def test_spans_of_from_source_text_count_from_its_first_line():
    func = from_source("@T.prim_func\ndef f(x: T.int32):\n    T.evaluate(x + 1)\n")
    assert (func.span.line, func.span.col) == (2, 0)
    add = func.body.value
    assert (add.span.line, add.span.col, add.span.end_col) == (3, 15, 20)
    assert (func.params[0].span.line, func.params[0].span.col) == (2, 6)


def nodes_without_span(root):
    seen, out = set(), []

    def walk(value, path):
        if isinstance(value, Node):
            if id(value) in seen:
                return
            seen.add(id(value))
            if value.span is None and not isinstance(value, tir.Op):
                out.append(f"{path}: {type(value).__name__}")
            for name in child_fields(type(value)):
                walk(getattr(value, name), f"{path}.{name}")
        elif isinstance(value, tuple | list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(key, f"{path}.key")
                walk(item, f"{path}[{key!r}]")

    walk(root, "root")
    return out


EVERYTHING = """
@T.prim_func
def everything(a: T.handle, B: T.Buffer((8,), "float32"), n: T.int32):
    T.func_attr({"k": 1})
    m = T.int64()
    A = T.match_buffer(a, (m, 8), "float32", strides=(8, 1))
    C = T.alloc_buffer((8,), "int64")
    for i in T.parallel(0, 8):
        B[i] = T.Cast("float32", i) * 2.0 + -B[i]
        x = B[i] + 1
        y: T.int64 = T.int64(3)
        C[i] = y + T.int64(i)
        assert x > 0, "x"
        if x < 2.0 and n > 0:
            B[i] = T.if_then_else(n < 3, x, T.float32(0))
    for i, j in T.grid(m, 8):
        with T.block("copy"):
            vi, vj = T.axis.remap("SS", [i, j])
            T.reads(A[vi, vj])
            T.writes(B[vj])
            B[vj] = A[vi, vj]
    buf = T.allocate([4], "float32", "global")
    D = T.decl_buffer((4,), "float32", data=buf)
    D[0] = T.exp(B[0])
"""


def test_every_node_built_from_source_has_a_span():
    assert nodes_without_span(from_source(EVERYTHING)) == []
    assert nodes_without_span(softmax_row) == []


def test_import_lines_name_the_dialects():
    body = "@T.prim_func\ndef f(x: T.int32):\n    T.evaluate(x)\n"
    expected = from_source(body)
    for header in (
        "from tvm.script import tir as T\n",
        "from tvm.script import ir as I, tir as T\n",
        "from loom.script import tir as T\nimport numpy as np\n",
    ):
        assert_structural_equal(from_source(header + body), expected)
    renamed = "from tvm.script import tir as TT\n" + body.replace("T.", "TT.")
    assert_structural_equal(from_source(renamed), expected)
    dotted = "import loom.script.tir as X\n" + body.replace("T.", "X.")
    assert_structural_equal(from_source(dotted), expected)


def test_extra_vars_and_top_level_values():
    func = from_source(
        """
        import numpy as np

        SIZE = 4 * 4

        @T.prim_func
        def f(A: T.Buffer((SIZE,), "float32")):
            for i in range(SIZE):
                A[i] = T.float32(SCALE)
        """,
        extra_vars={"SCALE": 0.5},
    )
    assert func.body.extent.value == 16
    assert func.body.body.value.value == 0.5


def test_from_source_returns_a_module_for_a_class():
    mod = from_source(
        """
        from tvm.script import ir as I
        from tvm.script import tir as T

        @I.ir_module
        class Module:
            @T.prim_func
            def main(x: T.int32):
                T.evaluate(x)
        """
    )
    assert isinstance(mod, IRModule)
    assert [gv.name_hint for gv in mod.functions] == ["main"]


def test_from_source_needs_exactly_one_definition():
    two = "@T.prim_func\ndef f():\n    pass\n@T.prim_func\ndef g():\n    pass\n"
    with pytest.raises(ParseError, match="exactly one") as info:
        from_source(two)
    assert (info.value.line, info.value.col) == (5, 1)
    with pytest.raises(ParseError, match="exactly one"):
        from_source("import numpy\n")
