from loom.ir import Mutator, Visitor, tir


class CountVars(Visitor):
    def __init__(self):
        self.names = []

    def visit_var(self, var):
        self.names.append(var.name_hint)


class IncrementConstants(Mutator):
    def visit_int_imm(self, imm):
        return tir.IntImm(imm.dtype, imm.value + 1)


class Nothing(Mutator):
    pass


def test_dispatch_by_snake_case_and_generic_walk():
    x, y = tir.Var("x"), tir.Var("y")
    counter = CountVars()
    counter.visit(tir.Select(x < y, x * 2, tir.max_(x, y)))
    assert counter.names == ["x", "y", "x", "x", "y"]


def test_size_var_falls_back_to_var_method():
    counter = CountVars()
    counter.visit(tir.SizeVar("n") + 1)
    assert counter.names == ["n"]


def test_mutator_rebuilds_changed_nodes_only():
    x = tir.Var("x")
    e = (x + 1) * x
    out = IncrementConstants().visit(e)
    assert out is not e
    assert out.a.b.value == 2
    assert out.b is x
    assert Nothing().visit(e) is e


def test_mutator_keeps_span_and_identity_of_unchanged_tuples():
    A = tir.decl_buffer((4,), "float32", "A")
    store = tir.BufferStore(A, tir.const(1.0), (tir.const(0),))
    assert Nothing().visit(store) is store
    out = IncrementConstants().visit(tir.BufferStore(A, A[0], (tir.const(0),)))
    assert out.indices[0].value == 1
    assert out.buffer.shape[0].value == 5
    assert out.value.buffer is out.buffer  # one rebuilt buffer for every use
