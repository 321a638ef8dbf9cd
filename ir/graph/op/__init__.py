"""The graph operator library: one function per operator building a checked `Call`.

Importing this package registers the operators. Each has an attribute schema, struct-info
inference, and a legalization to a prim_func built with `te` (the registry's `legalize` slot).
"""

from .astype import astype
from .binary import (
    add,
    divide,
    equal,
    floor_divide,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_or,
    maximum,
    minimum,
    multiply,
    not_equal,
    power,
    subtract,
)
from .builtin import call_dps, call_packed, shape_of
from .create import arange, full, full_like, ones, ones_like, tril, triu, zeros, zeros_like
from .image import resize2d
from .index import strided_slice, take
from .join import concat, split
from .linalg import linear, matmul
from .manipulation import (
    broadcast_to,
    expand_dims,
    flatten,
    permute_dims,
    reshape,
    squeeze,
)
from .nn_activation import gelu, gelu_tanh, log_softmax, relu, silu, softmax
from .nn_attention import attention
from .nn_conv import conv1d, conv2d, conv2d_transpose
from .nn_misc import dropout, pad
from .nn_norm import batch_norm, group_norm, layer_norm, rms_norm
from .nn_pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from .reduce import argmax, argmin, max, mean, min, prod, sum, variance
from .repeat import flip, repeat, tile
from .scan import cumsum
from .unary import (
    abs,
    ceil,
    clip,
    cos,
    erf,
    exp,
    floor,
    log,
    logical_not,
    negative,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    tanh,
)
from .where import where

__all__ = [
    "add",
    "call_dps",
    "call_packed",
    "divide",
    "exp",
    "flatten",
    "matmul",
    "multiply",
    "negative",
    "relu",
    "reshape",
    "shape_of",
    "subtract",
    "abs",
    "arange",
    "argmax",
    "argmin",
    "astype",
    "broadcast_to",
    "ceil",
    "clip",
    "concat",
    "cos",
    "cumsum",
    "equal",
    "erf",
    "expand_dims",
    "flip",
    "floor",
    "floor_divide",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "log",
    "logical_and",
    "logical_not",
    "logical_or",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "not_equal",
    "ones",
    "ones_like",
    "permute_dims",
    "power",
    "prod",
    "repeat",
    "round",
    "rsqrt",
    "sigmoid",
    "sign",
    "sin",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "strided_slice",
    "sum",
    "take",
    "tanh",
    "tile",
    "tril",
    "triu",
    "variance",
    "where",
    "zeros",
    "zeros_like",
    "adaptive_avg_pool2d",
    "attention",
    "avg_pool2d",
    "batch_norm",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "dropout",
    "gelu",
    "gelu_tanh",
    "group_norm",
    "layer_norm",
    "linear",
    "log_softmax",
    "max_pool2d",
    "pad",
    "resize2d",
    "rms_norm",
    "silu",
    "softmax",
]
