"""Every registered graph op is accounted for: where its prim_func runs at two shapes, or why not.

`TWO_SHAPES` names, for each op with a legalization to a prim_func, the test that runs that
prim_func with the interpreter at two input shapes and compares it with numpy. A new op, a
removed legalization, or a deleted/renamed test makes this file fail until the table is updated.
"""

import ast
import re
from pathlib import Path

from loom.ir import graph as G
from loom.ir.graph import registry

HERE = Path(__file__).parent

# op name -> (test file in this folder, test function running its prim_func at two shapes)
TWO_SHAPES = {
    "abs": ("test_unary.py", "test_legalized_matches_numpy"),
    "add": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "arange": ("test_create.py", "test_legalized_matches_numpy"),
    "argmax": ("test_reduce.py", "test_legalized_matches_numpy"),
    "argmin": ("test_reduce.py", "test_legalized_matches_numpy"),
    "astype": ("test_astype.py", "test_legalized_matches_numpy"),
    "broadcast_to": ("test_manipulation.py", "test_legalized_matches_numpy"),
    "ceil": ("test_unary.py", "test_legalized_matches_numpy"),
    "clip": ("test_unary.py", "test_legalized_matches_numpy"),
    "concat": ("test_join.py", "test_concat_legalized_matches_numpy"),
    "cos": ("test_unary.py", "test_legalized_matches_numpy"),
    "cumsum": ("test_scan.py", "test_legalized_matches_numpy"),
    "divide": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "equal": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "erf": ("test_unary.py", "test_legalized_matches_numpy"),
    "exp": ("test_unary.py", "test_legalized_matches_numpy"),
    "expand_dims": ("test_manipulation.py", "test_legalized_matches_numpy"),
    "flatten": ("test_manipulation.py", "test_legalized_matches_numpy"),
    "flip": ("test_repeat.py", "test_legalized_matches_numpy"),
    "floor": ("test_unary.py", "test_legalized_matches_numpy"),
    "floor_divide": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "full": ("test_create.py", "test_legalized_matches_numpy"),
    "full_like": ("test_create.py", "test_legalized_matches_numpy"),
    "greater": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "greater_equal": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "image.resize2d": ("test_image.py", "test_bilinear_resize_symbolic_at_two_sizes"),
    "less": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "less_equal": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "linear": ("test_linalg.py", "test_linear_legalizes"),
    "log": ("test_unary.py", "test_legalized_matches_numpy"),
    "logical_and": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "logical_not": ("test_unary.py", "test_legalized_matches_numpy"),
    "logical_or": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "matmul": ("test_linalg.py", "test_matmul_symbolic_shapes_run_at_two_sizes"),
    "max": ("test_reduce.py", "test_legalized_matches_numpy"),
    "maximum": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "mean": ("test_reduce.py", "test_legalized_matches_numpy"),
    "min": ("test_reduce.py", "test_legalized_matches_numpy"),
    "minimum": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "multiply": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "negative": ("test_unary.py", "test_legalized_matches_numpy"),
    "nn.adaptive_avg_pool2d": ("test_nn_pool.py", "test_adaptive_avg_pool2d"),
    "nn.attention": ("test_nn_attention.py", "test_attention_legalizes_with_masks"),
    "nn.avg_pool2d": ("test_nn_pool.py", "test_avg_pool2d_legalizes"),
    "nn.batch_norm": ("test_nn_norm.py", "test_batch_norm_returns_the_normalized_tensor"),
    "nn.conv1d": ("test_nn_conv.py", "test_conv1d_legalizes"),
    "nn.conv2d": ("test_nn_conv.py", "test_conv2d_symbolic_at_two_sizes"),
    "nn.conv2d_transpose": ("test_nn_conv.py", "test_conv2d_transpose_legalizes"),
    "nn.gelu": ("test_nn_activation.py", "test_pointwise_keeps_struct_info_and_matches_numpy"),
    "nn.gelu_tanh": ("test_nn_activation.py", "test_pointwise_keeps_struct_info_and_matches_numpy"),
    "nn.group_norm": ("test_nn_norm.py", "test_group_norm_legalizes"),
    "nn.layer_norm": ("test_nn_norm.py", "test_layer_norm_symbolic_at_two_sizes"),
    "nn.log_softmax": ("test_nn_activation.py", "test_log_softmax_symbolic_at_two_sizes"),
    "nn.max_pool2d": ("test_nn_pool.py", "test_max_pool2d_legalizes"),
    "nn.pad": ("test_nn_misc.py", "test_pad_legalizes_like_numpy"),
    "nn.relu": ("test_nn_activation.py", "test_pointwise_keeps_struct_info_and_matches_numpy"),
    "nn.rms_norm": ("test_nn_norm.py", "test_rms_norm"),
    "nn.silu": ("test_nn_activation.py", "test_pointwise_keeps_struct_info_and_matches_numpy"),
    "nn.softmax": ("test_nn_activation.py", "test_softmax_symbolic_at_two_sizes"),
    "not_equal": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "ones": ("test_create.py", "test_legalized_matches_numpy"),
    "ones_like": ("test_create.py", "test_legalized_matches_numpy"),
    "permute_dims": ("test_manipulation.py", "test_legalized_matches_numpy"),
    "power": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "prod": ("test_reduce.py", "test_legalized_matches_numpy"),
    "repeat": ("test_repeat.py", "test_legalized_matches_numpy"),
    "reshape": ("test_manipulation.py", "test_legalized_matches_numpy"),
    "round": ("test_unary.py", "test_legalized_matches_numpy"),
    "rsqrt": ("test_unary.py", "test_legalized_matches_numpy"),
    "sigmoid": ("test_unary.py", "test_legalized_matches_numpy"),
    "sign": ("test_unary.py", "test_legalized_matches_numpy"),
    "sin": ("test_unary.py", "test_legalized_matches_numpy"),
    "split": ("test_join.py", "test_split_legalized_matches_numpy"),
    "sqrt": ("test_unary.py", "test_legalized_matches_numpy"),
    "square": ("test_unary.py", "test_legalized_matches_numpy"),
    "squeeze": ("test_manipulation.py", "test_legalized_with_unit_dims"),
    "strided_slice": ("test_index.py", "test_strided_slice_matches_numpy"),
    "subtract": ("test_binary.py", "test_legalized_broadcast_matches_numpy"),
    "sum": ("test_reduce.py", "test_legalized_matches_numpy"),
    "take": ("test_index.py", "test_take_matches_numpy"),
    "tanh": ("test_unary.py", "test_legalized_matches_numpy"),
    "tile": ("test_repeat.py", "test_legalized_matches_numpy"),
    "tril": ("test_create.py", "test_legalized_matches_numpy"),
    "triu": ("test_create.py", "test_legalized_matches_numpy"),
    "variance": ("test_reduce.py", "test_legalized_matches_numpy"),
    "where": ("test_where.py", "test_legalized_broadcast_matches_numpy"),
    "zeros": ("test_create.py", "test_legalized_matches_numpy"),
    "zeros_like": ("test_create.py", "test_legalized_matches_numpy"),
}

