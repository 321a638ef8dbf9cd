import numpy as np
import pytest

from loom.ffi import FFIError, Shape
from loom.ffi.abi import LoomShape, ObjectType
from loom.ffi.handles import ObjectBox


def test_shape_is_a_tuple_like_value():
    s = Shape((2, np.int64(3), 4))
    assert len(s) == 3
    assert s[1] == 3
    assert s[1:] == (3, 4)
    assert list(s) == [2, 3, 4]
    assert s == (2, 3, 4)
    assert s == Shape([2, 3, 4])
    assert s != (2, 3)
    assert hash(s) == hash((2, 3, 4))
    assert repr(s) == "Shape(2, 3, 4)"
    assert repr(Shape()) == "Shape()"
    assert s.dims == (2, 3, 4)


def test_c_view_is_built_once_and_reads_back():
    s = Shape((5, 6))
    assert s.handle == s.handle
    view = LoomShape.from_address(s.handle)
    assert view.type_index == ObjectType.SHAPE
    assert view.ndim == 2
    assert [view.dims[0], view.dims[1]] == [5, 6]
    assert Shape.from_handle(s.handle) == s


def test_invalid_shapes():
    with pytest.raises(FFIError, match="holds integers"):
        Shape((1.5,))
    with pytest.raises(FFIError, match="does not fit in int64"):
        Shape((2**63,))
    opaque = ObjectBox(object())
    with pytest.raises(FFIError, match="is not a shape"):
        Shape.from_handle(opaque.handle)
