"""Bad scripts: each error is a ParseError naming the problem at the offending line and column."""

import inspect

import pytest

from loom.ir import LoomError, ParseError
from loom.script import from_source
from loom.script import tir as T

HEADER = '@T.prim_func\ndef f(A: T.Buffer((4, 4), "float32"), n: T.int32, x: T.float32):\n'


def error_of(body, header=HEADER):
    """Parse a function whose body (one line or more, 4-space indented) starts on line 3."""
    text = header + "".join(f"    {line}\n" for line in body.splitlines())
    with pytest.raises(ParseError) as info:
        from_source(text)
    return info.value


def where(err):
    return err.line, err.col


def test_undefined_name_points_at_the_name():
    err = error_of("A[0, 0] = x + undefined_name")
    assert err.message == "name 'undefined_name' is not defined"
    assert where(err) == (3, 19)
    rendered = str(err)
    assert "--> <string>:3:19" in rendered
    assert "    A[0, 0] = x + undefined_name" in rendered
    assert "^" * len("undefined_name") in rendered


def test_wrong_number_of_buffer_indices():
    err = error_of("x2 = A[0, 1, 2]\nT.evaluate(x2)")
    assert err.message == "buffer A has 2 dimension(s) but is indexed with 3 index(es)"
    assert where(err) == (3, 10)


def test_bad_remap_kind_points_at_the_kinds():
    body = (
        "for i, j in T.grid(4, 4):\n"
        '    with T.block("b"):\n'
        '        vi, vj = T.axis.remap("SX", [i, j])'
    )
    err = error_of(body)
    assert err.message == (
        'T.axis.remap: unknown iteration kind \'X\' in "SX"; use "S" (spatial) or "R" (reduce)'
    )
    assert where(err) == (5, 35)


def test_grid_unpacked_into_the_wrong_number_of_names():
    err = error_of("for i, j, k in T.grid(4, 4):\n    A[i, j] = x")
    assert err.message == "T.grid gives 2 loop variable(s) but the target unpacks 3"
    assert where(err) == (3, 9)


def test_store_of_a_typed_value_of_another_dtype():
    err = error_of("A[0, 0] = n")
    assert err.message == "cannot store a value of dtype int32 into A, a buffer of float32"
    assert where(err) == (3, 15)
    # A Python literal is converted, as TVM does: no error.
    from_source(HEADER + "    A[0, 0] = 0\n")


def test_python_syntax_error():
    with pytest.raises(ParseError) as info:
        from_source("@T.prim_func\ndef f(A: T.Buffer((4,), 'float32')):\n    A[0] = = 1\n")
    err = info.value
    assert err.message == "invalid Python syntax: invalid syntax"
    assert where(err) == (3, 12)


def test_unknown_dialect_attribute_suggests_a_name():
    err = error_of("A[0, 0] = T.exq(x)")
    assert err.message == "T.exq is not part of the script language"
    assert err.notes == ("did you mean T.exp?",)
    assert where(err) == (3, 15)


def test_wrong_intrinsic_arity():
    err = error_of("A[0, 0] = T.exp(x, x)")
    assert err.message == "bad arguments to T.exp(x): too many positional arguments"
    assert where(err) == (3, 15)
    err = error_of("A[0, 0] = T.pow(x)")
    assert err.message == "bad arguments to T.pow(x, y): missing a required argument: 'y'"


def test_node_type_errors_become_parse_errors_at_the_expression():
    err = error_of("A[0, 0] = T.exp(n)")
    assert err.message == "T.exp needs float arguments, got int32"
    assert where(err) == (3, 15)
    err = error_of("if n:\n    A[0, 0] = x")
    assert err.message == "a condition must be bool, not int32"
    assert where(err) == (3, 8)
    err = error_of("T.evaluate(T.Select(n > 0, x, A))")
    assert err.message == "buffer A is not a value; load an element: A[...]"
    assert where(err) == (3, 35)
    err = error_of("A[0, 0] = A + x")
    assert err.message == "expected a PrimExpr, got buffer A"
    assert where(err) == (3, 15)


def test_store_into_an_undefined_buffer():
    err = error_of("Z[0] = x")
    assert err.message == "cannot store into 'Z': no buffer has that name"
    assert where(err) == (3, 5)
    err = error_of("n[0] = x")
    assert err.message == "cannot store into a Var: it is not a buffer"


def test_non_integer_index():
    err = error_of("A[x, 0] = x")
    assert err.message == "an index into A must be an integer, not float32"
    assert where(err) == (3, 7)
    err = error_of("A[0.5, 0] = x")
    assert err.message == "an index into A must be an integer, not float32"


def test_slice_outside_a_region():
    err = error_of("A[0:2, 0] = x")
    assert err.message.startswith("a slice of A is only valid as a region")
    assert where(err) == (3, 7)


def test_block_constructs_outside_a_block():
    err = error_of("T.reads(A[0, 0])")
    assert err.message == "T.reads is only valid directly inside a T.block"
    assert where(err) == (3, 5)
    err = error_of("for i in range(4):\n    vi = T.axis.spatial(4, i)")
    assert err.message == "T.axis.spatial is only valid directly inside a T.block"
    assert where(err) == (4, 14)
    err = error_of("with T.init():\n    A[0, 0] = x")
    assert err.message == "T.init is only valid directly inside a T.block"


