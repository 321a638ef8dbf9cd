"""Parsing T loops: range and the loop kinds, T.grid, the begin/end -> min/extent rule."""

import pytest

from loom.ir import DataType, assert_structural_equal, tir
from loom.ir.tir import ForKind, IterType
from loom.script import from_source


def imm(dtype, value):
    return tir.IntImm(dtype, value)


def loop(header, params="n: T.int32, m: T.int32, l: T.int64"):
    """Parse ``for ... in <header>: T.evaluate(0)``; return the outer For and params by name."""
    func = from_source(
        f"@T.prim_func\ndef fn({params}):\n    for i in {header}:\n        T.evaluate(i)\n"
    )
    return func.body, {p.name_hint: p for p in func.params}


def test_range_of_one_argument():
    f, v = loop("range(n)")
    assert f.kind is ForKind.SERIAL
    assert f.extent is v["n"]
    assert_structural_equal(f.min, imm("int32", 0))
    assert f.loop_var.name_hint == "i"
    assert f.body.value is f.loop_var


def test_range_of_constants_folds_the_extent():
    f, _ = loop("range(2, 10)")
    assert_structural_equal((f.min, f.extent), (imm("int32", 2), imm("int32", 8)))


def test_range_whose_end_adds_to_begin_takes_the_addend():
    f, v = loop("range(n, n + m)")
    assert f.min is v["n"]
    assert f.extent is v["m"]


def test_range_rule_needs_the_same_variable_not_just_the_same_shape():
    # m is not n, so m + 5 is not "begin + 5": extent = (m + 5) - n.
    f, v = loop("range(n, m + 5)")
    assert f.min is v["n"]
    assert_structural_equal(f.extent, tir.Sub(tir.Add(v["m"], imm("int32", 5)), v["n"]))


def test_range_otherwise_subtracts():
    f, v = loop("range(1, n)")
    assert_structural_equal((f.min, f.extent), (imm("int32", 1), tir.Sub(v["n"], imm("int32", 1))))


def test_loop_var_takes_the_extent_dtype():
    f, _v = loop("range(l)")
    assert f.loop_var.dtype == DataType.parse("int64")
    assert_structural_equal(f.min, imm("int64", 0))


def test_mixed_bounds_promote_to_int64():
    f, v = loop("range(2, l)")
    assert_structural_equal(f.min, imm("int64", 2))
    f, v = loop("range(n, l)")
    assert_structural_equal(f.min, tir.Cast("int64", v["n"]))
    assert_structural_equal(f.extent, tir.Sub(v["l"], tir.Cast("int64", v["n"])))
    f, v = loop("range(T.int32(0), l)")
    assert_structural_equal((f.min, f.extent), (imm("int64", 0), v["l"]))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("serial", ForKind.SERIAL),
        ("parallel", ForKind.PARALLEL),
        ("vectorized", ForKind.VECTORIZED),
        ("unroll", ForKind.UNROLLED),
    ],
)
def test_loop_kinds(name, kind):
    f, v = loop(f"T.{name}(n)")
    assert f.kind is kind
    assert f.extent is v["n"]
    assert dict(f.annotations) == {}
    f, v = loop(f'T.{name}(1, n, annotations={{"pragma": 4}})')
    assert f.kind is kind
    assert dict(f.annotations) == {"pragma": 4}
    assert_structural_equal(f.min, imm("int32", 1))


@pytest.mark.parametrize(
    "header",
    [
        'T.thread_binding(32, thread="threadIdx.x")',
        'T.thread_binding(32, "threadIdx.x")',
        'T.thread_binding(0, 32, "threadIdx.x")',
        'T.thread_binding(0, 32, thread="threadIdx.x")',
    ],
)
def test_thread_binding_spellings(header):
    f, _ = loop(header)
    assert f.kind is ForKind.THREAD_BINDING
    assert_structural_equal((f.min, f.extent), (imm("int32", 0), imm("int32", 32)))
    binding = f.thread_binding
    assert binding.thread_tag == "threadIdx.x"
    assert binding.iter_type is IterType.THREAD_INDEX
    assert binding.var is f.loop_var
    assert_structural_equal((binding.dom.min, binding.dom.extent), (f.min, f.extent))


def test_grid_nests_serial_loops():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4, 8, 2), "float32")):
            for i, j, k in T.grid(4, 8, 2):
                A[i, j, k] = T.float32(0)
            for t in T.grid(3):
                T.evaluate(t)
        """
    )
    outer, single = func.body.seq
    extents = []
    node = outer
    while isinstance(node, tir.For):
        assert node.kind is ForKind.SERIAL
        extents.append(node.extent.value)
        node = node.body
    assert extents == [4, 8, 2]
    assert [i.name_hint for i in node.indices] == ["i", "j", "k"]
    assert isinstance(single, tir.For)
    assert single.extent.value == 3


def test_loop_over_python_values_unrolls():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((8,), "int32")):
            for k in [1, 3, 5]:
                A[k] = k * 10
            for a, b in ((0, 2), (4, 6)):
                A[a] = A[b]
        """
    )
    stores = func.body.seq
    assert [s.indices[0].value for s in stores] == [1, 3, 5, 0, 4]
    assert [s.value.value for s in stores[:3]] == [10, 30, 50]
    assert stores[3].value.indices[0].value == 2


def test_loop_variables_are_scoped_to_the_loop():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int32")):
            for i in range(4):
                A[i] = 0
            for i in range(4):
                A[i] = 1
        """
    )
    first, second = func.body.seq
    assert first.loop_var is not second.loop_var
    assert second.body.indices[0] is second.loop_var
