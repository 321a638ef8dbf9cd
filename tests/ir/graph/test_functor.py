from loom.ir import graph as G
from loom.ir import structural_equal, tir
from loom.ir.graph import op as R
from loom.ir.tir.arith import substitute

n = tir.Var("n", "int64")


def build():
    x = G.Var("x", G.TensorStructInfo((n, 4), "float32"))
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        with bb.dataflow():
            lv = bb.emit(R.exp(x))
            shared = bb.emit(R.add(lv, lv))
            gv = bb.emit_output(R.multiply(shared, shared))
        bb.emit_func_output(gv)
    return bb.get()["main"]


def test_visitor_visits_each_node_once_and_every_var_use():
    class Count(G.ExprVisitor):
        def __init__(self):
            super().__init__()
            self.calls, self.uses = [], 0

        def visit_call(self, call):
            self.calls.append(call.op.name)
            self.generic_visit(call)

        def visit_var(self, var):
            self.uses += 1

    f = build()
    op = f.body.blocks[0].bindings[0].value.op
    assert op is G.Op.get("exp")
    counter = Count()
    counter.visit(f)
    assert counter.calls == ["exp", "add", "multiply"]
    # x (param + use), lv (def + 2 uses), shared (def + 2 uses), gv (def + body use)
    assert counter.uses == 10


def test_mutator_returns_same_object_when_nothing_changes():
    f = build()
    assert G.ExprMutator().visit(f) is f


def test_mutator_memoises_by_identity():
    seen = []

    class Spy(G.ExprMutator):
        def visit_call(self, call):
            seen.append(call)
            return self.generic_visit(call)

    x = G.Var("x", G.TensorStructInfo((n,), "float32"))
    shared = R.exp(x)
    t = G.Tuple((shared, shared, shared))
    assert Spy().visit(t) is t
    assert len(seen) == 1


def test_mutator_rewrites_calls_and_rederives_struct_info():
    class ExpToNegative(G.ExprMutator):
        def visit_call(self, call):
            call = self.generic_visit(call)
            if call.op is G.Op.get("exp"):
                return self.normalizer.normalize(R.negative(*call.args))
            return call

    f = build()
    g = ExpToNegative().visit(f)
    assert g is not f
    assert g.body.blocks[0].bindings[0].value.op is G.Op.get("negative")
    assert g.body.blocks[0].bindings[1] is f.body.blocks[0].bindings[1]


def test_mutator_substitutes_sizes_in_annotations():
    m = tir.Var("m", "int64")

    class Rename(G.ExprMutator):
        def visit_prim_expr(self, expr):
            return substitute(expr, {n: m})

    f = build()
    g = Rename().visit(f)
    assert g.params[0] is not f.params[0]
    assert g.params[0].struct_info.values[0] is m
    # Every use of the rebuilt parameter is the one new variable.
    assert g.body.blocks[0].bindings[0].value.args[0] is g.params[0]
    assert g.ret_struct_info.values[0] is m
    assert structural_equal(f, g)
