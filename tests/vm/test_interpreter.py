"""The interpreter on hand-assembled bytecode: packed calls, branches and loops, VM-to-VM calls
and recursion, closures, tuples, argument conversion and located errors."""

import numpy as np
import pytest

import loom
from loom.ffi import NDArray, Shape, register_func
from loom.vm import (
    Call,
    Closure,
    ExecutableBuilder,
    ExternFunction,
    Goto,
    If,
    Imm,
    Reg,
    Ret,
    VirtualMachine,
    VMError,
    VMFunction,
)
from loom.vm.executable import Executable


def run(builder, name, *args, **vm_options):
    return VirtualMachine(builder.build(), loom.cpu(), **vm_options)[name](*args)


def test_arithmetic_through_packed_functions():
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    x, y = f.params
    s = f.call("test.vm.add", x, y)
    p = f.call("test.vm.mul", s, 10)
    f.ret(f.call("test.vm.sub", p, y))
    assert run(b, "main", 3, 4) == (3 + 4) * 10 - 4
    assert run(b, "main", 1.5, 2.0) == pytest.approx(33.0)


def test_raw_instructions_without_the_assembler():
    # sum(0..n-1) with a Goto loop: %1 = i, %2 = acc, %3 = cond.
    add, lt, zero = 0, 1, 2
    main = VMFunction(
        "main",
        ("n",),
        4,
        (
            Call(1, zero, ()),
            Call(2, zero, ()),
            Call(3, lt, (Reg(1), Reg(0))),  # 2: loop head
            If(3, 4),
            Call(2, add, (Reg(2), Reg(1))),
            Call(1, add, (Reg(1), Imm(1))),
            Goto(-4),
            Ret(2),  # 7
        ),
    )
    register_func("test.vm.zero", lambda: 0, override=True)
    table = [ExternFunction(n) for n in ("test.vm.add", "test.vm.lt", "test.vm.zero")]
    ex = Executable([*table, main])
    vm = VirtualMachine(ex, loom.cpu())
    assert vm["main"](10) == sum(range(10))
    assert vm["main"](0) == 0


def test_if_else_join():
    b = ExecutableBuilder()
    f = b.function("pick", ["c", "a", "b"])
    c, a, bb = f.params
    cond = f.builtin("read_if_cond", c)
    r = f.reg()
    otherwise, join = f.label(), f.label()
    f.if_false(cond, otherwise)
    f.call("test.vm.add", a, 0, dst=r)
    f.goto(join)
    f.bind(otherwise)
    f.call("test.vm.add", bb, 0, dst=r)
    f.bind(join)
    f.ret(r)
    vm = VirtualMachine(b.build(), loom.cpu())
    assert vm["pick"](True, 1, 2) == 1
    assert vm["pick"](False, 1, 2) == 2
    assert vm["pick"](np.array(True), 1, 2) == 1  # a 0-d bool tensor
    assert vm["pick"](np.array([0], "int32"), 1, 2) == 2


def factorial_program():
    b = ExecutableBuilder()
    b.declare("fact", ["n"])
    f = b.function("fact", ["n"])
    (n,) = f.params
    base = f.label()
    small = f.call("test.vm.le", n, 1)
    f.if_false(small, base)
    f.ret(f.builtin("prim_value", 1))
    f.bind(base)
    rest = f.call("fact", f.call("test.vm.sub", n, 1))
    f.ret(f.call("test.vm.mul", n, rest))
    return b


def test_recursive_factorial():
    vm = VirtualMachine(factorial_program().build(), loom.cpu())
    assert [vm["fact"](n) for n in range(6)] == [1, 1, 2, 6, 24, 120]
    assert vm["fact"](20) == 2432902008176640000
    with pytest.raises(VMError, match=r"FFIError: integer \d+ does not fit in 64 bits"):
        vm["fact"](21)  # packed functions return int64


def test_recursion_depth_limit_is_a_vm_error():
    vm = VirtualMachine(factorial_program().build(), loom.cpu(), max_call_depth=50)
    with pytest.raises(VMError, match="VM call depth exceeded 50 calling 'fact'") as info:
        vm["fact"](100)
    text = str(info.value)
    assert "called from VM function 'fact', instruction 5" in text
    assert "(49 times)" in text  # one note for the repeated frames, not 49
    assert vm["fact"](10) == 3628800  # the VM is still usable


def test_python_stack_exhaustion_is_a_vm_error():
    vm = VirtualMachine(factorial_program().build(), loom.cpu(), max_call_depth=10**6)
    with pytest.raises(VMError, match="recursion too deep"):
        vm["fact"](10**5)
    assert vm["fact"](5) == 120


def test_mutual_calls_and_arguments_order():
    b = ExecutableBuilder()
    b.declare("helper", ["a", "b"])
    f = b.function("main", ["x", "y"])
    f.ret(f.call("helper", f.params[1], f.params[0]))
    g = b.function("helper", ["a", "b"])
    g.ret(g.call("test.vm.sub", *g.params))
    assert run(b, "main", 10, 3) == 3 - 10