# Legalized without a prim_func: the call is replaced by its operand (inference identity).
NO_PRIM_FUNC = {"nn.dropout": ("test_nn_misc.py", "test_dropout_is_the_inference_identity")}

# No legalization by design (they are what legalization produces, or what the VM lowers to);
# op name -> (test file, test function checking its symbolic-shape inference).
EXEMPT = {
    "call_dps": ("test_coverage_builtin.py", "test_call_dps_gives_its_symbolic_out_sinfo"),
    "shape_of": ("test_coverage_builtin.py", "test_shape_of_a_symbolic_tensor"),
    "builtin.alloc_tensor": ("test_coverage_builtin.py", "test_memory_ops_with_symbolic_sizes"),
    "memory.alloc_storage": ("test_coverage_builtin.py", "test_memory_ops_with_symbolic_sizes"),
    "memory.alloc_tensor": ("test_coverage_builtin.py", "test_memory_ops_with_symbolic_sizes"),
    "memory.kill_storage": ("test_coverage_builtin.py", "test_memory_ops_with_symbolic_sizes"),
    "memory.kill_tensor": ("test_coverage_builtin.py", "test_memory_ops_with_symbolic_sizes"),
}


# The Python builder's name where it is not the op name's last part.
BUILDER = {
    "builtin.alloc_tensor": "builtin_alloc_tensor",
    "memory.alloc_tensor": "memory_alloc_tensor",
}


def registered():
    assert G.op_info("add").legalize is not None  # importing loom.ir.graph registered the ops
    return dict(registry._OPS)


def test_every_legalizable_op_runs_at_two_shapes():
    ops = registered()
    legalizable = {name for name, info in ops.items() if info.legalize is not None}
    missing = sorted(legalizable - TWO_SHAPES.keys() - NO_PRIM_FUNC.keys())
    assert not missing, f"ops with a legalization but no two-shape interpreter test: {missing}"
    stale = sorted((TWO_SHAPES.keys() | NO_PRIM_FUNC.keys()) - legalizable)
    assert not stale, f"listed as legalized but not (or no longer) registered so: {stale}"


def test_every_op_without_a_legalization_is_exempt_by_design():
    ops = registered()
    unlowered = {name for name, info in ops.items() if info.legalize is None}
    assert unlowered == EXEMPT.keys()


def _functions(filename):
    tree = ast.parse((HERE / filename).read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_the_named_tests_exist_and_mention_their_op():
    table = {**TWO_SHAPES, **NO_PRIM_FUNC, **EXEMPT}
    for name, (filename, function) in sorted(table.items()):
        assert function in _functions(filename), f"{name}: {filename}::{function} is gone"
        short = BUILDER.get(name, name.split(".")[-1])
        text = (HERE / filename).read_text()
        assert re.search(rf"\b{re.escape(short)}\b", text), f"{filename} never names {name}"
