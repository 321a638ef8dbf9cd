"""The T dialect of the script language: TensorIR written as Python.

``from loom.script import tir as T``. Expression builders (``T.exp``, ``T.Cast``, dtype
constructors such as ``T.float32(0)``) work on IR values anywhere; the other constructs
(``T.grid``, ``T.block``, ``T.axis.remap``, ...) only mean something inside ``@T.prim_func``.
Any spelling `DataType.parse` reads is a dtype constructor too (``T.float32x4``).
"""

from typing import Any

from .constructs import (
    Assert,
    Buffer,
    LetStmt,
    alloc_buffer,
    allocate,
    axis,
    block,
    block_attr,
    decl_buffer,
    func_attr,
    grid,
    init,
    match_buffer,
    parallel,
    reads,
    serial,
    thread_binding,
    unroll,
    vectorized,
    where,
    writes,
)
from .decorator import DeferredPrimFunc, prim_func
from .dtypes import (
    bfloat16,
    bool,
    float16,
    float32,
    float64,
    handle,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    vector_dtype,
)
from .intrinsics import (
    Broadcast,
    Cast,
    Let,
    Ramp,
    Select,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    call_extern,
    call_packed,
    ceil,
    cos,
    erf,
    evaluate,
    exp,
    exp2,
    fabs,
    floor,
    floordiv,
    floormod,
    if_then_else,
    likely,
    log,
    log2,
    max,
    max_value,
    min,
    min_value,
    pow,
    reinterpret,
    round,
    rsqrt,
    shift_left,
    shift_right,
    sigmoid,
    sin,
    sqrt,
    tanh,
    trunc,
    truncdiv,
    truncmod,
)

__loom_dialect__ = "tir"

__all__ = [
    "Assert", "Broadcast", "Buffer", "Cast", "DeferredPrimFunc", "Let", "LetStmt", "Ramp",
    "Select", "alloc_buffer", "allocate", "axis", "bfloat16", "bitwise_and", "bitwise_not",
    "bitwise_or", "bitwise_xor", "block", "block_attr", "bool", "call_extern", "call_packed",
    "ceil", "cos", "decl_buffer", "erf", "evaluate", "exp", "exp2", "fabs", "float16", "float32",
    "float64", "floor", "floordiv", "floormod", "func_attr", "grid", "handle", "if_then_else",
    "init", "int16", "int32", "int64", "int8", "likely", "log", "log2", "match_buffer", "max",
    "max_value", "min", "min_value", "parallel", "pow", "prim_func", "reads", "reinterpret",
    "round", "rsqrt", "serial", "shift_left", "shift_right", "sigmoid", "sin", "sqrt", "tanh",
    "thread_binding", "trunc", "truncdiv", "truncmod", "uint16", "uint32", "uint64", "uint8",
    "unroll", "vectorized", "where", "writes",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    """Vector and other dtype spellings: ``T.float32x4``, ``T.int8x16``."""
    if name.startswith("__"):
        raise AttributeError(name)
    return vector_dtype(name)
