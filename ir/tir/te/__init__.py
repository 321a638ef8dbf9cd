"""Tensor expressions: describe tensors by index formulas and reductions, get a prim_func.

``A = te.placeholder((n, k)); C = te.compute((n, m), lambda i, j: te.sum(A[i, r] * ...,
axis=r))``, then ``te.create_prim_func([A, B, C])`` gives the block-based prim_func that
operator legalization and users' kernels start from.
"""

from .compute import compute
from .create import create_prim_func
from .reduce import ReduceAxis, Reducer, Reduction, comm_reducer, max, min, reduce_axis, sum
from .tensor import Compute, Placeholder, TeError, Tensor, placeholder, size_var, var

__all__ = [
    "Compute",
    "Placeholder",
    "ReduceAxis",
    "Reducer",
    "Reduction",
    "TeError",
    "Tensor",
    "comm_reducer",
    "compute",
    "create_prim_func",
    "max",
    "min",
    "placeholder",
    "reduce_axis",
    "size_var",
    "sum",
    "var",
]