def test_constructs_in_the_wrong_statement():
    err = error_of("g = T.grid(4, 4)")
    assert err.message == "this loop construct is only valid as the iterable of a for statement"
    assert where(err) == (3, 9)
    err = error_of('b = T.block("x")')
    assert err.message == "T.block is only valid in a with statement"


def test_remap_of_something_that_is_not_a_loop_variable():
    body = 'with T.block("b"):\n    vi = T.axis.remap("S", [n])'
    err = error_of(body)
    assert err.message == "T.axis.remap binds loop variables of enclosing loops"
    assert where(err) == (4, 33)


@pytest.mark.parametrize(
    ("body", "message", "position"),
    [
        (
            'with T.block("b"):\n    T.reads(A[0, 0])\n    T.reads(A[1, 1])',
            "a block has at most one T.reads",
            (5, 9),
        ),
        (
            'with T.block("b"):\n    with T.init():\n        pass\n'
            "    with T.init():\n        pass",
            "a block has at most one T.init",
            (6, 14),
        ),
        (
            'T.func_attr({"a": 1})\nT.func_attr({"b": 2})',
            "a prim_func has at most one T.func_attr",
            (4, 5),
        ),
        (
            'with T.block("b"):\n    T.where(n > 0)\n    T.where(n > 1)',
            "a block has at most one T.where",
            (5, 9),
        ),
    ],
)
def test_duplicate_headers(body, message, position):
    err = error_of(body)
    assert (err.message, where(err)) == (message, position)


def test_duplicate_definitions():
    err = error_of("pass", header="@T.prim_func\ndef f(a: T.int32, a: T.int32):\n")
    assert err.message == "duplicate parameter 'a'"
    assert where(err) == (2, 19)
    header = "@T.prim_func\ndef f(a: T.handle):\n"
    err = error_of("A = T.match_buffer(a, (4,))\nB = T.match_buffer(a, (4,))", header)
    assert err.message == "parameter a already has a buffer"
    assert where(err) == (4, 24)
    with pytest.raises(ParseError) as info:
        from_source(
            "@I.ir_module\nclass M:\n    @T.prim_func\n    def f():\n        pass\n"
            "    @T.prim_func\n    def f():\n        pass\n"
        )
    assert info.value.message == "duplicate function 'f' in the module"
    assert where(info.value) == (7, 5)


def test_match_buffer_of_something_that_is_not_a_handle_param():
    err = error_of("B = T.match_buffer(n, (4,))")
    assert err.message == "n is not a T.handle parameter of this function"
    assert where(err) == (3, 24)


def test_let_annotation_mismatch():
    err = error_of("y: T.int32 = x\nT.evaluate(y)")
    assert err.message == "cannot bind y: int32 to a float32 value"
    assert where(err) == (3, 18)


def test_missing_parameter_annotation():
    err = error_of("pass", header="@T.prim_func\ndef f(a):\n")
    assert err.message.startswith("parameter 'a' needs a type")
    assert where(err) == (2, 7)


def test_python_evaluation_errors_point_at_the_expression():
    with pytest.raises(ParseError) as info:
        from_source(HEADER + "    A[0, 0] = x * SIZES[5]\n", {"SIZES": [1, 2]})
    err = info.value
    assert err.message == (
        "evaluating the Python expression `SIZES[5]` failed: IndexError: list index out of range"
    )
    assert where(err) == (3, 19)


def test_unsupported_statement():
    err = error_of("return 1")
    assert err.message == "a prim_func returns nothing: remove the return"
    assert where(err) == (3, 5)


def test_errors_of_decorated_functions_point_into_this_file():
    with pytest.raises(ParseError) as info:

        @T.prim_func
        def bad(A: T.Buffer((4,), "float32")):
            A[0] = missing_value  # noqa: F821 - the error under test

    line = inspect.currentframe().f_lineno - 2
    err = info.value
    assert err.message == "name 'missing_value' is not defined"
    assert err.span.source.name == __file__
    assert err.line == line
    assert err.col == 20
    assert "A[0] = missing_value" in str(err)


def test_module_errors():
    with pytest.raises(ParseError) as info:
        from_source("@I.ir_module\nclass M:\n    x.y = 3\n")
    assert info.value.message == "only names can be assigned here"
    assert where(info.value) == (3, 5)
    with pytest.raises(ParseError) as info:
        from_source("@I.ir_module\nclass M:\n    for i in range(3):\n        pass\n")
    assert info.value.message == "unsupported statement in a module: For"
    with pytest.raises(ParseError) as info:
        from_source("class M:\n    pass\n")
    assert info.value.message == "expected a class decorated with @I.ir_module"
    with pytest.raises(ParseError) as info:
        from_source("@I.ir_module\nclass M:\n    def f():\n        pass\n")
    assert info.value.message == "a script function has exactly one decorator, such as @T.prim_func"


def test_constructs_outside_scripts_raise():
    with pytest.raises(LoomError, match="only has a meaning inside a script"):
        T.grid(4)


def test_iterating_a_buffer_is_an_error_not_a_hang():
    # Buffer.__getitem__ accepts any index; iteration must not fall back to it forever.
    err = error_of("T.evaluate([v for v in A])")
    assert err.message.endswith("TypeError: 'Buffer' object is not iterable")
    assert where(err) == (3, 16)
    err = error_of("T.evaluate(T.max(*A))")
    assert err.message == "only an iterable can be unpacked with *"
