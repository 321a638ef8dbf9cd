"""An external call_dps callee resolves through the ffi registry when the VM is created."""

import numpy as np
import pytest

import loom
from loom.script import from_source

SOURCE = """
from loom.script import ir as I, relax as R, tir as T

@I.ir_module
class Module:
    @R.function
    def main(x: R.Tensor(("n",), "float32")):
        n = T.int64()
        y = R.call_dps_packed("{name}", (x,), out_sinfo=R.Tensor((n,), "float32"))
        z = R.add(y, x)
        return z
"""


def test_python_function_writes_the_destination():
    @loom.ffi.register_func("test.e2e.double_into", override=True)
    def double_into(x, out):
        out.numpy()[...] = 2 * x.numpy()

    executable = loom.compile(from_source(SOURCE.format(name="test.e2e.double_into")))
    vm = loom.VirtualMachine(executable, loom.cpu())
    for n in (3, 17):
        x = np.random.default_rng(n).standard_normal(n).astype("float32")
        np.testing.assert_allclose(vm["main"](x).numpy(), 3 * x, rtol=1e-6)


def test_unknown_callee_is_named_when_the_vm_is_created():
    executable = loom.compile(from_source(SOURCE.format(name="test.e2e.not_registered")))
    with pytest.raises(loom.LoomError, match=r"test\.e2e\.not_registered"):
        loom.VirtualMachine(executable, loom.cpu())
