"""Parsing @I.ir_module classes: functions, module attributes, class-level names, files."""

import runpy
import textwrap

import pytest

from loom.ir import IRModule, LoomError, assert_structural_equal, tir
from loom.script import from_source
from loom.script import ir as I
from loom.script import tir as T

MODULE_TEXT = """
from loom.script import ir as I
from loom.script import tir as T


@I.ir_module
class Module:
    I.module_attrs({"target": "llvm", "opt": 2})

    @T.prim_func
    def add(A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "float32")):
        for i in range(8):
            B[i] = A[i] + T.float32(1)

    @T.prim_func(private=True)
    def scale(a: T.handle, s: T.float32):
        n = T.int32()
        A = T.match_buffer(a, (n,), "float32")
        for i in range(n):
            A[i] = A[i] * s
"""


@I.ir_module
class Module:
    I.module_attrs({"target": "llvm", "opt": 2})

    @T.prim_func
    def add(A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "float32")):
        for i in range(8):
            B[i] = A[i] + T.float32(1)

    @T.prim_func(private=True)
    def scale(a: T.handle, s: T.float32):
        n = T.int32()
        A = T.match_buffer(a, (n,), "float32")
        for i in range(n):
            A[i] = A[i] * s


def test_module_holds_functions_in_order_with_attributes():
    assert isinstance(Module, IRModule)
    assert [gv.name_hint for gv in Module.functions] == ["add", "scale"]
    assert all(isinstance(f, tir.PrimFunc) for f in Module.functions.values())
    assert dict(Module.attrs) == {"target": "llvm", "opt": 2}
    assert isinstance(Module["add"].body, tir.For)


def test_decorated_class_matches_its_text():
    assert_structural_equal(Module, from_source(MODULE_TEXT))


def test_class_body_and_enclosing_names_are_visible():
    size = 6

    @I.ir_module
    class Sized:
        N = 4

        @T.prim_func
        def fill(A: T.Buffer((4, 6), "int32")):
            # N is a class-body name: Python's scoping hides it, scripts see it.
            for i, j in T.grid(N, size):  # noqa: F821
                A[i, j] = N * size  # noqa: F821

    func = Sized["fill"]
    assert func.body.extent.value == 4
    assert func.body.body.extent.value == 6
    assert func.body.body.body.value.value == 24


def test_class_level_assignments_in_text_are_evaluated():
    mod = from_source(
        """
        @I.ir_module
        class M:
            TILE = 2 * 8

            @T.prim_func
            def f(A: T.Buffer((16,), "float32")):
                for i in range(TILE):
                    A[i] = T.float32(0)
        """
    )
    assert mod["f"].body.extent.value == 16


def test_a_written_file_runs_and_rebuilds_the_module(tmp_path):
    path = tmp_path / "module_file.py"
    path.write_text(textwrap.dedent(MODULE_TEXT))
    namespace = runpy.run_path(str(path))
    assert_structural_equal(namespace["Module"], Module)
    span = namespace["Module"]["add"].span
    assert span.source.name == str(path)
    assert span.line == 11


def test_exec_of_a_string_asks_for_from_source():
    with pytest.raises(LoomError, match="from_source"):
        exec(compile(textwrap.dedent(MODULE_TEXT), "<generated>", "exec"), {})
    function = "from loom.script import tir as T\n@T.prim_func\ndef f():\n    pass\n"
    with pytest.raises(LoomError, match="from_source"):
        exec(compile(function, "<generated>", "exec"), {})


def test_prim_func_in_a_plain_class_waits_for_ir_module():
    class NotAModule:
        @T.prim_func
        def f(A: T.Buffer((4,), "float32")):
            A[0] = T.float32(0)

    marker = NotAModule.__dict__["f"]
    assert isinstance(marker, T.DeferredPrimFunc)
    with pytest.raises(LoomError, match=r"I\.ir_module"):
        marker()


def test_module_attrs_outside_a_class_body_is_an_error():
    with pytest.raises(LoomError, match=r"I\.module_attrs"):
        I.module_attrs({"a": 1})


def test_ir_module_called_on_an_existing_class():
    class Later:
        @T.prim_func
        def f(A: T.Buffer((4,), "float32")):
            A[0] = T.float32(1)

    mod = I.ir_module(Later)
    assert [gv.name_hint for gv in mod.functions] == ["f"]
    assert isinstance(mod["f"].body, tir.BufferStore)
