"""Creating a VirtualMachine: names resolve once, unknown packed functions fail early, devices
and builtins overridden in the registry are honoured."""

import numpy as np
import pytest

import loom
from loom.ffi import get_global_func, register_func
from loom.vm import ExecutableBuilder, VirtualMachine, VMError


def calling(*names):
    b = ExecutableBuilder()
    f = b.function("main", [])
    for name in names:
        f.call(name)
    f.ret(f.builtin("null_value"))
    return b.build()


def test_unknown_packed_functions_fail_at_creation():
    ex = calling("test.vm.add", "no.such.func", "other.missing")
    with pytest.raises(loom.LoomError) as info:
        VirtualMachine(ex, loom.cpu())
    assert isinstance(info.value, VMError)
    assert info.value.message.startswith(
        "the executable calls packed functions that are not registered: 'no.such.func', "
        "'other.missing'"
    )


def test_functions_registered_later_resolve_at_creation():
    ex = calling("test.vm.late")
    with pytest.raises(VMError, match=r"'test\.vm\.late'"):
        VirtualMachine(ex)
    register_func("test.vm.late", lambda: 1, override=True)
    assert VirtualMachine(ex)["main"]() is None


def test_user_packed_function_sees_normalized_values():
    seen = []
    register_func("test.vm.record", lambda x, s: seen.append((type(x).__name__, s)), override=True)
    b = ExecutableBuilder()
    f = b.function("main", ["x"])
    f.call("test.vm.record", f.params[0], (2, 3))
    f.ret(f.params[0])
    VirtualMachine(b.build())["main"](np.zeros(2))
    assert seen == [("NDArray", (2, 3))]


def test_an_overridden_builtin_is_called_through_the_registry():
    original = get_global_func("vm.builtin.null_value")
    try:
        register_func("vm.builtin.null_value", lambda: 42, override=True)
        assert VirtualMachine(calling())["main"]() == 42
    finally:
        register_func("vm.builtin.null_value", original, override=True)
    assert VirtualMachine(calling())["main"]() is None


def test_devices():
    b = ExecutableBuilder()
    f = b.function("main", [])
    f.ret(f.builtin("alloc_tensor_direct", (2,), "float32", 1))
    vm = VirtualMachine(b.build(), [loom.cpu(), "cpu"])
    assert vm["main"]().shape == (2,)
    assert vm.devices == (loom.cpu(), loom.cpu())
    with pytest.raises(VMError, match="bad VM device 'tpu'"):
        VirtualMachine(b.build(), "tpu")
    with pytest.raises(VMError, match="runs an Executable, got str"):
        VirtualMachine("main")
