"""Profiling mode: a run with every kernel and packed call timed, reported as a table."""

import numpy as np

import loom
from loom.vm import ExecutableBuilder, VirtualMachine


def test_profile_table(kernels):
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    x, y = f.params
    out = f.builtin("alloc_tensor_direct", f.builtin("shape_of", x), "float32", 0)
    for _ in range(3):
        f.kernel("add", x, y, out)
    f.ret(out)
    vm = VirtualMachine(b.build(kernels), loom.cpu())
    x, y = np.ones(4, "float32"), np.ones(4, "float32")
    report = vm.profile("main", x, y)
    np.testing.assert_array_equal(report.result.numpy(), [2, 2, 2, 2])
    rows = {r.name: r for r in report.rows}
    assert set(rows) == {"add", "vm.builtin.shape_of", "vm.builtin.alloc_tensor_direct"}
    assert (rows["add"].kind, rows["add"].calls) == ("kernel", 3)
    assert (rows["vm.builtin.shape_of"].kind, rows["vm.builtin.shape_of"].calls) == ("builtin", 1)
    assert all(r.total_s > 0 for r in report.rows)
    assert sum(r.total_s for r in report.rows) <= report.total_s
    lines = str(report).splitlines()
    assert lines[0] == "profile of 'main'"
    assert lines[1].split() == ["name", "kind", "calls", "total", "us", "mean", "us", "%"]
    assert any(line.split()[:3] == ["add", "kernel", "3"] for line in lines)
    assert lines[-1].split()[0] == "total"
    assert lines[-1].split()[-1] == "100.0"
    assert any(line.startswith("(interpreter)") for line in lines)
    # A second profile starts from zero; the plain program is not slowed by profiling.
    assert {r.name: r.calls for r in vm.profile("main", x, y).rows}["add"] == 3
    np.testing.assert_array_equal(vm["main"](x, y).numpy(), [2, 2, 2, 2])
