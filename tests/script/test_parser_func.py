"""Parsing a prim_func's signature and header: params, buffers, match_buffer, attributes."""

from loom.ir import DataType, assert_structural_equal, tir
from loom.script import from_source
from loom.script import tir as T


def imm(dtype, value):
    return tir.IntImm(dtype, value)


def test_scalar_and_handle_params():
    func = from_source(
        """
        @T.prim_func
        def fn(a: T.handle, n: T.int32, x: T.float16, s: T.int64(is_size_var=True)):
            T.evaluate(0)
        """
    )
    _a, n, _x, s = func.params
    assert [p.name_hint for p in func.params] == ["a", "n", "x", "s"]
    assert [str(p.dtype) for p in func.params] == ["handle", "int32", "float16", "int64"]
    assert isinstance(s, tir.SizeVar)
    assert not isinstance(n, tir.SizeVar)
    assert dict(func.buffer_map) == {}
    assert dict(func.attrs) == {}
    assert func.ret_type is None


def test_buffer_param_with_every_keyword():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((8, 8), "float32", strides=(16, 1), elem_offset=4, scope="shared",
                           align=16, offset_factor=4)):
            T.evaluate(0)
        """
    )
    (param,) = func.params
    assert param.dtype.is_handle
    assert param.name_hint == "A"
    A = func.buffer_map[param]
    assert A.name == "A"
    assert A.dtype == DataType.parse("float32")
    assert_structural_equal(A.shape, (imm("int32", 8), imm("int32", 8)))
    assert_structural_equal(A.strides, (imm("int32", 16), imm("int32", 1)))
    assert_structural_equal(A.elem_offset, imm("int32", 4))
    assert (A.scope, A.align, A.offset_factor) == ("shared", 16, 4)
    assert A.data.dtype.is_handle
    assert A.data is not param


def test_buffer_defaults():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((T.int64(4),)), B: T.Buffer(16, "int8")):
            T.evaluate(0)
        """
    )
    A, B = (func.buffer_map[p] for p in func.params)
    assert A.dtype == DataType.parse("float32")
    assert_structural_equal(A.elem_offset, imm("int64", 0))
    assert (A.scope, A.align, A.offset_factor, A.strides) == ("global", 64, 1, ())
    assert_structural_equal(B.shape, (imm("int32", 16),))


def test_match_buffer_binds_handles_in_param_order():
    func = from_source(
        """
        @T.prim_func
        def fn(a: T.handle, b: T.handle, k: T.int32):
            n = T.int32()
            m = T.int64()
            B = T.match_buffer(b, (m,), "int64", scope="global", offset_factor=2)
            A = T.match_buffer(a, (n, 4), dtype="float32", strides=(4, 1), elem_offset=n)
            T.evaluate(0)
        """
    )
    a, b, _ = func.params
    assert list(func.buffer_map) == [a, b]
    A, B = func.buffer_map[a], func.buffer_map[b]
    n = A.shape[0]
    assert n.name_hint == "n"
    assert A.elem_offset is n
    assert_structural_equal(A.strides, (imm("int32", 4), imm("int32", 1)))
    assert B.shape[0].dtype == DataType.parse("int64")
    assert B.offset_factor == 2


def test_shared_data_and_size_vars():
    func = from_source(
        """
        @T.prim_func
        def fn(a: T.handle, B: T.Buffer((16,), "float32")):
            n = T.int32(is_size_var=True)
            A = T.match_buffer(a, (n,), "float32", data=B.data)
            T.evaluate(0)
        """
    )
    a, b = func.params
    A, B = func.buffer_map[a], func.buffer_map[b]
    assert A.data is B.data
    assert isinstance(A.shape[0], tir.SizeVar)


def test_func_attr_and_return_type():
    func = from_source(
        """
        @T.prim_func
        def fn(x: T.int32) -> T.int32:
            T.func_attr({"global_symbol": "fn", "tir.noalias": True, "n": T.int32(1)})
            T.evaluate(x)
        """
    )
    assert func.ret_type == DataType.parse("int32")
    attrs = dict(func.attrs)
    assert attrs["global_symbol"] == "fn"
    assert attrs["tir.noalias"] is True
    assert_structural_equal(attrs["n"], imm("int32", 1))


def test_seed_form_and_undeclared_shape_names():
    func = from_source(
        """
        @T.prim_func
        def fn(X: T.Buffer[(n, d), "float32"], Y: T.Buffer((d,))):
            for i in range(n):
                Y[0] = X[i, 0]
        """
    )
    X, Y = (func.buffer_map[p] for p in func.params)
    n, d = X.shape
    assert (n.name_hint, d.name_hint) == ("n", "d")
    assert n.dtype == DataType.parse("int32")
    assert Y.shape[0] is d
    assert func.body.extent is n


def test_decorator_arguments_are_accepted():
    plain = from_source("@T.prim_func\ndef f(x: T.int32):\n    T.evaluate(x)\n")
    for decorator in ("T.prim_func(private=True)", "T.prim_func(check_well_formed=False)"):
        text = f"@{decorator}\ndef f(x: T.int32):\n    T.evaluate(x)\n"
        assert_structural_equal(from_source(text), plain)


@T.prim_func(private=True)
def decorated_private(A: T.Buffer((4,), "float32")):
    """A docstring is skipped."""
    for i in T.serial(4):
        A[i] = T.float32(0)


def test_decorator_with_arguments_builds_a_prim_func():
    assert isinstance(decorated_private, tir.PrimFunc)
    assert isinstance(decorated_private.body, tir.For)
    assert dict(decorated_private.attrs) == {}
