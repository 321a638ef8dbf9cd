import pytest

from loom.ffi import (
    FFIError,
    PackedFunc,
    get_global_func,
    list_global_func_names,
    register_func,
    remove_global_func,
)


@pytest.fixture
def names():
    registered = []
    yield registered
    for name in registered:
        remove_global_func(name)


def test_register_as_call_and_decorators(names):
    def add(x, y):
        return x + y

    assert register_func("test.reg.add", add) is add
    names.append("test.reg.add")

    @register_func("test.reg.mul")
    def mul(x, y):
        return x * y

    names.append("test.reg.mul")

    @register_func
    def test_reg_bare(x):
        return -x

    names.append("test_reg_bare")
    assert mul(2, 3) == 6  # the decorator returns the function itself
    assert get_global_func("test.reg.add")(2, 3) == 5
    assert get_global_func("test.reg.mul")(2, 3) == 6
    assert get_global_func("test_reg_bare")(4) == -4
    assert isinstance(get_global_func("test.reg.add"), PackedFunc)
    listed = list_global_func_names()
    assert {"test.reg.add", "test.reg.mul", "test_reg_bare"} <= set(listed)
    assert listed == sorted(listed)


def test_duplicates_need_override(names):
    register_func("test.reg.dup", lambda: 1)
    names.append("test.reg.dup")
    with pytest.raises(FFIError, match="already registered"):
        register_func("test.reg.dup", lambda: 2)
    assert get_global_func("test.reg.dup")() == 1
    register_func("test.reg.dup", lambda: 2, override=True)
    assert get_global_func("test.reg.dup")() == 2


def test_missing_functions(names):
    register_func("test.reg.present", lambda: 0)
    names.append("test.reg.present")
    assert get_global_func("test.reg.absent", allow_missing=True) is None
    with pytest.raises(FFIError, match=r"no global function named 'test.reg.presnt'.*did you mean"):
        get_global_func("test.reg.presnt")
    with pytest.raises(FFIError, match="to remove"):
        remove_global_func("test.reg.absent")


def test_bad_names_and_values():
    with pytest.raises(FFIError, match="non-empty string"):
        register_func("", lambda: 0)
    with pytest.raises(FFIError, match="non-callable"):
        register_func("test.reg.value", 42)
