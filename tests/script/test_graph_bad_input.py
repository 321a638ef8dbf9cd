"""Issue 3's bad graph inputs: each a LoomError naming the problem, located at the offending code.

Every case is parsed from script text (the error's line and column must point at the code that
is wrong) and, where the builder API can express it, built with `BlockBuilder` (the error comes
when the call is emitted, carrying the call's span when it has one).
"""

import pytest

from loom.ir import GlobalVar, LoomError, StructInfoError, TypeCheckError, WellFormedError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.span import SourceFile, Span
from loom.script import from_source

IMPORTS = (
    "from loom.script import ir as I\n"
    "from loom.script import relax as R\n"
    "from loom.script import tir as T\n\n"
)


def locate(text, needle, nth=0):
    """The 1-based (line, column) of the `nth` occurrence of `needle` in `text`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    before = text[:at]
    return before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1


def parse_error(body):
    """Parse `IMPORTS + body`; return the error and the full text it was raised for."""
    text = IMPORTS + body
    with pytest.raises(LoomError) as info:
        from_source(text)
    err = info.value
    assert isinstance(err, LoomError)
    assert err.span is not None, f"no location for: {err}"
    return err, text


def assert_at(err, text, needle, nth=0):
    """The error points at the `nth` `needle` of `text`, and its rendering underlines it."""
    assert (err.line, err.col) == locate(text, needle, nth), str(err)
    assert "^" in str(err)


def one_function(params, line):
    return f"@R.function\ndef f({params}):\n    y = {line}\n    return y\n"


def tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def span_of(code):
    """A span covering `code`, the only line of a fake source file."""
    return Span(SourceFile("model.py", code + "\n"), 1, 0, 1, len(code))


# -- shape errors that inference proves at compile time -------------------------------------


def test_matmul_with_incompatible_inner_dimensions():
    err, text = parse_error(
        one_function(
            'x: R.Tensor((2, 3), "float32"), w: R.Tensor((4, 5), "float32")', "R.matmul(x, w)"
        )
    )
    assert err.message == (
        "matmul inner sizes differ: 3 (last of the left operand) vs 4 "
        "(second-to-last of the right operand)"
    )
    assert_at(err, text, "R.matmul(x, w)")


def test_matmul_symbolic_inner_dimensions_that_provably_differ():
    err, text = parse_error(
        one_function(
            'x: R.Tensor(("n", "k"), "float32"), w: R.Tensor(("k + 1", 5), "float32")',
            "R.matmul(x, w)",
        )
    )
    assert "matmul inner sizes differ: k (last of the left operand) vs k + 1" in err.message
    assert_at(err, text, "R.matmul(x, w)")


def test_matmul_through_the_block_builder():
    x, w = tensor("x", (2, 3)), tensor("w", (4, 5))
    span = span_of("y = R.matmul(x, w)")
    bb = G.BlockBuilder()
    with pytest.raises(StructInfoError) as info, bb.function("f", [x, w]):
        bb.emit(R.matmul(x, w, span=span))
    assert "matmul inner sizes differ: 3" in info.value.message
    assert info.value.span is span


def test_non_broadcastable_shapes():
    err, text = parse_error(
        one_function(
            'x: R.Tensor(("n", 3), "float32"), b: R.Tensor((4,), "float32")', "R.add(x, b)"
        )
    )
    assert err.message == "cannot broadcast size 3 with size 4 (axis 1 of the result)"
    assert_at(err, text, "R.add(x, b)")


def test_non_broadcastable_shapes_through_the_block_builder():
    x, b = tensor("x", (tir.Var("n", "int64"), 3)), tensor("b", (4,))
    span = span_of("y = R.multiply(x, b)")
    bb = G.BlockBuilder()
    with pytest.raises(StructInfoError) as info, bb.function("f", [x, b]):
        bb.emit(R.multiply(x, b, span=span))
    assert info.value.message == "cannot broadcast size 3 with size 4 (axis 1 of the result)"
    assert info.value.span is span


def test_reshape_to_a_different_element_count():
    err, text = parse_error(one_function('x: R.Tensor((2, 3), "float32")', "R.reshape(x, (4, 2))"))
    assert err.message == "cannot reshape (2, 3) (6 elements) to (4, 2) (8 elements)"
    assert_at(err, text, "R.reshape(x, (4, 2))")


def test_reshape_to_a_different_symbolic_element_count():
    # n + 1 is at least 1, so 2 * (n + 1) and 3 * (n + 1) provably differ.
    err, text = parse_error(
        one_function('x: R.Tensor(("n + 1", 2), "float32")', "R.reshape(x, (n + 1, 3))")
    )
    assert err.message == (
        "cannot reshape (n + 1, 2) (n * 2 + 2 elements) to (n + 1, 3) (n * 3 + 3 elements)"
    )
    assert_at(err, text, "R.reshape(x, (n + 1, 3))")


def test_reshape_with_an_inferred_size_that_does_not_divide():
    err, text = parse_error(one_function('x: R.Tensor((2, 3), "float32")', "R.reshape(x, (-1, 4))"))
    assert (
        err.message == "cannot reshape (2, 3) (6 elements) to (-1, 4): 4 does not divide the count"
    )
    assert_at(err, text, "R.reshape(x, (-1, 4))")


def test_reshape_through_the_block_builder():
    x = tensor("x", (2, 3))
    span = span_of("y = R.reshape(x, (4, 2))")
    bb = G.BlockBuilder()
    with pytest.raises(StructInfoError) as info, bb.function("f", [x]):
        bb.emit(R.reshape(x, (4, 2), span=span))
    assert info.value.message == "cannot reshape (2, 3) (6 elements) to (4, 2) (8 elements)"
    assert info.value.span is span


# -- names that do not resolve --------------------------------------------------------------


def test_undefined_function_by_bare_name():
    err, text = parse_error(one_function('x: R.Tensor((2, 3), "float32")', "g(x)"))
    assert err.message == "name 'g' is not defined"
    assert_at(err, text, "g(x)")


def test_undefined_function_of_the_module():
    err, text = parse_error(
        "@I.ir_module\nclass Module:\n"
        "    @R.function\n"
        '    def f(x: R.Tensor((2, 3), "float32")):\n'
        "        y = Module.g(x)\n"
        "        return y\n"
    )
    assert err.message == "module Module has no function 'g'"
    assert_at(err, text, "Module.g(x)")


def test_undefined_function_through_the_block_builder():
    x = tensor("x", (2, 3))
    bb = G.BlockBuilder()
    with pytest.raises(TypeCheckError) as info, bb.function("f", [x]):
        bb.emit(G.Call(GlobalVar("g"), (x,)))
    assert info.value.message == "call of an undefined function 'g'"


def test_unknown_operator():
    err, text = parse_error(one_function('x: R.Tensor((2, 3), "float32")', "R.nn.frobnicate(x)"))
    assert err.message == "R.nn.frobnicate is not a registered graph operator"
    assert_at(err, text, "R.nn.frobnicate")


def test_unknown_top_level_operator_suggests_the_near_name():
    err, text = parse_error(one_function('x: R.Tensor((2, 3), "float32")', "R.sqrtt(x)"))
    assert err.message == "R.sqrtt is not part of the script language"
    assert err.notes == ("did you mean R.sqrt?",)
    assert_at(err, text, "R.sqrtt")


def test_unknown_operator_through_the_api():
    with pytest.raises(TypeCheckError) as info:
        G.Op.get("frobnicate")
    assert info.value.message == "unknown graph operator R.frobnicate"


# -- dataflow blocks ------------------------------------------------------------------------


def test_dataflow_variable_used_outside_its_block():
    err, text = parse_error(
        "@R.function\n"
        'def f(x: R.Tensor((2, 3), "float32")):\n'
        "    with R.dataflow():\n"
        "        lv = R.exp(x)\n"
        "        gv = R.exp(lv)\n"
        "        R.output(gv)\n"
        "    y = R.add(gv, lv)\n"
        "    return y\n"
    )
    assert err.message.startswith("lv is a dataflow variable of the block at line 7;")
    assert "not visible after the block" in err.message
    assert_at(err, text, "lv", nth=2)


def test_dataflow_variable_returned_from_the_function():
    err, text = parse_error(
        "@R.function\n"
        'def f(x: R.Tensor((2, 3), "float32")):\n'
        "    with R.dataflow():\n"
        "        lv = R.exp(x)\n"
        "        gv = R.exp(lv)\n"
        "        R.output(gv)\n"
        "    return lv\n"
    )
    assert "lv is a dataflow variable" in err.message
    assert_at(err, text, "lv", nth=2)


def test_dataflow_variable_outside_its_block_through_the_block_builder():
    # The builder cannot see the misuse until the function is closed: the well-formedness
    # check of emit_func_output names the variable.
    x = tensor("x", (2, 3))
    bb = G.BlockBuilder()

    def build():
        with bb.function("f", [x]):
            with bb.dataflow():
                lv = bb.emit(R.exp(x))
                bb.emit_output(R.exp(lv))
            bb.emit_func_output(lv)

    with pytest.raises(WellFormedError) as info:
        build()
    assert "dataflow variable lv is used outside its dataflow block" in info.value.message


def test_output_of_an_unknown_variable():
    err, text = parse_error(
        "@R.function\n"
        'def f(x: R.Tensor((2, 3), "float32")):\n'
        "    with R.dataflow():\n"
        "        gv = R.exp(x)\n"
        "        R.output(gv, gz)\n"
        "    return gv\n"
    )
    assert err.message == "R.output: 'gz' is not bound in this dataflow block"
    assert_at(err, text, "gz")


def test_output_of_a_variable_bound_before_the_block():
    err, text = parse_error(
        "@R.function\n"
        'def f(x: R.Tensor((2, 3), "float32")):\n'
        "    z = R.exp(x)\n"
        "    with R.dataflow():\n"
        "        gv = R.exp(z)\n"
        "        R.output(z)\n"
        "    return gv\n"
    )
    assert "R.output" in err.message
    assert "'z'" in err.message
    assert_at(err, text, "z", nth=2)


# -- call_dps arguments against the prim_func's parameters ----------------------------------

PRIM_FUNC = (
    "    @T.prim_func\n"
    '    def copy(X: T.Buffer((2, 3), "float32"), Y: T.Buffer((2, 3), "float32")):\n'
    "        for i, j in T.grid(2, 3):\n"
    '            with T.block("b"):\n'
    '                vi, vj = T.axis.remap("SS", [i, j])\n'
    "                Y[vi, vj] = X[vi, vj]\n"
)


def dps_module(call, prim_func_first=True):
    graph = (
        "    @R.function\n"
        '    def f(x: R.Tensor((2, 3), "float32"), z: R.Tensor((6,), "float32"),'
        ' i: R.Tensor((2, 3), "int32")):\n'
        f"        y = {call}\n"
        "        return y\n"
    )
    parts = (PRIM_FUNC, graph) if prim_func_first else (graph, PRIM_FUNC)
    return "@I.ir_module\nclass Module:\n" + "\n".join(parts)


OUT = 'out_sinfo=R.Tensor((2, 3), "float32")'
DPS_CASES = [
    (
        "count",
        f"R.call_dps(Module.copy, (x, x), {OUT})",
        "call_dps passes 3 tensors and 0 sizes to copy, which takes 2 parameters",
    ),
    (
        "rank",
        f"R.call_tir(Module.copy, (z,), {OUT})",
        "parameter 0 (X) of copy has rank 2 but receives a tensor of rank 1",
    ),
    (
        "input_dtype",
        f"R.call_dps(copy, (i,), {OUT})",
        "parameter 0 (X) of copy has dtype float32 but receives a tensor of dtype int32",
    ),
    (
        "output_dtype",
        'R.call_dps(Module.copy, (x,), out_sinfo=R.Tensor((2, 3), "int32"))',
        "parameter 1 (Y) of copy has dtype float32 but receives a tensor of dtype int32",
    ),
]


@pytest.mark.parametrize("prim_func_first", [True, False], ids=["defined_above", "defined_below"])
@pytest.mark.parametrize(("label", "call", "message"), DPS_CASES, ids=[c[0] for c in DPS_CASES])
def test_call_dps_arguments_must_match_the_prim_func(label, call, message, prim_func_first):
    err, text = parse_error(dps_module(call, prim_func_first))
    assert err.message == message
    assert_at(err, text, call.split("(")[0] + "(")


def test_matching_call_dps_parses():
    module = from_source(IMPORTS + dps_module(f"R.call_dps(Module.copy, (x,), {OUT})"))
    assert str(module["f"].body.body.struct_info.dtype) == "float32"


def test_call_dps_arguments_are_checked_when_the_builder_emits_the_call():
    prim_func = from_source(IMPORTS + PRIM_FUNC.replace("\n    ", "\n")[4:])
    x, z = tensor("x", (2, 3)), tensor("z", (6,))
    out = G.TensorStructInfo((2, 3), "float32")
    span = span_of("y = R.call_dps(copy, (z,), out)")
    bb = G.BlockBuilder()
    copy = bb.add_func(prim_func, "copy")
    with bb.function("f", [x, z]):
        with pytest.raises(StructInfoError) as info:
            bb.emit(R.call_dps(copy, [x, x], out))
        assert info.value.message == (
            "call_dps passes 3 tensors and 0 sizes to copy, which takes 2 parameters"
        )
        with pytest.raises(StructInfoError) as info:
            bb.emit(R.call_dps(copy, [z], out, span=span))
        assert info.value.message == (
            "parameter 0 (X) of copy has rank 2 but receives a tensor of rank 1"
        )
        assert info.value.span is span
        with pytest.raises(StructInfoError, match=r"parameter 1 \(Y\) of copy has dtype float32"):
            bb.emit(R.call_dps(copy, [x], G.TensorStructInfo((2, 3), "int32")))
        y = bb.emit(R.call_dps(copy, [x], out))
        bb.emit_func_output(y)
