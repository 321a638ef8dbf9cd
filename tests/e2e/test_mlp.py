"""An MLP with a dynamic batch: one compile, run at several batch sizes against numpy."""

import numpy as np
from graph_models import mlp, mlp_inputs

import loom


def test_mlp_runs_at_several_batch_sizes_from_one_compile():
    mod, reference = mlp(width_in=96, hidden=64, width_out=10)
    vm = loom.VirtualMachine(loom.compile(mod), loom.cpu())
    rng = np.random.default_rng(0)
    for batch in (1, 7, 32):
        args = mlp_inputs(rng, batch, width_in=96, hidden=64, width_out=10)
        out = vm["main"](*args)
        assert out.shape == (batch, 10)
        np.testing.assert_allclose(out.numpy(), reference(*args), rtol=1e-4, atol=1e-5)
