"""Bindings: annotated and inferred struct info, tuples, unpacking, indexing, match_cast,
if/else, expression statements and A-normal form."""

import pytest

from loom.ir import ParseError, assert_structural_equal, dtype, tir
from loom.ir import graph as G
from loom.script import from_source

HEADER = (
    "@R.function\n"
    'def f(x: R.Tensor(("n", 4), "float32"), c: R.Prim("bool"), '
    't: R.Tuple(R.Tensor((2,), "int32"), R.Shape([3]))):\n'
)


def parse(body):
    return from_source(HEADER + "".join(f"    {line}\n" for line in body.splitlines()))


def error_of(body):
    with pytest.raises(ParseError) as info:
        parse(body)
    return info.value


def bindings(func):
    return [b for block in func.body.blocks for b in block.bindings]


def test_inferred_and_annotated_struct_info():
    func = parse("y = R.exp(x)\nz: R.Tensor(ndim=2) = R.exp(y)\nw: R.Object = z\nreturn w")
    y, z, w = bindings(func)
    n = func.params[0].struct_info.values[0]
    assert_structural_equal(y.var.struct_info, G.TensorStructInfo((n, 4), "float32"))
    assert z.var.struct_info.shape is None
    assert z.var.struct_info.ndim == 2
    assert isinstance(w.var.struct_info, G.ObjectStructInfo)
    assert w.value is z.var


def test_annotation_more_precise_than_the_value_is_allowed():
    func = parse('y: R.Tensor((n, 4), "float32") = R.call_packed("f", x)\nreturn y')
    (y,) = bindings(func)
    assert y.var.struct_info.values[1].value == 4
    assert isinstance(y.value.struct_info, G.ObjectStructInfo)


def test_tuples_indexing_and_unpacking():
    func = parse("p = (x, t)\nq = p[1]\na, b = q\nr = t[-1]\nreturn (a, b, r)")
    p, q, a, b, r = bindings(func)
    assert isinstance(p.value, G.Tuple)
    assert p.value.fields == (func.params[0], func.params[2])
    assert isinstance(q.value, G.TupleGetItem)
    assert q.value.index == 1
    assert (a.value.tuple_value, a.value.index) == (q.var, 0)
    assert (b.value.tuple_value, b.value.index) == (q.var, 1)
    assert r.value.index == 1
    assert a.var.struct_info.dtype == dtype("int32")
    assert isinstance(func.body.body, G.Tuple)


def test_unpacking_a_call_binds_it_first():
    func = parse("a, b = R.split(x, indices_or_sections=2, axis=1)\nreturn a")
    split, a, b = bindings(func)
    assert isinstance(split.value, G.Call)
    assert a.value.tuple_value is split.var
    assert b.var.struct_info.values[1].value == 2


def test_nested_calls_become_bindings_in_order():
    func = parse("y = R.add(R.exp(x), R.negative(x))\nreturn y")
    exp, neg, add = bindings(func)
    assert add.value.args == (exp.var, neg.var)
    assert exp.var.name_hint == "gv"
    assert type(exp.var) is G.Var


def test_match_cast_defines_sizes():
    func = parse(
        'y = R.match_cast(x, R.Tensor(("m", k), "float32"))\n'
        'z: R.Tensor((m * k,), "float32") = R.flatten(y)\n'
        "return z"
    )
    cast, flat = bindings(func)
    assert isinstance(cast, G.MatchCast)
    m, k = cast.struct_info.values
    assert (m.name_hint, k.name_hint) == ("m", "k")
    assert cast.var.struct_info is cast.struct_info
    assert_structural_equal(flat.var.struct_info.values[0], m * k)


def test_match_cast_of_a_declared_size():
    func = parse(
        "m = T.int64()\n"
        'y = R.match_cast(x, R.Tensor((m, 4), "float32"))\n'
        'R.match_cast(t, R.Tuple(R.Tensor((2,), "int32"), R.Shape([3])))\n'
        "return y"
    )
    cast, unnamed = bindings(func)
    assert cast.struct_info.values[0].name_hint == "m"
    assert isinstance(unnamed, G.MatchCast)
    assert unnamed.var.name_hint == "_"


def test_match_cast_that_can_never_succeed():
    err = error_of('y = R.match_cast(x, R.Tensor((m, 5), "float32"))\nreturn y')
    assert err.message == (
        'R.match_cast to R.Tensor((m, 5), dtype="float32") can never succeed: '
        "dimension 1 is 4, not 5"
    )
    assert (err.line, err.col) == (3, 25)


def test_if_binds_the_last_assignment_of_both_branches():
    func = parse(
        "if c:\n"
        "    a = R.exp(x)\n"
        '    z: R.Tensor((n, 4), "float32") = R.add(a, x)\n'
        "else:\n"
        "    z = R.negative(x)\n"
        "return z"
    )
    (binding,) = bindings(func)
    value = binding.value
    assert isinstance(value, G.If)
    assert value.cond is func.params[1]
    (a,) = value.true_branch.blocks[0].bindings
    assert value.true_branch.body.args == (a.var, func.params[0])
    assert value.false_branch.blocks == ()
    assert isinstance(value.false_branch.body, G.Call)
    assert binding.var.name_hint == "z"
    assert binding.var.struct_info.values[1].value == 4
    assert func.body.body is binding.var


