"""``loom.compile`` and ``loom.transform.default_pipeline``: what they take and give."""

import numpy as np
import pytest
from graph_models import mlp

import loom
from loom.ir import IRModule
from loom.script import tir as T
from loom.transform import Sequential, default_pipeline
from loom.transform.graph import LegalizeOps, LowerCallDPS, Normalize, ToNonDataflow, VMShapeLower

pytestmark = pytest.mark.usefixtures("verify_passes")


def test_compile_gives_an_executable_with_vm_functions_and_kernels():
    mod, reference = mlp(4, 3, 2)
    ex = loom.compile(mod, target="llvm")
    assert isinstance(ex, loom.vm.Executable)
    assert ex.vm_function_names == ["main"]
    kernels = {f.name for f in ex.functions if isinstance(f, loom.vm.KernelFunction)}
    assert {"matmul", "add", "relu"} <= kernels
    args = [np.full(s, 0.5, "float32") for s in ((2, 4), (4, 3), (3,), (3, 2), (2,))]
    out = loom.VirtualMachine(ex)["main"](*args).numpy()
    np.testing.assert_allclose(out, reference(*args), rtol=1e-6)


def test_default_pipeline_order():
    names = [p.name for p in default_pipeline("llvm").passes]
    assert names == [
        "Normalize",
        "ToNonDataflow",
        "InsertShapeChecks",
        "LegalizeOps",
        "DefaultCPUSchedule",
        "CanonicalizeBindings",
        "LowerCallDPS",
        "CanonicalizeBindings",
        "StaticPlanBlockMemory",
        "VMShapeLower",
    ]


def test_a_custom_pipeline_replaces_the_default():
    mod, reference = mlp(4, 3, 2)
    passes = (Normalize(), ToNonDataflow(), LegalizeOps(), LowerCallDPS(), VMShapeLower())
    minimal = Sequential(passes)
    ex = loom.compile(mod, pipeline=minimal)
    assert "alloc_storage" not in ex.as_text()  # no memory planning ran
    args = [np.ones(s, "float32") for s in ((1, 4), (4, 3), (3,), (3, 2), (2,))]
    np.testing.assert_allclose(
        loom.VirtualMachine(ex)["main"](*args).numpy(), reference(*args), rtol=1e-6
    )


@T.prim_func
def only_a_kernel(a: T.Buffer((4,), "float32")):
    for i in range(4):
        a[i] = T.float32(0)


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("not a module", "loom.compile takes an IRModule, not str"),
        (IRModule.from_functions({"k": only_a_kernel}), "needs a graph function"),
    ],
)
def test_bad_input_to_compile(module, message):
    with pytest.raises(loom.LoomError, match=message):
        loom.compile(module)


def test_an_unknown_target_fails_before_any_pass():
    mod, _ = mlp(4, 3, 2)
    with pytest.raises(loom.LoomError, match="unknown target"):
        loom.compile(mod, target="tpu")
