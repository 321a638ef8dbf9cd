"""The metadata table: arrays to base64 ``.npz`` text and back, exactly and deterministically."""

import base64
import io
import zipfile

import ml_dtypes
import numpy as np
import pytest

from loom.ir import LoomError
from loom.script.metadata import MetadataError, decode_constants, encode_constants

ARRAYS = [
    np.arange(24, dtype="float32").reshape(2, 3, 4),
    np.array([1.5, -0.1], dtype=ml_dtypes.bfloat16),
    np.array(True),
    np.zeros((0, 3), dtype="int8"),
    np.array([2**64 - 1], dtype="uint64"),
    np.arange(6, dtype="float16").reshape(2, 3).T,  # not C-contiguous
]


def test_arrays_round_trip_with_shape_dtype_and_bits():
    decoded = decode_constants(encode_constants({"constants": ARRAYS, "other": ARRAYS[:1]}))
    assert list(decoded) == ["constants", "other"]
    for before, after in zip(ARRAYS, decoded["constants"], strict=True):
        assert after.dtype == before.dtype
        assert after.shape == before.shape
        assert after.tobytes() == before.tobytes()
        assert not after.flags.writeable
    assert len(decoded["other"]) == 1


def test_a_bare_sequence_is_the_constants_table():
    assert list(decode_constants(encode_constants(ARRAYS[:2]))) == ["constants"]


def test_text_is_deterministic_and_numpy_can_open_it():
    text = encode_constants(ARRAYS)
    assert text == encode_constants([a.copy() for a in ARRAYS])
    archive = np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)
    assert np.array_equal(archive["constants/0"], ARRAYS[0])


def test_empty_tables():
    assert decode_constants(encode_constants({})) == {}
    assert decode_constants(encode_constants({"constants": []})) == {"constants": []}


def archive_text(members: dict[str, bytes]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return base64.b64encode(buffer.getvalue()).decode()


def npy(array) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=True)
    return out.getvalue()


MANIFEST = b'{"version": 1, "tables": {"constants": ["float32"]}}'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not base64!", "not valid base64"),
        ("é", "not valid base64"),
        (base64.b64encode(b"plain bytes").decode(), "not a readable array archive"),
        (archive_text({}), "not a readable array archive"),
        (archive_text({"manifest.json": b"[1]"}), "not a JSON object"),
        (archive_text({"manifest.json": b"{"}), "not a readable array archive"),
        (archive_text({"manifest.json": b'{"version": 2, "tables": {}}'}), "unknown layout"),
        (archive_text({"manifest.json": b'{"version": 1, "tables": {"c": [1]}}'}), "no element"),
        (archive_text({"manifest.json": MANIFEST}), "not a readable array archive"),
        (
            archive_text({"manifest.json": MANIFEST, "constants/0.npy": b"garbage"}),
            "not a readable array archive",
        ),
        (
            archive_text({"manifest.json": MANIFEST, "constants/0.npy": npy(np.zeros(2, "i4"))}),
            "holds int32, the manifest says float32",
        ),
        (
            archive_text({"manifest.json": MANIFEST, "constants/0.npy": npy(np.array([object()]))}),
            "not a readable array archive",
        ),
        (
            archive_text(
                {
                    "manifest.json": b'{"version": 1, "tables": {"constants": ["bfloat16"]}}',
                    "constants/0.npy": npy(np.zeros(2, "float16")),
                }
            ),
            "not stored as uint16",
        ),
        (
            archive_text(
                {
                    "manifest.json": b'{"version": 1, "tables": {"constants": ["quux8"]}}',
                    "constants/0.npy": npy(np.zeros(2, "float16")),
                }
            ),
            "unknown type 'quux8'",
        ),
    ],
)
def test_corrupt_text_raises_a_loom_error(text, message):
    with pytest.raises(MetadataError, match=message):
        decode_constants(text)


def test_decode_needs_a_string_and_encode_needs_arrays():
    with pytest.raises(MetadataError, match="base64 string, not bytes"):
        decode_constants(b"abc")
    with pytest.raises(MetadataError, match="numpy arrays, not list"):
        encode_constants([[1, 2]])
    with pytest.raises(MetadataError, match="without '/'"):
        encode_constants({"a/b": []})
    assert issubclass(MetadataError, LoomError)
