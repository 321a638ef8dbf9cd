"""`interpret`: run a prim_func on numpy arrays, in place, as the reference for every backend."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from typing import Any

import numpy as np

from ...diagnostics import InterpreterError
from ..function import PrimFunc
from .args import Signature
from .intrinsics import Externals
from .scope import Scope
from .stmt import StmtCompiler


def interpret(
    func: PrimFunc,
    *args: Any,
    packed_funcs: Mapping[str, Callable[..., Any]] | None = None,
    extern_funcs: Mapping[str, Callable[..., Any]] | None = None,
) -> None:
    """Run `func` on `args`, writing its outputs into the argument arrays.

    Args:
        func: the prim_func to run.
        *args: one per param, in order: a numpy array for a buffer param (its dtype, rank and
            shape must match the buffer; symbolic sizes bind from the first array that has
            them), a Python number for a scalar param.
        packed_funcs: the Python callables ``T.call_packed("name", ...)`` reaches.
        extern_funcs: the Python callables ``T.call_extern(dtype, "name", ...)`` reaches.

    Raises:
        InterpreterError: an argument does not match, an index leaves its buffer, an assert
            fails, or the program uses something the interpreter cannot run.
    """
    if not isinstance(func, PrimFunc):
        raise InterpreterError(f"interpret runs a PrimFunc, not {type(func).__name__}")
    externals = Externals(dict(packed_funcs or {}), dict(extern_funcs or {}))
    program = compile_function(func, externals)
    with np.errstate(all="ignore"):  # integers wrap and floats overflow like the hardware
        program(args)


def compile_function(func: PrimFunc, externals: Externals) -> Callable[[tuple[Any, ...]], None]:
    """Compile `func` once into a closure that binds arguments and runs the body."""
    name = str(func.attrs.get("global_symbol", "main"))
    scope = Scope(name)
    compiler = StmtCompiler(scope, externals)
    with ExitStack() as stack:
        signature = Signature(func, name, compiler.exprs, stack)
        body = compiler.compile(func.body)
        lay = signature.layer()

    def run(args: tuple[Any, ...]) -> None:
        signature.bind(args)
        lay()
        body()

    return run
