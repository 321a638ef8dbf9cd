"""The seed program of the project document (typos fixed) compiles and runs; its
``R.call_packed("custom_inplace_update", gv0)`` calls a Python function registered by name."""

import numpy as np
import pytest

import loom
from loom.script import from_source

SEED = """
from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T


@I.ir_module
class MyIRModule:
    # Define a TIR based operation.
    @T.prim_func
    def tir_mm(X: T.Buffer[(n, d), "float32"],
               W: T.Buffer[(d, m), "float32"],
               Y: T.Buffer[(n, m), "float32"]):
        for i, j, k in T.grid(n, m, d):
            with T.block("body"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                with T.init():
                    Y[vi, vj] = 0
                # Can be mapped on to HW intrinsics.
                Y[vi, vj] += X[vi, vk] * W[vk, vj]

    @R.function
    def relax_func(x: R.Tensor[(n, d), "float32"], w: R.Tensor[(d, m), "float32"]):
        with R.dataflow():
            # Invoke the TIR code.
            lv0: R.Tensor[(n, m), "float32"] = R.call_dps((n, m), tir_mm, [x, w])
            lv1: R.Tensor[(n * m,), "float32"] = R.flatten(lv0)
            gv0: R.Tensor[(n * m,), "float32"] = R.exp(lv1)
            R.output(gv0)

        # Invoke external update rule.
        R.call_packed("custom_inplace_update", gv0)
        return gv0
"""


@pytest.fixture
def updates():
    seen = []

    def custom_inplace_update(tensor):
        seen.append(tuple(tensor.shape))
        tensor.numpy()[:] *= 2  # a view of the VM's tensor: the update is in place

    loom.ffi.register_func("custom_inplace_update", custom_inplace_update, override=True)
    yield seen
    loom.ffi.remove_global_func("custom_inplace_update")


def test_seed_program_runs_and_calls_the_registered_update(updates):
    vm = loom.VirtualMachine(loom.compile(from_source(SEED)))
    rng = np.random.default_rng(5)
    for n, d, m in ((2, 3, 4), (5, 1, 2)):
        x = rng.standard_normal((n, d)).astype("float32")
        w = rng.standard_normal((d, m)).astype("float32")
        out = vm["relax_func"](x, w).numpy()
        np.testing.assert_allclose(out, 2 * np.exp((x @ w).reshape(-1)), rtol=1e-5)
    assert updates == [(8,), (10,)]


def test_an_unregistered_packed_function_fails_when_the_vm_is_made():
    ex = loom.compile(from_source(SEED))
    with pytest.raises(loom.LoomError, match="custom_inplace_update"):
        loom.VirtualMachine(ex)
