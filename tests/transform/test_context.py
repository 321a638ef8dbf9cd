"""PassContext: the current context, typed config, opt level."""

import pytest

from loom.ir import PassError
from loom.transform import PassContext, config_options, register_config


def test_current_is_the_innermost_entered_context():
    outer, inner = PassContext(opt_level=1), PassContext(opt_level=3)
    default = PassContext.current()
    with outer:
        assert PassContext.current() is outer
        with inner:
            assert PassContext.current() is inner
        assert PassContext.current() is outer
    assert PassContext.current() is default


def test_config_values_are_checked_against_their_registered_types():
    register_config("test.flag", bool, False, "a flag for this test")
    register_config("test.count", int, 3, "a count for this test")
    assert PassContext().get_config("test.count") == 3
    assert PassContext(config={"test.count": 5}).get_config("test.count") == 5
    with pytest.raises(PassError, match=r"'test\.count' must be int, not bool"):
        PassContext(config={"test.count": True})
    with pytest.raises(PassError, match=r"'test\.flag' must be bool, not str"):
        PassContext(config={"test.flag": "yes"})
    with pytest.raises(PassError, match=r"unknown pass config 'test\.cuont'"):
        PassContext(config={"test.cuont": 1})
    with pytest.raises(PassError, match="unknown pass config"):
        PassContext().get_config("nope")
    assert config_options()["test.flag"].doc == "a flag for this test"


def test_the_tir_config_keys_are_registered():
    keys = config_options()
    assert keys["tir.vector_width"].default is None
    assert keys["tir.stack_limit_bytes"].default == 1024
    assert PassContext(config={"tir.vector_width": None}).get_config("tir.vector_width") is None


def test_opt_level_must_be_a_non_negative_int():
    with pytest.raises(PassError, match="opt_level"):
        PassContext(opt_level=-1)
    with pytest.raises(PassError, match="opt_level"):
        PassContext(opt_level=True)
