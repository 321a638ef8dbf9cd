"""Passes: calling them, function-level passes, Sequential, opt levels and requirements."""

from dataclasses import dataclass

import pytest

from loom.ir import BaseFunc, IRModule, PassError, replace
from loom.ir.tir import Evaluate, IntImm, PrimFunc
from loom.script import tir as T
from loom.transform import Pass, PassContext, PrimFuncPass, Sequential


@T.prim_func
def _func(A: T.Buffer((4,), "float32")):
    for i in range(4):
        A[i] = T.float32(0)


@dataclass(frozen=True)
class _Rename(PrimFuncPass):
    """Sets an attribute: a visible, harmless change."""

    value: str = "x"

    def transform_function(self, func, ctx):
        return func.with_attr("mark", self.value)


@dataclass(frozen=True)
class _Nothing(PrimFuncPass):
    def transform_function(self, func, ctx):
        return func


@dataclass(frozen=True)
class _Costly(_Nothing):
    opt_level = 3


@dataclass(frozen=True)
class _Late(_Rename):
    required = ("_Rename",)


@dataclass(frozen=True)
class _Broken(PrimFuncPass):
    def transform_function(self, func, ctx):
        raise PassError(f"cannot handle {len(func.params)} params")


@dataclass(frozen=True)
class _Other(BaseFunc):
    """A function kind other than a prim_func."""


def test_a_pass_runs_on_a_module_and_on_a_prim_func():
    mod = IRModule.from_functions({"f": _func, "g": _Other()})
    with PassContext():  # no verification: the printer knows no _Other
        out = _Rename("y")(mod)
    assert out["f"].attrs["mark"] == "y"
    assert out["g"] is mod["g"]  # not a prim_func: left alone
    assert _Rename()(_func).attrs["mark"] == "x"


def test_an_unchanged_module_is_returned_as_it_is():
    mod = IRModule.from_functions({"f": _func})
    assert _Nothing()(mod) is mod


def test_a_pass_describes_itself():
    assert _Rename.name == "_Rename"
    assert _Rename().opt_level == 0
    assert _Late.required == ("_Rename",)
    assert Sequential((), name="Mine").name == "Mine"


def test_sequential_runs_in_order_and_skips_passes_above_the_opt_level():
    seq = Sequential((_Rename("a"), _Costly(), _Rename("b")))
    assert seq(_func).attrs["mark"] == "b"
    with PassContext(opt_level=2):
        ran = []

        @dataclass(frozen=True)
        class _Record(_Costly):
            def transform_function(self, func, ctx):
                ran.append(ctx.opt_level)
                return func

        Sequential((_Record(),))(_func)
        assert ran == []
    with PassContext(opt_level=2, required_passes=["_Record"]):
        Sequential((_Record(),))(_func)
    with PassContext(opt_level=3, disabled_passes=["_Record"]):
        Sequential((_Record(),))(_func)
    assert ran == [2]


def test_a_pass_listed_before_its_requirement_is_refused():
    Sequential((_Rename(), _Late()))
    with pytest.raises(PassError, match="_Late requires _Rename, which comes after it"):
        Sequential((_Late(), _Rename()))


def test_errors_name_the_pass():
    with pytest.raises(PassError, match="cannot handle 1 params") as info:
        Sequential((_Broken(),), name="Outer")(_func)
    assert info.value.notes == ("in pass _Broken",)


def test_bad_targets_and_members_are_refused():
    with pytest.raises(PassError, match="runs on an IRModule or a PrimFunc"):
        _Nothing()(Evaluate(IntImm("int32", 0)))
    with pytest.raises(PassError, match="Sequential takes passes"):
        Sequential((_Nothing(), "LowerBlocks"))


def test_the_base_pass_must_be_implemented():
    @dataclass(frozen=True)
    class _Empty(Pass):
        pass

    with pytest.raises(NotImplementedError):
        _Empty()(IRModule.from_functions({"f": _func}))


def test_passes_are_values():
    assert _Rename("a") == _Rename("a")
    assert _Rename("a") != _Rename("b")
    assert isinstance(replace(_Rename("a"), value="c"), _Rename)
    assert isinstance(_func, PrimFunc)
