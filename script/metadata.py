"""The metadata of a printed file: large constants as base64 text of an ``.npz`` archive.

The printer writes ``metadata = I.metadata("<text>")`` and refers to ``metadata["constants"][i]``;
`decode_constants` is what ``I.metadata`` runs to get the arrays back. Archives are read with
``allow_pickle=False``: script text never runs code through its metadata.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import zipfile
from collections.abc import Mapping, Sequence

import ml_dtypes
import numpy as np

from loom.ir import LoomError, dtype

_MANIFEST = "manifest.json"
_VERSION = 1
# A fixed timestamp (the zip epoch) keeps the text of a given set of arrays deterministic.
_EPOCH = (1980, 1, 1, 0, 0, 0)
# Element types .npy cannot describe are stored as same-width unsigned integers.
_STORED_AS = {"bfloat16": np.dtype(np.uint16)}


class MetadataError(LoomError):
    """Metadata text that does not decode to a table of arrays."""


def encode_constants(arrays: Mapping[str, Sequence[np.ndarray]] | Sequence[np.ndarray]) -> str:
    """The base64 text of an ``.npz`` holding `arrays` (a bare sequence is table "constants").

    Table names must not contain ``/``; arrays keep their shape, element type and values.
    """
    tables = {"constants": arrays} if not isinstance(arrays, Mapping) else arrays
    manifest: dict[str, list[str]] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, items in tables.items():
            if not isinstance(table, str) or not table or "/" in table:
                raise MetadataError(f"metadata table names are non-empty, without '/': {table!r}")
            manifest[table] = []
            for index, array in enumerate(items):
                if not isinstance(array, np.ndarray):
                    raise MetadataError(f"metadata holds numpy arrays, not {type(array).__name__}")
                element = str(dtype(array.dtype))
                manifest[table].append(element)
                stored = array.view(_STORED_AS[element]) if element in _STORED_AS else array
                if not stored.flags.c_contiguous:  # equal arrays give equal text
                    stored = stored.copy(order="C")
                data = io.BytesIO()
                np.lib.format.write_array(data, stored, allow_pickle=False)
                _write(archive, f"{table}/{index}.npy", data.getvalue())
        text = json.dumps({"version": _VERSION, "tables": manifest}, sort_keys=True)
        _write(archive, _MANIFEST, text.encode())
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_constants(text: str) -> dict[str, list[np.ndarray]]:
    """The tables of arrays that `encode_constants` wrote into `text`.

    Raises:
        MetadataError: `text` is not such an archive (bad base64, zip, manifest or array).
    """
    if not isinstance(text, str):
        raise MetadataError(f"metadata is a base64 string, not {type(text).__name__}")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise MetadataError(f"metadata is not valid base64: {error}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            manifest = _manifest(archive)
            return {
                table: [_read(archive, table, i, element) for i, element in enumerate(elements)]
                for table, elements in manifest.items()
            }
    except MetadataError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise MetadataError(f"metadata is not a readable array archive: {error}") from None


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _manifest(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    content = json.loads(archive.read(_MANIFEST))
    if not isinstance(content, dict):
        raise MetadataError("metadata manifest is not a JSON object")
    tables = content.get("tables")
    if content.get("version") != _VERSION or not isinstance(tables, dict):
        raise MetadataError(f"metadata manifest of an unknown layout: {content!r}"[:200])
    for table, elements in tables.items():
        if not isinstance(elements, list) or not all(isinstance(e, str) for e in elements):
            raise MetadataError(f"metadata table {table!r} lists no element types")
    return tables


def _read(archive: zipfile.ZipFile, table: str, index: int, element: str) -> np.ndarray:
    with archive.open(f"{table}/{index}.npy") as member:
        array = np.lib.format.read_array(io.BytesIO(member.read()), allow_pickle=False)
    try:
        expected = dtype(element)
    except LoomError:
        raise MetadataError(
            f"metadata array {table}[{index}] has unknown type {element!r}"
        ) from None
    stored = _STORED_AS.get(element)
    if stored is not None:
        if array.dtype != stored:
            raise MetadataError(f"metadata array {table}[{index}] is not stored as {stored}")
        array = array.view(ml_dtypes.bfloat16)
    try:
        actual = dtype(array.dtype)
    except LoomError:
        actual = None
    if actual != expected:
        raise MetadataError(
            f"metadata array {table}[{index}] holds {array.dtype}, the manifest says {element}"
        )
    array.flags.writeable = False
    return array
