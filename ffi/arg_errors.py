"""The runtime function that compiled argument checks call to report a failed check.

`MakePackedAPI` emits, for each failed check, ``T.call_packed("loom.runtime.argument_error",
template, values...)``: formatting the message here keeps the generated code small and the
message as precise as Python can make it. The function always raises; the failing kernel then
returns the error to its caller.

Template fields: ``{}`` takes the next value as is, ``{dtype}`` two (DLPack type code and
bits), ``{device}`` a DLPack device type, ``{kind}`` a packed type code (`loom.ffi.abi`);
``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import re
from typing import Any

from .abi import TypeCode
from .device import Device
from .dtypes import from_dl
from .errors import FFIError
from .registry import register_func

ARGUMENT_ERROR = "loom.runtime.argument_error"
_FIELD = re.compile(r"\{\{|\}\}|\{(\w*)\}")
_KINDS = {
    TypeCode.INT: "an int", TypeCode.UINT: "an int", TypeCode.FLOAT: "a float",
    TypeCode.HANDLE: "a pointer", TypeCode.NULL: "None", TypeCode.DTYPE: "a dtype",
    TypeCode.DEVICE: "a device", TypeCode.DLTENSOR: "an array", TypeCode.OBJECT: "an object",
    TypeCode.PACKED_FUNC: "a function", TypeCode.STR: "a str", TypeCode.BOOL: "a bool",
}  # fmt: skip


def _dtype(code: int, bits: int) -> str:
    try:
        return str(from_dl(code, bits, 1))
    except FFIError:
        return f"an unknown dtype (DLPack code {code}, {bits} bits)"


def format_argument_error(template: str, values: tuple[Any, ...]) -> str:
    """The message for `template` filled with `values` (see the module docstring)."""
    pending = list(values)

    def take() -> Any:
        if not pending:
            raise FFIError(f"argument error template {template!r} needs more values")
        return pending.pop(0)

    def fill(match: re.Match[str]) -> str:
        text, field = match.group(0), match.group(1)
        if text in ("{{", "}}"):
            return text[0]
        if field == "":
            return str(take())
        if field == "dtype":
            return _dtype(take(), take())
        if field == "device":
            number = take()
            try:
                return Device(number, 0).name
            except FFIError:
                return f"an unknown device (type {number})"
        if field == "kind":
            code = take()
            return _KINDS.get(code, f"an unknown value (type code {code})")
        raise FFIError(f"unknown field {{{field}}} in argument error template {template!r}")

    return _FIELD.sub(fill, template)


@register_func(ARGUMENT_ERROR)
def _argument_error(template: str, *values: Any) -> None:
    raise FFIError(format_argument_error(template, values))


def escape(name: str) -> str:
    """`name` with its braces doubled, for use inside a template."""
    return name.replace("{", "{{").replace("}", "}}")
