"""Parsing @R.function: signatures, return annotations, decorator options, purity, attributes."""

import pytest

from loom.ir import Map, ParseError, assert_structural_equal, tir
from loom.ir import graph as G
from loom.script import from_source
from loom.script import relax as R


def parse(text):
    return from_source(text)


def test_signature_declares_sizes_shared_by_params_and_body():
    func = parse(
        """
        @R.function
        def f(x: R.Tensor(("n", 4), "float32"), y: R.Tensor((4, "m"), "float32")):
            z: R.Tensor((n, m), "float32") = R.matmul(x, y)
            return z
        """
    )
    assert isinstance(func, G.Function)
    x, y = func.params
    n, four = x.struct_info.values
    assert isinstance(n, tir.Var)
    assert n.name_hint == "n"
    assert str(n.dtype) == "int64"
    assert isinstance(four, tir.IntImm)
    assert str(four.dtype) == "int64"
    m = y.struct_info.values[1]
    (binding,) = func.body.blocks[0].bindings
    assert binding.var.struct_info.values == (n, m)
    assert func.ret_struct_info.values == (n, m)
    assert func.is_pure
    assert dict(func.attrs) == {}


def test_every_node_gets_a_span():
    func = parse(
        """
        @R.function
        def f(x: R.Tensor((4,), "float32")):
            y = R.exp(x)
            return y
        """
    )
    (binding,) = func.body.blocks[0].bindings
    # The text starts with a newline: the def is on line 3.
    assert func.span.line == 3
    assert (func.params[0].span.line, func.params[0].span.col) == (3, 6)
    assert (binding.span.line, binding.var.span.col) == (4, 4)
    assert (binding.value.span.line, binding.value.span.col) == (4, 8)
    assert func.body.span is not None
    assert func.params[0].struct_info.span is not None


def test_return_annotation_strings_and_check():
    func = parse(
        """
        @R.function
        def f(x: R.Tensor(("n", "m"), "float32")) -> R.Tensor(("n * m",), "float32"):
            return R.flatten(x)
        """
    )
    (n_m,) = func.ret_struct_info.values
    assert isinstance(n_m, tir.Mul)
    n, m = func.params[0].struct_info.values
    assert n_m.a is n
    assert n_m.b is m


def test_return_annotation_less_precise_than_the_body_is_kept():
    func = parse(
        """
        @R.function
        def f(x: R.Tensor((4,), "float32")) -> R.Tensor(ndim=1):
            return x
        """
    )
    assert func.ret_struct_info.values is None
    assert func.ret_struct_info.ndim == 1


def test_decorator_options():
    func = parse(
        """
        @R.function(private=True, pure=False)
        def f(x: R.Tensor((4,), "float32")):
            R.func_attr({"key": 1, "name": "text"})
            return x
        """
    )
    assert func.attrs == Map({"key": 1, "name": "text", "private": True})
    assert not func.is_pure


def test_purity_is_inferred_from_calls():
    impure = parse(
        """
        @R.function
        def f(x: R.Tensor((4,), "float32")):
            R.call_packed("log_tensor", x)
            return x
        """
    )
    assert not impure.is_pure
    pure = parse(
        """
        @R.function
        def f(x: R.Tensor((4,), "float32")):
            y = R.call_dps("ext.copy", (x,), out_sinfo=R.Tensor((4,), "float32"))
            return y
        """
    )
    assert pure.is_pure


def test_declared_purity_is_kept_as_given():
    # Lowered code calls packed functions from pure functions; the printer says pure=True.
    func = parse(
        """
        @R.function(pure=True)
        def f(x: R.Tensor((4,), "float32")):
            R.call_packed("vm.builtin.check", x)
            return x
        """
    )
    assert func.is_pure


def test_impure_call_inside_an_if_makes_the_function_impure():
    func = parse(
        """
        @R.function
        def f(c: R.Prim("bool"), x: R.Tensor((4,), "float32")):
            if c:
                y = R.call_packed("f", x, sinfo_args=R.Tensor((4,), "float32"))
            else:
                y = x
            return y
        """
    )
    assert not func.is_pure


def test_python_values_of_the_enclosing_scope():
    size = 8

    @R.function
    def f(x: R.Tensor((size, 2), "float32")):
        y = R.reshape(x, (size * 2,))
        return y

    assert f.params[0].struct_info.values[0].value == 8
    assert f.body.blocks[0].bindings[0].var.struct_info.values[0].value == 16


def test_decorated_lone_function_equals_its_text():
    @R.function
    def f(x: R.Tensor(("n",), "float32")):
        n = R.shape_of(x)
        return n

    text = """
    @R.function
    def f(x: R.Tensor(("n",), "float32")):
        n = R.shape_of(x)
        return n
    """
    assert_structural_equal(f, from_source(text))


def test_decorator_on_a_non_function_is_an_error():
    with pytest.raises(Exception, match="decorates a def statement"):
        R.function(3)


def test_docstring_is_skipped():
    func = parse(
        '''
        @R.function
        def f(x: R.Tensor((4,), "float32")):
            """Identity."""
            return x
        '''
    )
    assert func.body.blocks == ()


def test_missing_annotation_is_an_error():
    with pytest.raises(ParseError) as info:
        parse("@R.function\ndef f(x):\n    return x\n")
    assert info.value.message.startswith("parameter 'x' needs a struct info annotation")
    assert (info.value.line, info.value.col) == (2, 7)
