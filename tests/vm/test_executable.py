"""Executable construction: validation of hand-built bytecode, the readable text and stats."""

import numpy as np
import pytest

from loom.ffi import Shape
from loom.vm import (
    Call,
    ConstIdx,
    Executable,
    ExecutableBuilder,
    ExternFunction,
    FuncIdx,
    Goto,
    If,
    Imm,
    KernelFunction,
    Reg,
    Ret,
    VMError,
    VMFunction,
)

NULL = ExternFunction("vm.builtin.null_value")


def make(*instructions, num_registers=2, constants=(), extra=()):
    fn = VMFunction("f", ("a",), num_registers, tuple(instructions))
    return Executable([fn, NULL, *extra], constants)


@pytest.mark.parametrize(
    ("instructions", "message"),
    [
        ((Ret(2),), r"instruction 0 \(ret %2\): result 2 is not a register 0..1"),
        ((Call(5, 1, ()), Ret(0)), "destination 5 is not a register"),
        ((Call(1, 7, ()), Ret(0)), "function index 7 is out of range"),
        ((Call(1, 1, (Reg(-1),)), Ret(0)), "operand register -1 is not a register"),
        ((Call(1, 1, (ConstIdx(0),)), Ret(0)), r"constant index 0 is out of range \(the pool"),
        ((Call(1, 1, (FuncIdx(3),)), Ret(0)), "function operand 3 is out of range"),
        ((Call(1, 1, (Imm(True),)), Ret(0)), "immediate True is not an int"),
        ((Call(1, 1, (3,)), Ret(0)), "not an operand: 3"),
        ((Call(1, 0, ()), Ret(0)), "'f' takes 1 arguments but is given 0"),
        ((Goto(5), Ret(0)), "jumps to 5, outside the function's instructions 0..1"),
        ((Goto(0), Ret(0)), "a jump by 0 never ends"),
        ((If(0, -1), Ret(0)), "jumps to -1"),
        ((Ret(0), Call(1, 1, ())), r"the last instruction \(%1 = call @1\(\)\) falls through"),
        ((), "has no instructions"),
        (("ret",), "not an instruction"),
    ],
)  # fmt: skip
def test_invalid_functions(instructions, message):
    with pytest.raises(VMError, match=message):
        make(*instructions)


def test_invalid_tables():
    with pytest.raises(VMError, match="num_registers 0 is less than its 1 parameters"):
        make(Ret(0), num_registers=0)
    with pytest.raises(VMError, match="entries 1 and 2 are both extern function"):
        make(Ret(0), extra=[NULL])
    with pytest.raises(VMError, match=r"calls kernels \(k\) but has no kernel library"):
        make(Ret(0), extra=[KernelFunction("k")])
    with pytest.raises(VMError, match=r"constant c\[0\] has unsupported type dict"):
        make(Ret(0), constants=[{}])
    with pytest.raises(VMError, match="entry 0 is not a function entry"):
        Executable(["f"])


def test_assembler_errors():
    b = ExecutableBuilder()
    b.declare("g", ["x"])
    with pytest.raises(VMError, match="declared with params"):
        b.declare("g", ["y"])
    with pytest.raises(VMError, match="'g' was declared but has no body"):
        b.build()
    f = b.function("g", ["x"])
    f.call("h", f.params[0])  # h is not declared (yet): a packed function
    with pytest.raises(VMError, match="'h' was called as a packed function before it was"):
        b.declare("h", ["x"])
    f.goto(f.label())
    with pytest.raises(VMError, match="g: jump at instruction 1 to a label never bound"):
        b.build()


def test_as_text_and_stats():
    b = ExecutableBuilder()
    b.declare("loop", ["n"])
    f = b.function("loop", ["n"])
    done = f.label()
    c = f.call("test.vm.le", f.params[0], 0)
    f.if_false(c, done)
    f.ret(f.params[0])
    f.bind(done)
    weights = b.const(np.ones((2, 2), "float32"))
    f.call("loop", f.call("test.vm.sub", f.params[0], 1), dst=c)
    f.builtin("make_tuple", weights, Shape((2, 3)), "float16", 2.5, b.func("loop"))
    f.goto(done)
    ex = b.build()
    assert ex.as_text() == "\n".join(
        [
            "[0] vm function loop(n)  # 4 registers",
            "  0: %1 = call @test.vm.le(%0, 0)",
            "  1: if %1 else +2",
            "  2: ret %0",
            "  3: %2 = call @test.vm.sub(%0, 1)",
            "  4: %1 = call @loop(%2)",
            "  5: %3 = call @vm.builtin.make_tuple(c[0], shape [2, 3], 'float16', 2.5, @loop)",
            "  6: goto -3",
            "[1] extern test.vm.le",
            "[2] extern test.vm.sub",
            "[3] extern vm.builtin.make_tuple",
            "constants:",
            "  c[0] = tensor float32 [2, 2] [[1.0, 1.0], [1.0, 1.0]]",
            "  c[1] = shape [2, 3]",
            "  c[2] = 'float16'",
            "  c[3] = 2.5",
        ]
    )
    assert ex.stats().splitlines()[:2] == [
        "functions: 1 vm (7 instructions), 3 extern, 0 kernel",
        "constants: 4 (16 bytes of tensors)",
    ]
    assert ex["loop"].params == ("n",)
    with pytest.raises(VMError, match=r"no VM function 'main' \(it has: loop\)"):
        ex["main"]
