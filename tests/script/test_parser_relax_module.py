"""Whole modules of graph functions and prim_funcs: references between functions (cls.f, bare
names, defined below), calls between graph functions with symbolic sizes, recursion, metadata
constants, decorated classes, and module-level errors."""

import numpy as np
import pytest

from loom.ir import IRModule, LoomError, ParseError, assert_structural_equal, tir
from loom.ir import graph as G
from loom.script import from_source
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T
from loom.script.metadata import encode_constants


def test_functions_refer_to_functions_defined_below():
    module = from_source(
        """
        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n",), "float32")):
                cls = Module
                a = cls.double(x)
                b = double(a)
                c = R.call_dps(cls.copy, (b,), out_sinfo=R.Tensor((n * 4,), "float32"))
                return c

            @R.function(private=True)
            def double(x: R.Tensor(("m",), "float32")) -> R.Tensor(("m * 2",), "float32"):
                y = R.concat((x, x))
                return y

            @T.prim_func
            def copy(a: T.handle, b: T.handle):
                k = T.int64()
                A = T.match_buffer(a, (k,), "float32")
                B = T.match_buffer(b, (k,), "float32")
                for i in range(k):
                    with T.block("B"):
                        vi = T.axis.remap("S", [i])
                        B[vi] = A[vi]
        """
    )
    assert [gv.name_hint for gv in module.functions] == ["main", "double", "copy"]
    main = module["main"]
    a, b, c = (binding for binding in main.body.blocks[0].bindings)
    assert a.value.op is module.global_var("double")
    assert b.value.op is module.global_var("double")
    assert c.value.args[0] is module.global_var("copy")
    # The callee's size m is bound to the caller's: double(x: n) gives n * 2, then n * 4.
    (n,) = main.params[0].struct_info.values
    assert_structural_equal(a.var.struct_info.values[0], n * tir.const(2, "int64"))
    assert_structural_equal(
        b.var.struct_info.values[0], n * tir.const(2, "int64") * tir.const(2, "int64")
    )
    assert module["double"].attrs["private"] is True


def test_result_sizes_the_caller_cannot_see_are_forgotten():
    module = from_source(
        """
        @I.ir_module
        class Module:
            @R.function
            def inner(x: R.Tensor(("n",), "float32")):
                y = R.match_cast(x, R.Tensor(("k",), "float32"))
                return y

            @R.function
            def outer(x: R.Tensor((8,), "float32")):
                y = Module.inner(x)
                return y
        """
    )
    (call,) = module["outer"].body.blocks[0].bindings
    assert call.var.struct_info.shape is None
    assert call.var.struct_info.ndim == 1


def test_recursion_needs_a_return_annotation():
    module = from_source(
        """
        @I.ir_module
        class Module:
            @R.function
            def count(c: R.Prim("bool"), x: R.Tensor((2,), "float32")) -> R.Tensor((2,), "float32"):
                if c:
                    y = count(c, R.add(x, x))
                else:
                    y = x
                return y
        """
    )
    func = module["count"]
    assert func.is_pure
    with pytest.raises(ParseError) as info:
        from_source(
            "@I.ir_module\nclass Module:\n    @R.function\n"
            '    def f(x: R.Tensor((2,), "float32")):\n        y = f(x)\n        return y\n'
        )
    assert info.value.message == (
        "f is called while its own signature is being read; annotate its return struct info "
        "(-> R.Tensor(...)) to call it recursively"
    )
    assert (info.value.line, info.value.col) == (5, 13)


def test_metadata_constants_round_trip_through_the_table():
    weights = np.arange(40, dtype="float32").reshape(8, 5)
    text = f"""
from loom.script import ir as I
from loom.script import relax as R

metadata = I.metadata("{encode_constants([weights])}")


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((2, 8), "float32")):
        y = R.matmul(x, metadata["constants"][0])
        z = R.add(y, metadata["constants"][0][0])
        return z
"""
    module = from_source(text)
    first, second = (b.value.args[1] for b in module["main"].body.blocks[0].bindings)
    assert isinstance(first, G.Constant)
    np.testing.assert_array_equal(first.data, weights)
    assert first.data is not second.data
    assert second.data.shape == (5,)


def test_metadata_decodes_at_run_time():
    table = I.metadata(encode_constants([np.ones((2, 2), "int8")]))
    assert table["constants"][0].dtype == np.int8
    assert not table["constants"][0].flags.writeable


