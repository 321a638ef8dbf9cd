"""Errors of the runtime layer, and the per-thread "last error" slot that native code reports into.

Native code cannot raise: it calls ``LoomSetLastError(msg)`` and returns non-zero; the Python
caller then takes the message from here and raises `FFIError`.
"""

from __future__ import annotations

import threading

from ..ir import LoomError


class FFIError(LoomError):
    """A runtime call failed: bad arguments, a native error, a missing function or device."""


class _LastError(threading.local):
    message: str | None = None
    exception: BaseException | None = None


_local = _LastError()
# The most recent error from any thread: native worker threads (a parallel loop's pool) report
# into their own thread-local slot, which the calling thread would never see.
_latest: list[str | None] = [None]


def set_last_error(message: str, exception: BaseException | None = None) -> None:
    """Record `message` as this thread's last error (and the process-wide latest one)."""
    _local.message = message
    _local.exception = exception
    _latest[0] = message


def take_last_error() -> tuple[str | None, BaseException | None]:
    """Return and clear the last error: this thread's, else the latest one of any thread."""
    message, exception = _local.message, _local.exception
    _local.message = None
    _local.exception = None
    if message is None:
        message = _latest[0]
    _latest[0] = None
    return message, exception


def error_from_native(func_name: str, code: int) -> BaseException:
    """Build the exception for a native call to `func_name` that returned non-zero `code`.

    An exception raised by a Python callback underneath travels as the error's ``__cause__``;
    ``KeyboardInterrupt`` and ``SystemExit`` are returned as they are, so that they still stop
    the program.
    """
    message, exception = take_last_error()
    if exception is not None and not isinstance(exception, Exception):
        return exception
    if message is None:
        message = f"native function {func_name!r} failed with code {code} and set no message"
    error = FFIError(message)
    error.__cause__ = exception
    return error
