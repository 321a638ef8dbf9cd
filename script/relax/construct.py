"""`RelaxConstruct`: an R construct (``R.dataflow``, ``R.Tensor``, ``R.add``, ...).

A `Construct` of the ``relax`` dialect, spelled ``R.<name>`` in messages; without a runtime
form, calling it outside a script says it belongs in an ``@R.function``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loom.ir import LoomError

from ..parser.construct import Construct


class RelaxConstruct(Construct):
    """The R construct `name`, with the signature of `spec` (see `Construct`)."""

    def __init__(
        self, name: str, spec: Callable[..., Any], runtime: Callable[..., Any] | None = None
    ):
        super().__init__("relax", name, spec, runtime)

    @property
    def script_name(self) -> str:
        """How a script spells it, e.g. ``R.dataflow``."""
        return f"R.{self.name}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the runtime form, or say the construct belongs in a graph function."""
        if self.runtime is None:
            raise LoomError(
                f"{self.script_name} only has a meaning inside an @R.function "
                "(or an @I.ir_module class holding one)"
            )
        return self.runtime(*args, **kwargs)


def relax_construct(name: str | None = None) -> Callable[[Callable[..., Any]], RelaxConstruct]:
    """Make a `RelaxConstruct` from a function whose signature and docstring give the syntax."""

    def wrap(spec: Callable[..., Any]) -> RelaxConstruct:
        return RelaxConstruct(name or spec.__name__, spec)

    return wrap