def test_closures_capture_and_invoke():
    b = ExecutableBuilder()
    b.declare("scale_add", ["k", "x", "y"])
    g = b.function("scale_add", ["k", "x", "y"])
    k, x, y = g.params
    g.ret(g.call("test.vm.add", g.call("test.vm.mul", k, x), y))
    f = b.function("main", ["k", "x", "y"])
    k, x, y = f.params
    clo = f.builtin("make_closure", b.func("scale_add"), k)
    clo2 = f.builtin("make_closure", clo, x)  # capture more
    f.builtin("check_func_info", clo2, "main: closure")
    f.ret(f.builtin("invoke_closure", clo2, y))
    assert run(b, "main", 3, 4, 5) == 17


def test_closure_of_a_packed_function_and_closure_values():
    b = ExecutableBuilder()
    f = b.function("main", ["x"])
    f.ret(f.builtin("make_closure", b.func("test.vm.mul"), f.params[0]))
    clo = run(b, "main", 6)
    assert isinstance(clo, Closure)
    assert clo(7) == 42


def test_closure_arity_is_checked():
    b = ExecutableBuilder()
    g = b.function("two", ["a", "b"])
    g.ret(g.params[0])
    f = b.function("main", ["x"])
    f.ret(f.builtin("invoke_closure", b.func("two"), f.params[0]))
    with pytest.raises(VMError, match="closure of 'two' expects 2 arguments but got 1"):
        run(b, "main", 1)


def test_tuples_make_get_and_return():
    b = ExecutableBuilder()
    f = b.function("main", ["pair", "z"])
    pair, z = f.params
    f.builtin("check_tuple_info", pair, 2, "main: argument pair")
    first = f.builtin("tuple_getitem", pair, 0)
    inner = f.builtin("tuple_getitem", pair, 1)
    f.ret(f.builtin("make_tuple", z, f.builtin("make_tuple", first, inner)))
    x = np.arange(3, dtype="float32")
    result = run(b, "main", (x, (1, 2.5)), 7)
    assert type(result) is tuple
    assert result[0] == 7
    arr, inner = result[1]
    assert isinstance(arr, NDArray)
    np.testing.assert_array_equal(arr.numpy(), x)
    assert inner == (1, 2.5)


def test_numpy_arguments_are_zero_copy_and_results_ndarrays():
    b = ExecutableBuilder()
    f = b.function("identity", ["x"])
    f.ret(f.params[0])
    vm = VirtualMachine(b.build(), loom.cpu())
    x = np.arange(6, dtype="float32").reshape(2, 3)
    out = vm["identity"](x)
    assert isinstance(out, NDArray)
    assert out.shape == (2, 3)
    out.numpy()[0, 0] = 42.0
    assert x[0, 0] == 42.0  # the same memory
    strided = np.arange(12, dtype="float32")[::2]
    np.testing.assert_array_equal(vm["identity"](strided).numpy(), strided)
    swapped = np.arange(4, dtype=">f4")  # non-native byte order: copied
    np.testing.assert_array_equal(vm["identity"](swapped).numpy(), swapped)
    assert vm["identity"](np.int64(5)) == 5
    assert type(vm["identity"](np.int64(5))) is int
    assert vm["identity"](np.float32(0.5)) == 0.5
    assert vm["identity"](True) is True
    assert vm["identity"]([1, [2, 3]]) == (1, (2, 3))
    assert vm["identity"](Shape((2, 3))) == Shape((2, 3))


def test_unsupported_argument_and_wrong_count():
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    f.ret(f.params[0])
    vm = VirtualMachine(b.build(), loom.cpu())
    with pytest.raises(VMError, match=r"main: expected 2 arguments \(x, y\) but got 1"):
        vm["main"](1)
    with pytest.raises(VMError, match="main: argument y: unsupported argument a dict"):
        vm["main"](1, {})
    with pytest.raises(VMError, match=r"no VM function 'nope' \(it has: main\)"):
        vm["nope"]


def test_errors_name_function_instruction_and_operands():
    def boom(a, b):
        raise ValueError("bad operand")

    register_func("test.vm.boom", boom, override=True)
    b = ExecutableBuilder()
    g = b.function("inner", ["v"])
    g.ret(g.call("test.vm.boom", g.params[0], "text"))
    f = b.function("outer", ["x"])
    f.ret(f.call("inner", f.params[0]))
    vm = VirtualMachine(b.build(), loom.cpu())
    with pytest.raises(VMError) as info:
        vm["outer"](np.zeros((2, 3), "float16"))
    err = info.value
    assert err.message == "ValueError: bad operand"
    assert (err.function, err.pc) == ("inner", 0)
    assert err.notes == (
        "in VM function 'inner', instruction 0: %1 = call @test.vm.boom(%0, 'text')",
        "operands: %0 = a tensor float16 [2, 3]",
        "called from VM function 'outer', instruction 0: %1 = call @inner(%0)",
    )
    assert isinstance(err.__cause__, ValueError)


def test_if_needs_a_bool_or_int():
    b = ExecutableBuilder()
    f = b.function("main", ["c"])
    end = f.label()
    f.if_false(f.params[0], end)
    f.bind(end)
    f.ret(f.params[0])
    vm = VirtualMachine(b.build(), loom.cpu())
    assert vm["main"](0) == 0
    with pytest.raises(VMError, match=r"if: the condition must be a bool or int .* a tensor"):
        vm["main"](np.zeros(1, "float32"))


def test_vm_value_and_packed_function_values():
    b = ExecutableBuilder()
    f = b.function("main", [])
    f.ret(f.builtin("make_tuple", b.func("test.vm.add"), f.builtin("null_value")))
    add, null = run(b, "main")
    assert add(2, 3) == 5
    assert null is None