@I.ir_module
class Decorated:
    @T.prim_func
    def add_one(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32")):
        for i in range(4):
            with T.block("B"):
                vi = T.axis.remap("S", [i])
                B[vi] = A[vi] + T.float32(1)

    @R.function
    def main(x: R.Tensor((4,), "float32")) -> R.Tensor((4,), "float32"):
        cls = Decorated
        with R.dataflow():
            y = R.call_tir(cls.add_one, (x,), out_sinfo=R.Tensor((4,), "float32"))
            R.output(y)
        return y


def test_decorated_class_mixes_dialects():
    assert isinstance(Decorated, IRModule)
    assert isinstance(Decorated["add_one"], tir.PrimFunc)
    main = Decorated["main"]
    assert isinstance(main, G.Function)
    (binding,) = main.body.blocks[0].bindings
    assert binding.value.args[0] is Decorated.global_var("add_one")
    assert_structural_equal(Decorated, from_source(Decorated.script()))


def test_deferred_function_outside_a_module():
    class Plain:
        @R.function
        def f(x: R.Tensor((2,), "float32")):
            return x

    assert isinstance(Plain.__dict__["f"], R.DeferredFunction)
    with pytest.raises(LoomError, match=r"decorate the class with @I\.ir_module"):
        Plain.__dict__["f"]()


def error_of(text):
    with pytest.raises(ParseError) as info:
        from_source(text)
    return info.value


def test_undefined_function():
    err = error_of(
        "@I.ir_module\nclass Module:\n    @R.function\n"
        '    def f(x: R.Tensor((2,), "float32")):\n'
        "        y = Module.g(x)\n        return y\n"
    )
    assert err.message == "module Module has no function 'g'"
    assert (err.line, err.col) == (5, 13)
    err = error_of(
        "@I.ir_module\nclass Module:\n    @R.function\n"
        '    def f(x: R.Tensor((2,), "float32")):\n'
        "        y = g(x)\n        return y\n"
    )
    assert err.message == "name 'g' is not defined"
    assert (err.line, err.col) == (5, 13)


def test_calling_a_prim_func_directly_or_binding_a_function():
    text = (
        "@I.ir_module\nclass Module:\n"
        '    @T.prim_func\n    def p(A: T.Buffer((2,), "float32")):\n        T.evaluate(0)\n\n'
        '    @R.function\n    def f(x: R.Tensor((2,), "float32")):\n'
        "        y = {}\n        return y\n"
    )
    # Lowered code calls a prim_func directly, outputs included; it returns R.Tuple().
    module = from_source(text.format("p(x)"))
    (call,) = module["f"].body.blocks[0].bindings
    assert call.value.op is module.global_var("p")
    assert call.var.struct_info.fields == ()
    assert not module["f"].is_pure
    err = error_of(text.format("p(x, x)"))
    assert err.message == "p takes 1 arguments (its inputs, outputs and sizes), got 2"
    assert (err.line, err.col) == (9, 13)
    err = error_of(text.format("p"))
    assert err.message == (
        "p is a function of the module; call it, or pass it to R.call_dps, instead of using "
        "it as a value"
    )
    assert (err.line, err.col) == (9, 9)


def test_call_of_a_graph_function_with_wrong_arguments():
    text = (
        "@I.ir_module\nclass Module:\n"
        "    @R.function\n"
        '    def g(a: R.Tensor(("n",), "float32"), b: R.Tensor(("n",), "float32")):\n'
        "        return a\n\n"
        '    @R.function\n    def f(x: R.Tensor((2,), "float32"), y: R.Tensor((3,), "float32")):\n'
        "        z = {}\n        return z\n"
    )
    err = error_of(text.format("g(x)"))
    assert err.message == "g takes 2 arguments, got 1"
    assert (err.line, err.col) == (9, 13)
    err = error_of(text.format("g(x, y)"))
    assert err.message == (
        'argument 1 of g must be R.Tensor((2,), dtype="float32"), but dimension 0 is 3, not 2'
    )
    assert (err.line, err.col) == (9, 18)


def test_call_dps_arguments_are_checked_against_the_prim_func():
    err = error_of(
        "@I.ir_module\nclass Module:\n"
        '    @T.prim_func\n    def p(A: T.Buffer((2,), "float32"), B: T.Buffer((2,), "float32")):\n'
        "        T.evaluate(0)\n\n"
        '    @R.function\n    def f(x: R.Tensor((2,), "int32")):\n'
        '        y = R.call_dps(Module.p, (x,), out_sinfo=R.Tensor((2,), "float32"))\n'
        "        return y\n"
    )
    assert (
        err.message == "parameter 0 (A) of p has dtype float32 but receives a tensor of dtype int32"
    )
    assert (err.line, err.col) == (9, 13)


def test_duplicate_function():
    err = error_of(
        "@I.ir_module\nclass Module:\n"
        '    @R.function\n    def f(x: R.Tensor((2,), "float32")):\n        return x\n\n'
        '    @R.function\n    def f(x: R.Tensor((2,), "float32")):\n        return x\n'
    )
    assert err.message == "duplicate function 'f' in the module"
    assert (err.line, err.col) == (8, 5)


def test_r_function_and_t_prim_func_decorators_are_constructs():
    assert R.function.script_name == "R.function"
    assert T.prim_func.script_name == "T.prim_func"
