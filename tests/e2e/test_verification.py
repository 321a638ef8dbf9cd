"""The e2e tests compile under IR verification: a pass whose output does not round-trip through
the printer fails the compile, naming the pass."""

from dataclasses import dataclass

import pytest
from graph_models import mlp

import loom
from loom.ir import PassError, replace
from loom.transform import (
    Pass,
    PassContext,
    Sequential,
    VerifyIR,
    check_round_trip,
    default_pipeline,
)


def test_compiles_in_this_suite_verify_every_pass():
    verifiers = [i for i in PassContext.current().instruments if isinstance(i, VerifyIR)]
    assert verifiers
    assert check_round_trip in verifiers[0].checks


@dataclass(frozen=True)
class AddUnprintableAttr(Pass):
    """A broken pass: it gives main an attribute (a NaN) that the printer cannot write."""

    def transform_module(self, mod, ctx):
        func = mod["main"]
        return mod.with_function("main", replace(func, attrs=func.attrs.set("note", float("nan"))))


def test_a_pass_breaking_the_round_trip_fails_the_compile_by_name():
    mod, _ = mlp(4, 4, 2)
    pipeline = Sequential((AddUnprintableAttr(), *default_pipeline().passes))
    with pytest.raises(PassError, match="after pass AddUnprintableAttr"):
        loom.compile(mod, pipeline=pipeline)
