"""Sliding windows, shared by convolution and pooling: stride, padding and dilation, and sizes.

Attributes follow TVM: `strides` and `dilation` give one value per spatial axis (or one for
all); `padding` gives one value for every side, one per axis (both sides alike), or every
"before" side then every "after" side (2-D: top, left, bottom, right). Calls store the
expanded form, so the printed text states every side.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...tir import PrimExpr, floordiv, min_
from ..expr import Call
from ..registry import InferContext
from .shape_checks import int_tuple, prove_at_least, size_text


@dataclass(frozen=True)
class Window:
    """The stride, dilation and padding of each spatial axis of a sliding window."""

    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    pad_before: tuple[int, ...]
    pad_after: tuple[int, ...]

    @property
    def padding(self) -> tuple[int, ...]:
        """The padding as calls store it: every before side, then every after side."""
        return self.pad_before + self.pad_after


def _expand(values: tuple[int, ...], n: int) -> tuple[int, ...]:
    return values * n if len(values) == 1 else values


def window_attrs(call: Call, n: int) -> Window:
    """Read the ``strides``, ``padding`` and ``dilation`` attributes of an `n`-D window op."""
    strides = _expand(int_tuple(call, "strides", (1, n), minimum=1), n)
    dilation = _expand(int_tuple(call, "dilation", (1, n), minimum=1), n)
    padding = int_tuple(call, "padding", sorted({1, n, 2 * n}), minimum=0)
    if len(padding) == 2 * n:
        before, after = padding[:n], padding[n:]
    else:
        before = after = _expand(padding, n)
    return Window(strides, dilation, before, after)


def dilated(kernel: PrimExpr | int, dilation: int) -> PrimExpr | int:
    """The extent a kernel of `kernel` taps covers with `dilation`."""
    return (kernel - 1) * dilation + 1


def out_size(
    size: PrimExpr, kernel: PrimExpr, window: Window, axis: int, ceil_mode: bool = False
) -> PrimExpr:
    """The number of window positions along spatial `axis` of an input of `size`.

    With `ceil_mode` a last, partial window counts too, but (as in PyTorch) only if it starts
    inside the input or its leading padding, never wholly in the trailing padding.
    """
    stride, before = window.strides[axis], window.pad_before[axis]
    span = size + before + window.pad_after[axis] - dilated(kernel, window.dilation[axis])
    if not ceil_mode:
        return floordiv(span, stride) + 1
    return min_(floordiv(span + stride - 1, stride) + 1, floordiv(size + before - 1, stride) + 1)


def check_fits(
    call: Call,
    ctx: InferContext,
    size: PrimExpr,
    kernel: PrimExpr,
    window: Window,
    axis: int,
    name: str,
) -> None:
    """Require the dilated kernel to fit in the padded input along spatial `axis` (`name`)."""
    padded = ctx.analyzer.simplify(size + window.pad_before[axis] + window.pad_after[axis])
    extent = ctx.analyzer.simplify(dilated(kernel, window.dilation[axis]))
    prove_at_least(
        call,
        ctx,
        padded,
        extent,
        f"the window ({size_text(extent)} wide with dilation) does not fit in the padded "
        f"input {name} {size_text(padded)}",
    )
