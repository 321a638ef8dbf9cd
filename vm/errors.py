"""`VMError`: what the VM raises for bad executables, bad arguments and failed run-time checks.

An error raised while running is located: its notes name the VM function, the instruction
(index and text) and the values of its register operands, then one note per calling frame.
"""

from __future__ import annotations

from ..ir import LoomError


class VMError(LoomError):
    """A VM executable is malformed, cannot be loaded, or failed while running.

    ``function`` and ``pc`` say where it was raised while running (None otherwise);
    ``caller_notes`` lists the calling frames' locations with repeat counts, innermost first.
    """

    function: str | None = None
    pc: int | None = None
    caller_notes: list[tuple[str, int]]
