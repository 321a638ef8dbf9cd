"""Struct info annotations: every R.Tensor/R.Shape/R.Tuple/R.Object/R.Prim/R.Callable form,
the seed form R.Tensor[...], string sizes, and the runtime forms Python evaluates eagerly."""

import pytest

from loom.ir import ParseError, assert_structural_equal, dtype, tir
from loom.ir import graph as G
from loom.script import from_source
from loom.script import relax as R


def param_sinfo(annotation, extra=""):
    """The struct info of parameter ``p`` annotated with `annotation` (after params `extra`)."""
    func = from_source(f"@R.function\ndef f({extra}p: {annotation}):\n    return p\n")
    return func.params[-1].struct_info


def test_tensor_forms():
    t = param_sinfo('R.Tensor((4, 8), dtype="float32")')
    assert [v.value for v in t.values] == [4, 8]
    assert t.dtype == dtype("float32")
    assert param_sinfo('R.Tensor((4, 8), "float32")').dtype == dtype("float32")
    assert param_sinfo("R.Tensor((4,))").dtype is None
    unknown = param_sinfo('R.Tensor(dtype="int8", ndim=2)')
    assert unknown.shape is None
    assert unknown.ndim == 2
    assert unknown.dtype == dtype("int8")
    bare = param_sinfo("R.Tensor")
    assert bare.shape is None
    assert bare.ndim == -1
    assert bare.dtype is None
    assert param_sinfo('R.Tensor("float16")').dtype == dtype("float16")
    assert param_sinfo("R.Tensor((2,), T.float16)").dtype == dtype("float16")


def test_tensor_with_a_shape_variable():
    t = param_sinfo('R.Tensor(s, "float32")', extra="s: R.Shape(ndim=2), ")
    assert isinstance(t.shape, G.Var)
    assert t.shape.name_hint == "s"
    assert t.ndim == 2


def test_seed_form():
    t = param_sinfo('R.Tensor[(n, d), "float32"]')
    n, d = t.values
    assert (n.name_hint, d.name_hint) == ("n", "d")
    assert t.dtype == dtype("float32")
    assert [v.value for v in param_sinfo("R.Tensor[(2, 3)]").values] == [2, 3]


def test_shape_prim_tuple_object_callable():
    shape = param_sinfo("R.Shape([n, 4])")
    assert shape.values[0].name_hint == "n"
    assert shape.ndim == 2
    assert param_sinfo("R.Shape(ndim=3)").ndim == 3
    assert param_sinfo("R.Shape").ndim == -1
    assert param_sinfo('R.Prim("int64")').value is None
    assert param_sinfo('R.Prim("float32")').dtype == dtype("float32")
    assert param_sinfo("R.Prim").dtype is None
    prim = param_sinfo('R.Prim(value="k")')
    assert prim.value.name_hint == "k"
    assert prim.dtype == dtype("int64")
    assert isinstance(param_sinfo("R.Object"), G.ObjectStructInfo)
    assert isinstance(param_sinfo("R.Object()"), G.ObjectStructInfo)
    tup = param_sinfo('R.Tuple(R.Tensor((2,), "float32"), R.Object, R.Tuple())')
    assert len(tup.fields) == 3
    assert tup.fields[2].fields == ()
    func = param_sinfo('R.Callable((R.Tensor((2,), "float32"),), R.Shape, purity=False)')
    assert len(func.params) == 1
    assert isinstance(func.ret, G.ShapeStructInfo)
    assert not func.purity
    opaque = param_sinfo("R.Callable(None, R.Object)")
    assert opaque.params is None
    assert opaque.purity


def test_string_sizes_are_expressions_over_the_function_sizes():
    func = from_source(
        """
        @R.function
        def f(x: R.Tensor(("n", "m"), "float32"), y: R.Tensor(("n * m + 1",), "float32")):
            return y
        """
    )
    n, m = func.params[0].struct_info.values
    (size,) = func.params[1].struct_info.values
    assert_structural_equal(size, n * m + tir.const(1, "int64"))
    assert set(tir.arith.free_vars(size)) == {n, m}


