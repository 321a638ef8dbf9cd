"""The example graph models of `loom.models`, for the tests (importable as ``graph_models``)."""

from loom.models import (
    mlp,
    mlp_inputs,
    size,
    tensor,
    transformer_block,
    transformer_inputs,
)

__all__ = ["mlp", "mlp_inputs", "size", "tensor", "transformer_block", "transformer_inputs"]
