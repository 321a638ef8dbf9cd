"""Run-time signature checks: each error names err_ctx, the expectation and the actual value."""

import numpy as np
import pytest

from loom.ffi import Shape, array, get_global_func
from loom.vm import VMError
from loom.vm.builtins.check import (
    check_func_info,
    check_prim_info,
    check_shape_info,
    check_tensor_info,
    check_tuple_info,
)

CTX = "main: argument x|n|m"


def fails(fn, *args):
    with pytest.raises(VMError) as info:
        fn(*args)
    return info.value.message


def test_tensor_info():
    t = array(np.zeros((2, 3), "float16"))
    check_tensor_info(t, 2, "float16", CTX)
    check_tensor_info(t, -1, "", CTX)
    assert fails(check_tensor_info, t, 3, "", CTX) == (
        "main: argument x: expected rank 3 but got rank 2 (a tensor float16 [2, 3])"
    )
    assert fails(check_tensor_info, t, -1, "float32", CTX) == (
        "main: argument x: expected dtype float32 but got dtype float16 (a tensor float16 [2, 3])"
    )
    assert fails(check_tensor_info, (t,), 2, "float32", CTX) == (
        "main: argument x: expected a tensor of rank 2 and of dtype float32 but got a tuple of "
        "1 fields"
    )
    assert fails(check_tensor_info, 1.5, -1, "", CTX) == (
        "main: argument x: expected a tensor but got the float 1.5"
    )


def test_shape_and_tuple_info():
    check_shape_info(Shape((1, 2)), 2, CTX)
    check_shape_info(Shape(()), -1, CTX)
    assert fails(check_shape_info, (1, 2), 2, CTX) == (
        "main: argument x: expected a shape of 2 dimensions but got a tuple of 2 fields"
    )
    check_tuple_info((1, "a"), 2, CTX)
    assert fails(check_tuple_info, (1,), 2, CTX) == (
        "main: argument x: expected a tuple of 2 fields but got a tuple of 1 fields"
    )
    assert fails(check_tuple_info, None, -1, CTX) == (
        "main: argument x: expected a tuple but got null"
    )


@pytest.mark.parametrize(
    ("value", "dtype", "ok"),
    [
        (3, "int32", True),
        (2**31, "int32", False),
        (-1, "uint8", False),
        (255, "uint8", True),
        (True, "int64", False),
        (True, "bool", True),
        (1, "bool", False),
        (1.5, "float32", True),
        (2, "float64", True),
        (1.5, "int64", False),
        (1.5, "", True),
        ("s", "", False),
    ],
)
def test_prim_info(value, dtype, ok):
    if ok:
        check_prim_info(value, dtype, CTX)
    else:
        message = fails(check_prim_info, value, dtype, CTX)
        assert message.startswith(f"main: argument x: expected a {dtype or 'scalar'}")


def test_func_info():
    check_func_info(get_global_func("vm.builtin.null_value"), CTX)
    assert fails(check_func_info, 3, CTX) == (
        "main: argument x: expected a function but got the int 3"
    )
