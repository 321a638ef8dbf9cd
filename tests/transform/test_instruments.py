"""Instruments: timing, printing the IR around named passes, verifying after every pass."""

import io
from dataclasses import dataclass

import pytest

from loom.ir import PassError, replace
from loom.ir.tir import Var
from loom.script import tir as T
from loom.transform import (
    PassContext,
    PassInstrument,
    PassTiming,
    PrimFuncPass,
    PrintIR,
    Sequential,
    VerifyIR,
)
from loom.transform.tir import FlattenBuffers, LowerBlocks


@T.prim_func
def _func(A: T.Buffer((4, 4), "float32")):
    for i, j in T.grid(4, 4):
        with T.block("A"):
            vi, vj = T.axis.remap("SS", [i, j])
            A[vi, vj] = T.float32(0)


def test_timing_reports_every_pass_nested_in_its_sequential():
    timing = PassTiming()
    with PassContext(instruments=[timing]):
        Sequential((LowerBlocks(), FlattenBuffers()), name="Lower")(_func)
    assert [(r.name, r.depth) for r in timing.records] == [
        ("Lower", 0),
        ("LowerBlocks", 1),
        ("FlattenBuffers", 1),
    ]
    assert timing.total("Lower") >= timing.total("LowerBlocks") > 0
    lines = timing.report().splitlines()
    assert lines[0].split() == ["pass", "ms", "%"]
    assert lines[2].startswith("Lower ")
    assert lines[2].split()[-1] == "100.0"
    assert lines[3].startswith("  LowerBlocks")


def test_print_ir_before_and_after_named_passes():
    out = io.StringIO()
    with PassContext(instruments=[PrintIR(before=["FlattenBuffers"], after=["LowerBlocks"],
                                          stream=out)]):  # fmt: skip
        Sequential((LowerBlocks(), FlattenBuffers()))(_func)
    text = out.getvalue()
    assert text.count("# ---- IR") == 2
    after_lower = text.index("# ---- IR after LowerBlocks ----")
    before_flatten = text.index("# ---- IR before FlattenBuffers ----")
    assert after_lower < before_flatten
    assert "A[i, j] = T.float32(0.0)" in text


def test_print_all_prints_after_every_pass(capsys):
    with PassContext(instruments=[PrintIR(print_all=True)]):
        LowerBlocks()(_func)
    assert "# ---- IR after LowerBlocks ----" in capsys.readouterr().out


@dataclass(frozen=True)
class _UseUndefined(PrimFuncPass):
    """Breaks the IR: stores a variable that nothing defines."""

    def transform_function(self, func, ctx):
        store = func.body.body
        return replace(func, body=replace(func.body, body=replace(store, indices=(Var("q"),))))


def test_verify_names_the_pass_that_broke_the_ir():
    @T.prim_func
    def func(A: T.Buffer((4,), "int32")):
        for i in range(4):
            A[i] = 0

    with (
        PassContext(instruments=[VerifyIR()]),
        pytest.raises(PassError, match="after pass _UseUndefined fails check_well_formed"),
    ):
        Sequential((LowerBlocks(), _UseUndefined()))(func)


def test_an_instrument_may_skip_passes():
    class _SkipFlatten(PassInstrument):
        def should_run(self, mod, pass_):
            return pass_.name != "FlattenBuffers"

    with PassContext(instruments=[_SkipFlatten()]):
        out = Sequential((LowerBlocks(), FlattenBuffers()))(_func)
    assert "decl_buffer" not in out.script()


def test_instruments_hear_about_context_entry_and_failures():
    events = []

    class _Log(PassInstrument):
        def enter_pass_ctx(self):
            events.append("enter")

        def exit_pass_ctx(self):
            events.append("exit")

        def run_failed_pass(self, mod, pass_):
            events.append(f"failed {pass_.name}")

    with pytest.raises(PassError), PassContext(instruments=[_Log()]):
        FlattenBuffers()(_func)  # blocks are still there
    assert events == ["enter", "failed FlattenBuffers", "exit"]
