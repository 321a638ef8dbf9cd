"""Graph constants to docs: small ones inline as ``R.const(...)``, others in the metadata table.

A file's large constants share one table, ``metadata["constants"]``, numbered in order of first
appearance; the file header then carries the table as ``metadata = I.metadata("<base64>")``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from loom.ir import dtype
from loom.ir.graph import Constant

from ..metadata import encode_constants
from .doc import ExprDoc, IdDoc, IndexDoc, ListDoc, LiteralDoc, Prec, call
from .values import integer, string

INLINE_LIMIT = 16
"""The most elements a constant may have to print inline."""

TABLE = "constants"


class ConstantTable:
    """The arrays a printed file keeps in its metadata, each once.

    Entries are keyed by the identity of the array: one `Constant` used twice is one entry, and
    so are the two `Constant`s the parser makes of two uses of ``metadata["constants"][i]``
    (they share the decoded array), so printing parsed text again gives the same table.
    """

    def __init__(self) -> None:
        self._index: dict[int, int] = {}
        self._arrays: list[np.ndarray] = []  # also keeps the arrays alive, so ids stay unique

    def add(self, constant: Constant) -> int:
        """The index of `constant`'s data in the table (added at the end if new)."""
        index = self._index.get(id(constant.data))
        if index is None:
            index = self._index[id(constant.data)] = len(self._arrays)
            self._arrays.append(constant.data)
        return index

    def text(self) -> str | None:
        """The argument of ``I.metadata(...)``, or None when the table is empty."""
        return encode_constants({TABLE: self._arrays}) if self._arrays else None


def constant_doc(constant: Constant, table: ConstantTable) -> ExprDoc:
    """``R.const(value, "dtype")`` when the data fits inline, else ``metadata["constants"][i]``."""
    value = inline_value(constant.data)
    if value is not None:
        return call("R.const", value, string(str(dtype(constant.data.dtype))))
    ref = IndexDoc(IdDoc("metadata"), (string(TABLE),))
    return IndexDoc(ref, (integer(table.add(constant)),))


def inline_value(data: np.ndarray) -> ExprDoc | None:
    """A Python scalar (0-d) or nested lists that rebuild `data` exactly; None if none does.

    Inline constants have at most `INLINE_LIMIT` finite elements, and a shape that nested lists
    can spell (a zero-size dimension may only be the last).
    """
    if data.size > INLINE_LIMIT or 0 in data.shape[:-1]:
        return None
    kind = dtype(data.dtype)
    if kind.is_float and not np.all(np.isfinite(data.astype(np.float64))):
        return None

    def element(x: Any) -> LiteralDoc:
        if kind.is_bool:
            return LiteralDoc("True" if bool(x) else "False")
        if kind.is_integer:
            return integer(int(x))
        text = _float_text(x, data.dtype)
        return LiteralDoc(text, Prec.UNARY if text.startswith("-") else Prec.ATOM)

    def nested(array: np.ndarray) -> ExprDoc:
        if array.ndim == 0:
            return element(array[()])
        return ListDoc(tuple(nested(row) for row in array))

    return nested(data)


def _float_text(x: Any, np_dtype: np.dtype) -> str:
    """The shortest decimal of `x` that reads back as the same value of its type.

    numpy's shortest form for the element type, if reading it back gives the same bits; else the
    exact float64 value (which every narrower float converts back to exactly).
    """
    exact = repr(float(x))
    text = str(x)
    try:
        same = np.array(float(text), np_dtype).tobytes() == np.array(x, np_dtype).tobytes()
    except ValueError:
        same = False
    if not same:
        return exact
    return text if any(c in text for c in ".e") else text + ".0"
