"""The bytecode compiler: the instructions it emits, and what it refuses."""

import numpy as np
import pytest

import loom
from loom.script import from_source
from loom.transform.graph import VMShapeLower
from loom.vm.compiler import VMCodegenError, vm_codegen

BRANCH = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function(pure=False)
    def main(a: R.Prim("int64"), b: R.Prim("int64")):
        c = R.call_packed("test.vm.lt", a, b, sinfo_args=(R.Prim("bool"),))
        if c:
            r = R.call_packed("test.vm.add", a, b, sinfo_args=(R.Prim("int64"),))
        else:
            r = a
        t = (r, R.str("s"), R.prim_value(T.int64(7)), R.shape([2, 3]))
        return t
"""

# A branch result computed by a call lands in the result register directly; a variable from
# outside the branch is moved there (the ISA has no move: a one-field tuple round trip).
BRANCH_CODE = [
    "%2 = vm.builtin.check_prim_info(%0, c[0], c[1])",
    "%3 = vm.builtin.check_prim_info(%1, c[0], c[2])",
    "%4 = test.vm.lt(%0, %1)",
    "%6 = vm.builtin.read_if_cond(%4)",
    "if %6 else +3",
    "%5 = test.vm.add(%0, %1)",
    "goto +3",
    "%7 = vm.builtin.make_tuple(%0)",
    "%5 = vm.builtin.tuple_getitem(%7, 0)",
    "%8 = vm.builtin.make_tuple(%5, c[3], 7, c[4])",
    "ret %8",
]
BRANCH_CONSTANTS = ["int64", "main: argument a", "main: argument b", "s", loom.ffi.Shape([2, 3])]


def code(ex, name):
    """The instructions of VM function `name`, callees by name."""
    out = []
    for instr in ex[name].instructions:
        if isinstance(instr, loom.vm.Call):
            args = ", ".join(map(str, instr.args))
            out.append(f"%{instr.dst} = {ex.functions[instr.func_index].name}({args})")
        else:
            out.append(str(instr))
    return out


def test_if_and_tuple_codegen():
    ex = vm_codegen(VMShapeLower()(from_source(BRANCH)))
    assert code(ex, "main") == BRANCH_CODE
    assert list(ex.constants) == BRANCH_CONSTANTS
    assert ex["main"].num_registers == 9
    vm = loom.VirtualMachine(ex)
    assert vm["main"](1, 2) == (3, "s", 7, loom.ffi.Shape([2, 3]))
    assert vm["main"](5, 2) == (5, "s", 7, loom.ffi.Shape([2, 3]))


def test_a_function_without_shape_lowering_is_refused():
    with pytest.raises(VMCodegenError, match="has not been through VMShapeLower"):
        vm_codegen(from_source(BRANCH))


UNLEGALIZED = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((4,), "float32")):
        y = R.exp(x)
        return y
"""


def test_an_operator_that_was_not_legalized_is_named():
    with pytest.raises(VMCodegenError, match=r"R\.exp reached the VM compiler"):
        vm_codegen(VMShapeLower()(from_source(UNLEGALIZED)))


def test_a_module_without_graph_functions_is_refused():
    with pytest.raises(VMCodegenError, match="no graph function"):
        vm_codegen(loom.ir.IRModule())


CONSTANTS = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor((3,), "float32")):
        y = R.add(x, R.const([1.0, 2.0, 3.0], "float32"))
        c = R.const(2.5, "float32")
        return (y, c)
"""


@pytest.mark.usefixtures("verify_passes")
def test_constants_go_to_the_pool_and_a_returned_constant_is_a_register():
    ex = loom.compile(from_source(CONSTANTS))
    assert "tensor float32 [3] [1.0, 2.0, 3.0]" in ex.as_text()
    y, c = loom.VirtualMachine(ex)["main"](np.zeros(3, "float32"))
    np.testing.assert_array_equal(y.numpy(), [1, 2, 3])
    assert c.numpy() == np.float32(2.5)
