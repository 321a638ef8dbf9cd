"""`compute`: a tensor defined pointwise by a Python function of its output indices."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ...functor import Visitor
from ..buffer import Buffer, decl_buffer
from ..expr import BufferLoad, PrimExpr, Var, convert
from .reduce import ReduceAxis, Reduction
from .tensor import Compute, TeError, Tensor, normalize_shape, tensor_of


def compute(shape: Any, fcompute: Callable[..., Any], name: str = "C") -> Tensor:
    """The tensor ``out[i0, ..., ik] = fcompute(i0, ..., ik)`` over `shape`.

    `fcompute` gets one index variable per dimension, named after its parameters (``i0``,
    ``i1``, ... for ``*args``), and returns an expression or a reduction (``te.sum(...)``).
    """
    extents = normalize_shape(shape, name)
    names = _axis_names(fcompute, len(extents), name)
    axis = tuple(Var(n, e.dtype) for n, e in zip(names, extents))
    body = fcompute(*axis)
    if not isinstance(body, Reduction):
        if isinstance(body, tuple | list):
            raise TeError(f"compute {name}: fcompute must return one expression, not several")
        if not isinstance(body, PrimExpr | int | float | bool):
            raise TeError(f"compute {name}: fcompute returned {body!r}, not an expression")
        body = convert(body)
        if not body.dtype.is_scalar or body.dtype.is_handle:
            raise TeError(f"compute {name}: the value must be a scalar, not {body.dtype}")
    uses = _Uses()
    uses.walk(body)
    allowed = body.axis if isinstance(body, Reduction) else ()
    stray = [a.name_hint for a in uses.axes if not any(a is b for b in allowed)]
    if stray:
        raise TeError(
            f"compute {name} uses reduce axis {', '.join(stray)} outside a reduction over it"
        )
    inputs = []
    for buffer in uses.buffers:
        owner = tensor_of(buffer)
        if owner is None:
            raise TeError(
                f"compute {name} reads buffer {buffer.name}, which is not a te tensor; "
                "make it with te.placeholder"
            )
        inputs.append(owner)
    out = decl_buffer(extents, body.dtype, name)
    return Tensor(out, Compute(axis, body, tuple(inputs)))


def _axis_names(fcompute: Callable[..., Any], ndim: int, name: str) -> list[str]:
    try:
        parameters = list(inspect.signature(fcompute).parameters.values())
    except (TypeError, ValueError):  # a builtin or extension callable: no names to read
        return [f"i{d}" for d in range(ndim)]
    positional = [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        if len(positional) > ndim:
            raise TeError(
                f"compute {name}: fcompute needs {len(positional)} indices, shape has {ndim}"
            )
        return positional + [f"i{d}" for d in range(len(positional), ndim)]
    if len(positional) != ndim:
        raise TeError(
            f"compute {name}: fcompute takes {len(positional)} indices but the shape has "
            f"{ndim} dimensions"
        )
    return positional


class _Uses(Visitor):
    """The tensors' buffers a body reads and the reduce axes it uses, in order of first use."""

    def __init__(self) -> None:
        self.buffers: list[Buffer] = []
        self.axes: list[ReduceAxis] = []

    def walk(self, body: PrimExpr | Reduction) -> None:
        """Visit an expression, or a reduction's source and axis domains."""
        if isinstance(body, Reduction):
            self.visit(body.source)
            for axis in body.axis:
                self.visit(axis.dom)
        else:
            self.visit(body)

    def visit_buffer_load(self, load: BufferLoad) -> None:
        """Record the buffer; its indices are uses, its shape is not."""
        if not any(load.buffer is b for b in self.buffers):
            self.buffers.append(load.buffer)
        for index in load.indices:
            self.visit(index)

    def visit_var(self, var: Var) -> None:
        """Record reduce axes (a plain variable needs nothing)."""
        if isinstance(var, ReduceAxis) and not any(var is a for a in self.axes):
            self.axes.append(var)
