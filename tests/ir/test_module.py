import pytest

from loom.ir import GlobalVar, IRModule, LoomError, Map, tir


def func():
    return tir.PrimFunc((), tir.Evaluate(tir.const(0)))


def test_lookup_and_update():
    f, g = func(), func()
    mod = IRModule.from_functions({"f": f}, {"version": 1})
    assert mod["f"] is f
    assert "f" in mod
    assert "g" not in mod
    mod2 = mod.with_function("g", g)
    assert [gv.name_hint for gv in mod2.functions] == ["f", "g"]
    assert mod2["g"] is g
    assert mod.attrs["version"] == 1
    assert "f" not in mod2.without_function("f")
    replaced = mod2.with_function("f", g)
    assert replaced["f"] is g
    assert replaced.global_var("f") is mod2.global_var("f")


def test_missing_function():
    with pytest.raises(LoomError, match="no function named 'h'"):
        IRModule.from_functions({"f": func()})["h"]


def test_map_is_immutable_and_ordered():
    m = Map({"b": 1, "a": 2})
    assert list(m) == ["b", "a"]
    with pytest.raises(TypeError):
        m["c"] = 3  # type: ignore[index]
    assert m.set("c", 3)["c"] == 3
    assert "c" not in m
    assert GlobalVar("f") is not GlobalVar("f")
