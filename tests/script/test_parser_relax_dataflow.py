"""Dataflow blocks: R.dataflow/R.output, DataflowVars inside, plain Vars for the outputs,
one plain block per run of bindings outside, and the errors around them."""

import pytest

from loom.ir import ParseError
from loom.ir import graph as G
from loom.script import from_source

HEADER = '@R.function\ndef f(x: R.Tensor((4,), "float32")):\n'


def parse(body):
    return from_source(HEADER + "".join(f"    {line}\n" for line in body.splitlines()))


def error_of(body):
    with pytest.raises(ParseError) as info:
        parse(body)
    return info.value


def test_outputs_are_vars_and_the_rest_dataflow_vars():
    func = parse(
        "a = R.exp(x)\n"
        "with R.dataflow():\n"
        "    b = R.exp(a)\n"
        "    c = R.add(b, a)\n"
        "    R.output(c)\n"
        "d = R.negative(c)\n"
        "return d"
    )
    plain, dataflow, after = func.body.blocks
    assert type(plain) is G.BindingBlock
    assert type(dataflow) is G.DataflowBlock
    assert type(after) is G.BindingBlock
    b, c = (binding.var for binding in dataflow.bindings)
    assert type(b) is G.DataflowVar
    assert type(c) is G.Var
    assert after.bindings[0].value.args == (c,)
    assert dataflow.span.line == 4


def test_only_the_last_binding_of_an_output_name_is_the_output():
    func = parse(
        "with R.dataflow():\n    y = R.exp(x)\n    y = R.exp(y)\n    R.output(y)\nreturn y"
    )
    first, second = func.body.blocks[0].bindings
    assert type(first.var) is G.DataflowVar
    assert type(second.var) is G.Var
    assert second.value.args == (first.var,)
    assert func.body.body is second.var


def test_nested_calls_in_a_block_are_bound_to_dataflow_vars():
    func = parse("with R.dataflow():\n    y = R.exp(R.negative(x))\n    R.output(y)\nreturn y")
    inner, outer = func.body.blocks[0].bindings
    assert type(inner.var) is G.DataflowVar
    assert inner.var.name_hint == "lv"
    assert outer.value.args == (inner.var,)


def test_empty_block_and_unpacked_outputs():
    func = parse(
        "with R.dataflow():\n"
        "    R.output()\n"
        "with R.dataflow():\n"
        "    a, b = R.split(x, indices_or_sections=2)\n"
        "    R.output(b)\n"
        "return b"
    )
    empty, block = func.body.blocks
    assert empty.bindings == ()
    split, a, b = block.bindings
    assert type(split.var) is G.DataflowVar
    assert type(a.var) is G.DataflowVar
    assert type(b.var) is G.Var


def test_python_values_bound_in_a_block_stay_visible():
    func = parse(
        "with R.dataflow():\n"
        "    k = 2\n"
        "    y = R.reshape(x, (k, 2))\n"
        "    R.output(y)\n"
        "z = R.reshape(y, (k * 2,))\n"
        "return z"
    )
    assert func.ret_struct_info.values[0].value == 4


def test_dataflow_var_used_after_its_block():
    err = error_of(
        "with R.dataflow():\n"
        "    lv = R.exp(x)\n"
        "    gv = R.exp(lv)\n"
        "    R.output(gv)\n"
        "y = R.add(gv, lv)\n"
        "return y"
    )
    assert err.message == (
        "lv is a dataflow variable of the block at line 3; it is not visible after the block "
        "(list it in R.output(...) to use it here)"
    )
    assert (err.line, err.col) == (7, 19)


def test_output_outside_a_dataflow_block():
    err = error_of("R.output(x)\nreturn x")
    assert err.message == "R.output is only valid as the last statement of a dataflow block"
    assert (err.line, err.col) == (3, 5)


def test_output_of_an_unknown_variable():
    err = error_of("with R.dataflow():\n    y = R.exp(x)\n    R.output(z)\nreturn y")
    assert err.message == "R.output: 'z' is not bound in this dataflow block"
    assert (err.line, err.col) == (5, 18)


def test_output_of_a_variable_bound_outside_the_block():
    err = error_of("with R.dataflow():\n    y = R.exp(x)\n    R.output(x)\nreturn y")
    assert err.message == "R.output: 'x' is not bound in this dataflow block"
    assert (err.line, err.col) == (5, 18)


def test_output_must_end_the_block():
    err = error_of(
        "with R.dataflow():\n    y = R.exp(x)\n    R.output(y)\n    z = R.exp(y)\nreturn y"
    )
    assert err.message == "R.output must be the last statement of its dataflow block"
    assert (err.line, err.col) == (5, 9)
    err = error_of("with R.dataflow():\n    y = R.exp(x)\nreturn x")
    assert err.message.startswith("a dataflow block ends with R.output(...)")
    assert (err.line, err.col) == (3, 10)


def test_impure_call_in_a_dataflow_block():
    err = error_of("with R.dataflow():\n    y = R.call_packed('f', x)\n    R.output(y)\nreturn y")
    assert err.message == "in function f: a dataflow block calls an impure function"
    assert (err.line, err.col) == (4, 13)


def test_blocks_do_not_nest_and_other_with_forms():
    err = error_of(
        "with R.dataflow():\n    with R.dataflow():\n        R.output()\n    R.output()\nreturn x"
    )
    assert err.message == "dataflow blocks do not nest"
    assert (err.line, err.col) == (4, 9)
    err = error_of("with R.dataflow() as d:\n    R.output()\nreturn x")
    assert err.message == "a graph function only opens blocks with `with R.dataflow():`"
    assert (err.line, err.col) == (3, 5)