def test_prim_value_string_takes_the_dtype_of_its_header_declaration():
    func = from_source(
        """
        @R.function
        def f(k: R.Prim(value="k_1")):
            k_1 = T.int32()
            return k
        """
    )
    assert func.params[0].struct_info.value.dtype == dtype("int32")


def test_header_declaration_names_the_signature_size():
    func = from_source(
        """
        @R.function
        def f(x: R.Tensor(("n",), "float32")):
            n = T.int64()
            y: R.Tensor((n,), "float32") = x
            return y
        """
    )
    (n,) = func.params[0].struct_info.values
    assert func.body.blocks[0].bindings[0].var.struct_info.values[0] is n


def test_redeclaring_a_size_with_another_dtype_is_an_error():
    with pytest.raises(ParseError) as info:
        from_source(
            '@R.function\ndef f(x: R.Tensor(("n",), "float32")):\n    n = T.int32()\n    return x\n'
        )
    assert info.value.message == (
        "n is already a size of type int64; it cannot be declared again as int32"
    )
    assert (info.value.line, info.value.col) == (3, 5)


def test_undefined_size_in_a_body_annotation():
    with pytest.raises(ParseError) as info:
        from_source(
            '@R.function\ndef f(x: R.Tensor((4,), "float32")):\n'
            '    y: R.Tensor((k,), "float32") = x\n    return y\n'
        )
    assert info.value.message == "name 'k' is not defined"
    assert (info.value.line, info.value.col) == (3, 18)
    with pytest.raises(ParseError) as info:
        from_source(
            '@R.function\ndef f(x: R.Tensor((4,), "float32")):\n'
            '    y: R.Tensor(("k",), "float32") = x\n    return y\n'
        )
    assert info.value.message.startswith("symbolic size 'k' is not defined")
    assert (info.value.line, info.value.col) == (3, 18)


def test_int32_size_is_an_error():
    with pytest.raises(ParseError) as info:
        from_source("@R.function\ndef f(x: R.Tensor((T.int32(4),))):\n    return x\n")
    assert info.value.message == "a size must be int64, not int32 (declare it with T.int64())"
    assert (info.value.line, info.value.col) == (2, 20)


def test_not_a_struct_info():
    with pytest.raises(ParseError) as info:
        from_source("@R.function\ndef f(x: T.int32):\n    return x\n")
    assert info.value.message.startswith("expected a struct info such as R.Tensor")
    assert (info.value.line, info.value.col) == (2, 10)


def test_runtime_forms_build_struct_info():
    t = R.Tensor(("n", 4), "float32")
    assert t.values[0].name_hint == "n"
    assert t.values[1].value == 4
    seed = R.Tensor[(2, 3), "float16"]
    assert [v.value for v in seed.values] == [2, 3]
    assert seed.dtype == dtype("float16")
    (size,) = R.Tensor(("n * T.int64(2) + m",)).values
    assert {v.name_hint for v in tir.arith.free_vars(size)} == {"n", "m"}
    assert R.Shape([1, 2]).ndim == 2
    assert isinstance(R.Tuple(R.Object, R.Tensor).fields[1], G.TensorStructInfo)
    assert R.Prim(value=3).value.value == 3
    assert R.Callable((R.Tensor,), R.Object).params[0].ndim == -1
    with pytest.raises(Exception, match="unsupported"):
        R.Tensor(("n ** 2",))


def test_header_size_var_declaration_makes_the_signature_size_a_size_var():
    func = from_source(
        """
        @R.function
        def f(y: R.Tensor(("n",), "float32")):
            n = T.int64(is_size_var=True)
            return y
        """
    )
    assert isinstance(func.params[0].struct_info.values[0], tir.SizeVar)


def test_prim_value_literals_read_as_in_the_t_dialect():
    assert param_sinfo("R.Prim(value=3)").value.dtype == dtype("int32")
    assert param_sinfo("R.Prim(value=T.int64(3))").value.dtype == dtype("int64")
    assert param_sinfo('R.Prim("int64", value=3)').value.dtype == dtype("int64")
    assert R.Prim(value=3).value.dtype == dtype("int32")
    assert R.prim_value(3).value.dtype == dtype("int32")
