import keyword

import pytest

from loom.ir import Map, tir
from loom.ir.tir import BufferStore, Evaluate, For, ForKind, IntImm, PrimFunc, SeqStmt, Var
from loom.script.printer import script, stmt_text
from loom.script.printer.namer import Namer, is_legal_name, legalize

ZERO = IntImm("int32", 0)


@pytest.mark.parametrize(
    ("hint", "name"),
    [
        ("i", "i"),
        ("", "v"),
        ("a.b-c d", "a_b_c_d"),
        ("0x", "_0x"),
        ("é", "_"),
        ("var_A", "var_A"),
    ],
)
def test_legalize(hint, name):
    assert legalize(hint) == name


def test_dedup_gives_first_free_suffix():
    namer = Namer()
    assert [namer.fresh("i") for _ in range(3)] == ["i", "i_1", "i_2"]
    assert namer.fresh("i_1") == "i_1_1"


@pytest.mark.parametrize("hint", ["for", "lambda", "True", "None", "T", "I", "R", "range"])
def test_reserved_names_are_never_handed_out(hint):
    namer = Namer()
    assert namer.fresh(hint) == f"{hint}_1"
    assert not is_legal_name(hint)


def test_every_name_is_an_identifier_and_not_a_keyword():
    namer = Namer()
    for hint in ["", "1", "if", "a b", "x", "x", "T", "_", "9lives", "class"]:
        name = namer.fresh(hint)
        assert name.isidentifier()
        assert not keyword.iskeyword(name)


def test_names_are_unique_across_kinds_of_binder():
    A = tir.decl_buffer((4,), "float32", "i")
    i = Var("i")
    loop = For(i, ZERO, tir.const(4), ForKind.SERIAL, BufferStore(A, tir.const(0.0), (i,)))
    assert stmt_text(loop) == "for i in range(4):\n    i_1[i] = T.float32(0.0)"


def _loop_program(hints):
    a = Var("a", "handle")
    A = tir.decl_buffer((4,), "float32", "A")
    loops = []
    for hint in hints:
        var = Var(hint)
        loops.append(For(var, ZERO, tir.const(4), ForKind.SERIAL, BufferStore(A, A[var], (var,))))
    return PrimFunc((a,), SeqStmt(tuple(loops)), Map({a: A}))


def test_keyword_and_illegal_hints_in_a_function():
    text = script(_loop_program(["for", "i.j", "A", "1st"]))
    assert "for for_1 in range(4):" in text
    assert "for i_j in range(4):" in text
    assert "for A_1 in range(4):" in text
    assert "for _1st in range(4):" in text
    compile(text, "<printed>", "exec")


def test_printing_is_deterministic():
    program = _loop_program(["i", "i", "i"])
    assert script(program) == script(program)
    assert "for i_2 in range(4):" in script(program)


def test_structurally_equal_functions_built_separately_print_the_same():
    assert script(_loop_program(["i", "j"])) == script(_loop_program(["i", "j"]))


def test_names_do_not_leak_between_printings():
    i = Var("i")
    store = Evaluate(i)
    assert stmt_text(store) == "T.evaluate(i)"
    assert stmt_text(SeqStmt((Evaluate(Var("i")), store))) == "T.evaluate(i)\nT.evaluate(i_1)"
