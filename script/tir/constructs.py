"""The T constructs only a script gives meaning to: loops, blocks, buffers, attributes.

Each is declared by a function whose signature is the construct's syntax (the parser binds call
arguments against it) and whose docstring says what it means. Called from plain Python they
raise, except ``T.Buffer``, which builds a buffer (signatures evaluate it eagerly).
"""

from __future__ import annotations

from typing import Any

from loom.ir import tir

from ..parser.construct import Construct, construct, to_dtype

# fmt: off


@construct("tir")
def grid(*extents: Any) -> None:
    """Perfectly nested serial loops from 0: ``for i, j in T.grid(n, m):``."""


@construct("tir")
def serial(start: Any, stop: Any = None, *, annotations: dict | None = None) -> None:
    """A serial loop over ``[start, stop)``; ``T.serial(n)`` is ``[0, n)``."""


@construct("tir")
def parallel(start: Any, stop: Any = None, *, annotations: dict | None = None) -> None:
    """A loop whose iterations run in parallel threads."""


@construct("tir")
def vectorized(start: Any, stop: Any = None, *, annotations: dict | None = None) -> None:
    """A loop that becomes vector instructions."""


@construct("tir")
def unroll(start: Any, stop: Any = None, *, annotations: dict | None = None) -> None:
    """A loop that is unrolled."""


@construct("tir")
def thread_binding(start: Any, stop: Any = None, thread: str | None = None, *,
                   annotations: dict | None = None) -> None:
    """A loop bound to a GPU thread axis: ``T.thread_binding(n, thread="threadIdx.x")``."""


@construct("tir")
def block(name: str = "") -> None:
    """``with T.block("name"):`` a block: iteration variables, regions, allocations, body."""


@construct("tir")
def init() -> None:
    """``with T.init():`` the statement that runs on a reduction's first iteration."""


@construct("tir")
def where(predicate: Any) -> None:
    """The block runs only where `predicate` holds."""


@construct("tir")
def reads(*regions: Any) -> None:
    """The buffer regions the block reads: ``T.reads(A[vi, 0:n], B[vi])``."""


@construct("tir")
def writes(*regions: Any) -> None:
    """The buffer regions the block writes."""


@construct("tir")
def block_attr(annotations: dict) -> None:
    """Annotations of the enclosing block."""


@construct("tir")
def alloc_buffer(shape: Any, dtype: Any = "float32", data: Any = None, strides: Any = None,
                 elem_offset: Any = None, scope: str = "global", align: int = 64,
                 offset_factor: int = 1) -> None:
    """A buffer allocated by the enclosing block (by the root block at function level)."""


@construct("tir")
def match_buffer(param: Any, shape: Any = None, dtype: Any = "float32", data: Any = None,
                 strides: Any = None, elem_offset: Any = None, scope: str = "global",
                 align: int = 64, offset_factor: int = 1) -> None:
    """A buffer bound to a handle parameter, or inside a block, a view of a buffer region."""


@construct("tir")
def decl_buffer(shape: Any, dtype: Any = "float32", data: Any = None, strides: Any = None,
                elem_offset: Any = None, scope: str = "global", align: int = 64,
                offset_factor: int = 1) -> None:
    """A buffer declared for the rest of the body (allocated too, unless `data` is given)."""


@construct("tir")
def allocate(extents: Any, dtype: Any, scope: str = "global", condition: Any = True,
             annotations: dict | None = None) -> None:
    """Memory for the rest of the body; the assigned name is its handle variable."""


@construct("tir")
def LetStmt(value: Any) -> None:
    """``with T.LetStmt(value) as x:`` binds `x` to `value` in the with body."""


@construct("tir")
def Assert(condition: Any, message: str) -> None:
    """``with T.Assert(cond, "message"):`` checks `cond` before the with body."""


@construct("tir")
def func_attr(attrs: dict) -> None:
    """Attributes of the enclosing prim_func."""


@construct("tir", "axis.spatial")
def _spatial(dom: Any, binding: Any) -> None:
    """A data-parallel block variable over `dom` (an extent or ``(lo, hi)``) bound to `binding`."""


@construct("tir", "axis.reduce")
def _reduce(dom: Any, binding: Any) -> None:
    """A reduction block variable."""


@construct("tir", "axis.scan")
def _scan(dom: Any, binding: Any) -> None:
    """An ordered (scan) block variable."""


@construct("tir", "axis.opaque")
def _opaque(dom: Any, binding: Any) -> None:
    """A block variable of unknown use."""


@construct("tir", "axis.remap")
def _remap(kinds: str, bindings: Any) -> None:
    """Block variables over whole loops: ``vi, vk = T.axis.remap("SR", [i, k])``."""
# fmt: on


class _Axis:
    """``T.axis``: the block variable constructs."""

    script_name = "T.axis"

    spatial = _spatial
    reduce = _reduce
    scan = _scan
    opaque = _opaque
    remap = _remap
    S = _spatial
    R = _reduce

    def __repr__(self) -> str:
        return "T.axis"


axis = _Axis()


def _make_buffer(
    shape: Any,
    dtype: Any = "float32",
    data: Any = None,
    strides: Any = None,
    elem_offset: Any = None,
    scope: str = "global",
    align: int = 64,
    offset_factor: int = 1,
) -> tir.Buffer:
    """``T.Buffer((128, 64), "float32", ...)``: a buffer (a parameter type in a signature)."""
    if not isinstance(shape, tuple | list):
        shape = (shape,)
    return tir.decl_buffer(
        tuple(shape),
        to_dtype(dtype),
        "buffer",
        data=data,
        strides=tuple(strides or ()),
        elem_offset=elem_offset,
        scope=scope,
        align=align,
        offset_factor=offset_factor,
    )


class _BufferConstruct(Construct):
    """``T.Buffer``: callable, and subscriptable in the seed form ``T.Buffer[(n,), "f32"]``."""

    def __getitem__(self, key: Any) -> tir.Buffer:
        return _make_buffer(*key) if seed_form_has_dtype(key) else _make_buffer(key)


def seed_form_has_dtype(key: Any) -> bool:
    """Whether ``T.Buffer[key]`` is ``[shape, dtype, ...]`` rather than ``[shape]``."""
    return (
        isinstance(key, tuple)
        and bool(key)
        and (isinstance(key[0], tuple | list) or any(isinstance(k, str) for k in key[1:]))
    )


Buffer = _BufferConstruct("tir", "Buffer", _make_buffer, runtime=_make_buffer)
