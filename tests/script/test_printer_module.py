import pytest

from loom.ir import BaseFunc, GlobalVar, IRModule, LoomError, Map, tir
from loom.ir.tir import Evaluate, IntImm, PrimFunc
from loom.script.printer import script


def empty_func():
    return PrimFunc((), Evaluate(IntImm("int32", 0)))


def test_empty_module_uses_only_the_ir_dialect():
    assert script(IRModule()) == (
        "from loom.script import ir as I\n\n\n@I.ir_module\nclass Module:\n    pass\n"
    )


def test_functions_print_in_module_order_separated_by_blank_lines():
    mod = IRModule.from_functions({"zeta": empty_func(), "alpha": empty_func()})
    assert script(mod).split("class Module:\n")[1] == (
        "    @T.prim_func\n"
        "    def zeta():\n"
        "        T.evaluate(0)\n"
        "\n"
        "    @T.prim_func\n"
        "    def alpha():\n"
        "        T.evaluate(0)\n"
    )


def test_module_attrs_print_in_stored_order_with_typed_constants():
    attrs = {"b": [1, 2.5, (True, None)], "a": {"k": "v"}, "imm": IntImm("int32", 1)}
    text = script(IRModule(Map(), Map(attrs)))
    assert (
        '    I.module_attrs({"b": [1, 2.5, (True, None)], "a": {"k": "v"}, "imm": T.int32(1)})'
        in text
    )


def test_lone_function_name_comes_from_global_symbol():
    f = empty_func().with_attr("global_symbol", "kernel")
    assert "def kernel():" in script(f)
    assert "def main():" in script(empty_func())
    assert "def T_1():" in script(empty_func().with_attr("global_symbol", "T"))


@pytest.mark.parametrize("name", ["not-legal", "for", "T", "range"])
def test_module_function_names_must_be_usable(name):
    with pytest.raises(LoomError, match="not a usable Python name"):
        script(IRModule.from_functions({name: empty_func()}))


def test_duplicate_function_names_raise():
    funcs = Map({GlobalVar("f"): empty_func(), GlobalVar("f"): empty_func()})
    with pytest.raises(LoomError, match="two functions are named 'f'"):
        script(IRModule(funcs))


def test_unknown_function_kind_raises():
    with pytest.raises(LoomError, match="BaseFunc"):
        script(IRModule.from_functions({"f": BaseFunc()}))


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"x": float("inf")}, "non-finite"),
        ({"x": object()}, "type object"),
        ({"x": tir.StringImm("s")}, "StringImm"),
    ],
)
def test_unprintable_attribute_values_raise(attrs, message):
    with pytest.raises(LoomError, match=message):
        script(empty_func().with_attr("bad", attrs))


def test_script_rejects_other_objects():
    with pytest.raises(LoomError, match="cannot print a int"):
        script(3)
