import ml_dtypes
import numpy as np
import pytest

from loom.ir import DataType, LoomError, dtype


@pytest.mark.parametrize(
    "text",
    [
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64", "bfloat16", "handle", "float32x8", "int8x16", "boolx4",
    ],
)  # fmt: skip
def test_parse_print_round_trip(text):
    assert str(DataType.parse(text)) == text


def test_fields_and_predicates():
    t = dtype("float32x8")
    assert (t.kind, t.bits, t.lanes) == ("float", 32, 8)
    assert t.is_float
    assert t.is_vector
    assert not t.is_scalar
    assert t.element == dtype("float32")
    assert dtype("int32").with_lanes(4) == dtype("int32x4")
    assert dtype("uint8").is_uint
    assert dtype("uint8").is_integer
    assert not dtype("uint8").is_int
    assert dtype("bool").is_bool
    assert not dtype("bool").is_integer
    assert dtype("bfloat16").is_float
    assert dtype("bfloat16").bytes == 2
    assert dtype("handle").is_handle


def test_value_equality():
    assert dtype("int32") == DataType("int", 32)
    assert dtype("int32") != dtype("int64")
    assert len({dtype("int32"), DataType.parse("int32")}) == 1


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        (np.float32, "float32"),
        (np.dtype("int64"), "int64"),
        (np.bool_, "bool"),
        (ml_dtypes.bfloat16, "bfloat16"),
        ("float16", "float16"),
    ],
)
def test_from_numpy(spelling, expected):
    assert str(dtype(spelling)) == expected


def test_to_numpy():
    assert dtype("bfloat16").numpy == np.dtype(ml_dtypes.bfloat16)
    assert dtype("bool").numpy == np.dtype(np.bool_)
    assert dtype("uint16").numpy == np.dtype(np.uint16)
    with pytest.raises(LoomError, match="handle"):
        _ = dtype("handle").numpy


def test_ranges():
    assert dtype("int8").min_value() == -128
    assert dtype("int8").max_value() == 127
    assert dtype("uint32").max_value() == 2**32 - 1
    assert dtype("float16").max_value() == 65504.0


@pytest.mark.parametrize("bad", ["float", "int7", "float8", "bool8", "handle32", "x", "int32x0"])
def test_rejects_unknown(bad):
    with pytest.raises(LoomError, match="data type"):
        DataType.parse(bad)


@pytest.mark.parametrize("bad", [None, 3, 2.5, object()])
def test_rejects_values_that_are_not_dtypes(bad):
    with pytest.raises(LoomError, match="not a data type"):
        dtype(bad)