def test_elif_nests_an_if_in_the_else_branch():
    func = parse(
        "if c:\n    z = x\nelif c:\n    z = R.exp(x)\nelse:\n    z = R.negative(x)\nreturn z"
    )
    (binding,) = bindings(func)
    orelse = binding.value.false_branch
    (inner,) = orelse.blocks[0].bindings
    assert isinstance(inner.value, G.If)
    assert orelse.body is inner.var


def test_if_on_a_size_condition_and_a_python_condition():
    func = parse(
        "flag = True\n"
        "if flag:\n"
        "    y = R.exp(x)\n"
        "else:\n"
        "    y = R.negative(x)\n"
        "if n > 2:\n"
        "    z = y\n"
        "else:\n"
        "    z = x\n"
        "return z"
    )
    chosen, branch = bindings(func)
    assert chosen.value.op.name == "exp"
    assert isinstance(branch.value.cond, G.PrimValue)
    assert isinstance(branch.value.cond.value, tir.GT)


def test_if_errors():
    err = error_of("if c:\n    z = x\nelse:\n    w = x\nreturn x")
    assert err.message == (
        "both branches of an if end by assigning the same name: z in the first, w here"
    )
    assert (err.line, err.col) == (6, 9)
    err = error_of("if c:\n    z = x\nreturn x")
    assert err.message.startswith("an if in a graph function needs an else branch")
    assert (err.line, err.col) == (3, 5)
    err = error_of("if c:\n    z = x\nelse:\n    R.call_packed('f')\nreturn x")
    assert err.message == "an if branch ends by assigning its result to one name, as z = ..."
    assert (err.line, err.col) == (6, 9)
    err = error_of(
        "with R.dataflow():\n    if c:\n        z = x\n    else:\n        z = x\n"
        "    R.output(z)\nreturn z"
    )
    assert err.message == "if/else is not allowed inside a dataflow block"
    assert (err.line, err.col) == (4, 9)


def test_expression_statement_is_bound_to_underscore():
    func = parse('R.call_packed("log", x)\nreturn x')
    (binding,) = bindings(func)
    assert binding.var.name_hint == "_"
    assert isinstance(binding.var.struct_info, G.ObjectStructInfo)
    assert not func.is_pure


def test_statement_without_effect():
    err = error_of("x\nreturn x")
    assert err.message == "this statement has no effect: it is a Var"
    assert (err.line, err.col) == (3, 5)


def test_graph_values_have_no_operators():
    err = error_of("y = x * x\nreturn y")
    assert err.message == "graph values have no Python operators; call R.multiply(...)"
    assert (err.line, err.col) == (3, 9)
    err = error_of("y = -x\nreturn y")
    assert err.message == "graph values have no Python operators; call R.negative(...)"


def test_unpacking_a_non_tuple():
    err = error_of("a, b = x\nreturn x")
    assert err.message == (
        'cannot unpack a value of R.Tensor((n, 4), dtype="float32"): it is not a tuple'
    )
    assert (err.line, err.col) == (3, 12)
    err = error_of("a, b, c = t\nreturn x")
    assert err.message == "cannot unpack a tuple of 2 into 3 names"
    assert (err.line, err.col) == (3, 5)


def test_tuple_index_out_of_range():
    err = error_of("y = t[2]\nreturn y")
    assert err.message == "index 2 is out of range for a tuple of 2"
    assert (err.line, err.col) == (3, 11)


def test_indexing_a_value_of_unknown_structure():
    err = error_of("o: R.Object = t\ny = o[0]\nreturn y")
    assert err.message == (
        "cannot index a value of R.Object: it is not a tuple (R.match_cast a value of unknown "
        "structure to an R.Tuple first)"
    )
    assert (err.line, err.col) == (4, 9)


def test_every_parsed_node_has_a_span():
    func = parse(
        "with R.dataflow():\n"
        "    a = R.exp(x)\n"
        "    b = (a, t[1])\n"
        "    R.output(b)\n"
        "if c:\n"
        "    z = R.shape([n, 4])\n"
        "else:\n"
        "    z = R.shape([4, n])\n"
        'R.call_packed("f", z)\n'
        "return (b, z)"
    )
    missing = []

    def walk(node, path):
        if isinstance(node, G.Var | G.Op | G.StructInfo | tir.PrimExpr):
            return  # binders have their own spans; ops are interned
        if isinstance(node, G.Expr | G.Binding | G.BindingBlock) and node.span is None:
            missing.append(path)
        for name in getattr(type(node), "__dataclass_fields__", {}):
            if name in ("span", "struct_info", "sinfo_args", "attrs"):
                continue
            value = getattr(node, name)
            items = value if isinstance(value, tuple) else (value,)
            for i, item in enumerate(items):
                if hasattr(item, "span"):
                    walk(item, f"{path}.{name}[{i}]")

    walk(func, "f")
    assert missing == []
