"""A compiled executable saved to a file loads in a fresh process and gives the same results."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from graph_models import mlp, mlp_inputs

import loom


def test_saved_executable_gives_the_same_results_in_a_fresh_process(tmp_path):
    mod, _ = mlp(12, 8, 3)
    ex = loom.compile(mod)
    path = tmp_path / "mlp.loom"
    ex.save(path)
    rng = np.random.default_rng(6)
    inputs = mlp_inputs(rng, 5, 12, 8, 3)
    np.savez(tmp_path / "inputs.npz", *inputs)
    expected = loom.VirtualMachine(ex)["main"](*inputs).numpy()
    script = textwrap.dedent(
        f"""
        import numpy as np
        from loom.vm import Executable, VirtualMachine
        ex = Executable.load({str(path)!r})
        data = np.load({str(tmp_path / "inputs.npz")!r})
        out = VirtualMachine(ex)["main"](*[data[k] for k in sorted(data.files)])
        np.save({str(tmp_path / "out.npy")!r}, out.numpy())
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), expected)


def test_a_truncated_executable_file_is_a_vm_error(tmp_path):
    mod, _ = mlp(4, 4, 2)
    path = tmp_path / "mlp.loom"
    loom.compile(mod).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(loom.vm.VMError):
        loom.vm.Executable.load(path)
