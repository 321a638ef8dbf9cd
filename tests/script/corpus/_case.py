"""What a corpus entry is: a named program, where its text lives, and how numpy checks it.

Theme modules list their programs in ``CASES``; the loader in ``__init__`` fills in the built
object and the source text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ml_dtypes
import numpy as np

Args = list[Any]


@dataclass(frozen=True)
class Reference:
    """How to run a program in the reference interpreter and what it must compute.

    `args` builds the interpreter arguments (arrays, scalars) for one assignment of the
    symbolic sizes; `expected` receives copies of those arguments as they were before the run
    and returns ``{argument index: expected array}`` for the outputs.
    """

    args: Callable[[np.random.Generator, dict[str, int]], Args]
    expected: Callable[..., dict[int, np.ndarray]]
    sizes: tuple[dict[str, int], ...] = ({},)
    function: str | None = None  # for a module: the function to run
    rtol: float = 1e-5
    atol: float = 1e-5
    kwargs: Callable[[], dict[str, Any]] = dict  # extra interpreter keywords, made per run


@dataclass
class Case:
    """One corpus program.

    A decorated case names a module-level ``@T.prim_func`` / ``@I.ir_module`` of its theme
    module; a text case (`text` set) exists only as source for ``from_source``.
    """

    name: str
    refs: tuple[Reference, ...] = ()
    text: str | None = None
    theme: str = ""
    source: str = ""  # the program's own source text (decorators included)
    obj: Any = None  # the decorator's result, or from_source(text) for a text case
    error: BaseException | None = None  # building the object failed

    @property
    def decorated(self) -> bool:
        """Whether the decorator path built this case (not from_source only)."""
        return self.text is None

    def get(self) -> Any:
        """The built program, re-raising whatever stopped it from being built."""
        if self.error is not None:
            raise self.error
        return self.obj


def case(name: str, *refs: Reference, text: str | None = None) -> Case:
    """Register the program `name` (a module-level def/class, or `text`) with its references."""
    return Case(name, tuple(refs), text)


# Argument helpers for the references.


def rand(rng: np.random.Generator, shape: tuple[int, ...], dtype: str = "float32",
         lo: float = -1.0, hi: float = 1.0) -> np.ndarray:  # fmt: skip
    """Uniform random values in ``[lo, hi)`` (integers: ``[lo, hi)`` rounded down)."""
    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)
    if np.issubdtype(np_dtype, np.integer):
        return rng.integers(int(lo), int(hi), size=shape).astype(np_dtype)
    if np_dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    return rng.uniform(lo, hi, size=shape).astype(np_dtype)


def zeros(shape: tuple[int, ...], dtype: str = "float32") -> np.ndarray:
    """An output buffer."""
    return np.zeros(shape, ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype))


def f32(x: Any) -> np.ndarray:
    """Round a float64 reference to float32, as the program's stores do."""
    return np.asarray(x, dtype=np.float64).astype(np.float32)
