"""What a graph-corpus entry is: a named ``@I.ir_module``, its source text, and optionally a
numpy reference that a VM test can run it against.

Theme modules list their modules in ``CASES``; the loader in ``__init__`` fills in the built
module and its source text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Arrays = list[np.ndarray]


@dataclass(frozen=True)
class Reference:
    """How to call one function of a module and what it must return.

    `inputs` builds the arguments (numpy arrays) for one assignment of the symbolic sizes;
    `expected` receives those arguments and returns the expected result (an array, or a tuple
    of arrays for a tuple result).
    """

    inputs: Callable[[np.random.Generator, dict[str, int]], Arrays]
    expected: Callable[..., Any]
    sizes: tuple[dict[str, int], ...] = ({},)
    function: str = "main"
    rtol: float = 1e-5
    atol: float = 1e-5


@dataclass
class Case:
    """One corpus module, by the name of its module-level ``@I.ir_module`` class.

    `env` marks a module whose text refers to Python values of its theme module (numpy
    weights): `from_source` of its source then needs that namespace, as the decorator has it.
    """

    name: str
    refs: tuple[Reference, ...] = ()
    env: bool = False
    theme: str = ""
    source: str = ""  # the class's own source text, decorators included
    namespace: dict[str, Any] | None = None  # the theme module's globals, when `env`
    obj: Any = None  # the decorator's result


def case(name: str, *refs: Reference, env: bool = False) -> Case:
    """Register the module-level ``@I.ir_module`` class `name` with its references."""
    return Case(name, tuple(refs), env)


def rand(rng: np.random.Generator, shape: tuple[int, ...], dtype: str = "float32",
         lo: float = -1.0, hi: float = 1.0) -> np.ndarray:  # fmt: skip
    """Uniform random values in ``[lo, hi)``; integers rounded down, booleans fair coins."""
    np_dtype = np.dtype(dtype)
    if np_dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if np.issubdtype(np_dtype, np.integer):
        return rng.integers(int(lo), int(hi), size=shape).astype(np_dtype)
    return rng.uniform(lo, hi, size=shape).astype(np_dtype)
