"""A transformer block with a dynamic sequence length: layer norm, attention, gelu MLP."""

import numpy as np
from graph_models import transformer_block, transformer_inputs

import loom


def test_transformer_block_runs_at_several_sequence_lengths_from_one_compile():
    mod, reference = transformer_block(width=32, heads=4, ffn=64)
    vm = loom.VirtualMachine(loom.compile(mod))
    rng = np.random.default_rng(1)
    for seq in (1, 5, 19):
        args = transformer_inputs(rng, seq, width=32, ffn=64)
        out = vm["main"](*args)
        assert out.shape == (seq, 32)
        np.testing.assert_allclose(out.numpy(), reference(*args), rtol=1e-4, atol=1e-4)
