"""Bad graph functions: each a ParseError naming the problem at the offending line and column.

(Operator arity, attributes and struct-info inference errors are in test_parser_relax_calls.py,
dataflow errors in test_parser_relax_dataflow.py.)"""

import pytest

from loom.ir import ParseError
from loom.script import from_source

HEADER = '@R.function\ndef f(x: R.Tensor(("n", 4), "float32"), s: R.Shape([2])):\n'


def error_of(body, header=HEADER):
    """Parse a function whose body (4-space indented) starts on line 3."""
    text = header + "".join(f"    {line}\n" for line in body.splitlines())
    with pytest.raises(ParseError) as info:
        from_source(text)
    return info.value


def where(err):
    return err.line, err.col


def test_undefined_name_points_at_the_name():
    err = error_of("y = R.add(x, undefined_name)\nreturn y")
    assert err.message == "name 'undefined_name' is not defined"
    assert where(err) == (3, 18)
    assert "^" * len("undefined_name") in str(err)


def test_undefined_name_in_a_signature_shape_declares_a_size_but_not_elsewhere():
    from_source('@R.function\ndef f(x: R.Tensor((n, m), "float32")):\n    return x\n')
    err = error_of("return x", header='@R.function\ndef f(x: R.Tensor(s, "float32")):\n')
    assert err.message == "name 's' is not defined"
    assert where(err) == (2, 19)
    err = error_of("return x", header="@R.function\ndef f(x: R.Tensor) -> R.Tensor((n,)):\n")
    assert err.message == "name 'n' is not defined"
    assert where(err) == (2, 33)


def test_unknown_r_attribute_suggests_a_name():
    err = error_of("y = R.exq(x)\nreturn y")
    assert err.message == "R.exq is not part of the script language"
    assert err.notes == ("did you mean R.exp?",)
    assert where(err) == (3, 9)
    err = error_of("y = R.nn.rleu(x)\nreturn y")
    assert err.message == "R.nn.rleu is not a registered graph operator"
    assert err.notes == ("did you mean R.nn.relu?",)
    assert where(err) == (3, 9)
    err = error_of("y = R.Tensr((2,))\nreturn x")
    assert err.notes == ("did you mean R.Tensor?",)


def test_annotation_mismatches_point_at_the_annotation():
    err = error_of('y: R.Tensor((n, 5), "float32") = R.exp(x)\nreturn y')
    assert err.message == (
        'the annotation R.Tensor((n, 5), dtype="float32") does not match the value, which is '
        'R.Tensor((n, 4), dtype="float32"): dimension 1 is 4, not 5'
    )
    assert where(err) == (3, 8)
    err = error_of('y: R.Tensor((n, 4), "int32") = x\nreturn y')
    assert err.message.endswith("its dtype is float32, not int32")
    err = error_of("y: R.Tensor(ndim=3) = x\nreturn y")
    assert err.message.endswith("its rank is 2, not 3")
    err = error_of("y: R.Shape = x\nreturn y")
    assert err.message.endswith("it is a R.Tensor, not a R.Shape")
    assert where(err) == (3, 8)
    err = error_of("y: R.Shape([3]) = s\nreturn y")
    assert err.message.endswith("dimension 0 is 2, not 3")


def test_return_annotation_mismatch():
    err = error_of(
        "return x",
        header='@R.function\ndef f(x: R.Tensor((2,), "float32")) -> R.Tensor((3,), "float32"):\n',
    )
    assert err.message.endswith("dimension 0 is 2, not 3")
    assert where(err) == (2, 40)


def test_return_is_required_and_last():
    err = error_of("y = R.exp(x)")
    assert err.message == "a graph function ends with `return <value>`"
    assert where(err) == (3, 5)
    err = error_of("return x\ny = R.exp(x)\nreturn y")
    assert err.message == "return is only valid as the last statement of a graph function"
    assert where(err) == (3, 5)


def test_unsupported_statements():
    err = error_of("x += x\nreturn x")
    assert err.message.startswith("augmented assignment is not supported")
    assert where(err) == (3, 5)
    err = error_of("for i in range(2):\n    pass\nreturn x")
    assert err.message == "for loops are not supported in a graph function"
    err = error_of("def g():\n    pass\nreturn x")
    assert err.message == "nested functions are not supported in a graph function"


def test_construct_misuse():
    err = error_of('R.func_attr({"a": 1})\nR.func_attr({"b": 2})\nreturn x')
    assert err.message == "a graph function has at most one R.func_attr"
    assert where(err) == (4, 5)
    err = error_of("R.func_attr({1: 2})\nreturn x")
    assert err.message == "R.func_attr takes a dict with string keys"
    assert where(err) == (3, 17)
    err = error_of("y = T.grid(2)\nreturn x")
    assert err.message == "T.grid cannot be used in a graph function"
    assert where(err) == (3, 9)
    err = error_of("y = R.const(1.0, 'float3')\nreturn x")
    assert where(err) == (3, 22)
    err = error_of("y = R.add(x, 1.5)\nreturn y")
    assert err.message.startswith("a Python float is not a graph value; write R.const(1.5")
    assert where(err) == (3, 18)


def test_parameters():
    err = error_of("return x", header="@R.function\ndef f(x: R.Object, x: R.Object):\n")
    assert err.message == "duplicate parameter 'x'"
    assert where(err) == (2, 20)
    err = error_of("return x", header="@R.function\ndef f(x: R.Object = None):\n")
    assert err.message == "graph function parameters have no default values"
    err = error_of("return x", header="@R.function\ndef f(*x: R.Object):\n")
    assert err.message == "a graph function takes plain parameters only"


def test_decorator_arguments():
    err = error_of("return x", header="@R.function(bogus=1)\ndef f(x: R.Object):\n")
    assert err.message.startswith("bad arguments to R.function")
    assert where(err) == (1, 2)


def test_error_renders_with_a_caret():
    err = error_of("y = R.exp(z)\nreturn y")
    assert str(err) == (
        "error: name 'z' is not defined\n"
        "  --> <string>:3:15\n"
        "  |\n"
        "3 |     y = R.exp(z)\n"
        "  |               ^"
    )
