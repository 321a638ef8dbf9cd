"""Round trip of every graph-corpus module: decorator vs from_source, print -> parse -> print,
the printed text run as a Python file, well-formedness; plus checks that the corpus covers the
R dialect's constructs and that its numpy references agree with the modules' signatures."""

import ast
import runpy
import textwrap
from pathlib import Path

import numpy as np
import pytest
from corpora import graph_corpus

from loom.ir import IRModule, assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.tir.arith import simplify, substitute
from loom.script import from_source

CORPUS = graph_corpus().load()
CASES = CORPUS.cases


def _ids(cases):
    return [c.name for c in cases]


@pytest.mark.parametrize("theme", graph_corpus().THEMES)
def test_theme_imports(theme):
    if theme in CORPUS.errors:
        pytest.fail(f"graph corpus theme {theme} failed to import:\n{CORPUS.errors[theme]}")
    assert "<registry>" not in CORPUS.errors, CORPUS.errors.get("<registry>")


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_decorator_matches_from_source(case):
    assert isinstance(case.obj, IRModule)
    if case.namespace is None:
        reparsed = from_source(case.source)
    else:
        reparsed = from_source(case.source, case.namespace)
    assert_structural_equal(case.obj, reparsed)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_print_parse_print(case):
    text = case.obj.script()
    reparsed = from_source(text)
    assert_structural_equal(case.obj, reparsed)
    assert reparsed.script() == text


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_printed_text_runs_as_python(case, tmp_path):
    path = tmp_path / f"printed_{case.name}.py"
    path.write_text(case.obj.script())
    namespace = runpy.run_path(str(path))
    built = [v for v in namespace.values() if isinstance(v, IRModule)]
    assert len(built) == 1, f"expected one module in the printed file, found {len(built)}"
    assert_structural_equal(case.obj, built[0])


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_well_formed(case):
    G.well_formed(case.obj)
    assert any(isinstance(f, G.Function) for f in case.obj.functions.values())


# ---------------------------------------------------------------------------------------------
# Coverage: the corpus must keep at least one module using each construct.


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _call_features(node: ast.Call, found: set[str], functions: set[str]) -> None:
    name = _dotted(node.func)
    if name is None:
        return
    found.add(name)
    found.update(f"{name}({kw.arg}=)" for kw in node.keywords)
    if name.startswith("cls.") and name[4:] in functions:
        found.add("call cls.f")
    elif name in functions:
        found.add("call by bare name")
    if name == "R.call_dps" and node.args and isinstance(node.args[0], ast.Tuple):
        found.add("seed call_dps form")
    for kw in node.keywords:
        if kw.arg == "out_sinfo" and isinstance(kw.value, ast.List):
            found.add("tuple out_sinfo")
    sizes = [a for a in node.args if isinstance(a, ast.Tuple | ast.List)]
    if name in ("R.Tensor", "R.Shape") and sizes:
        entries = sizes[0].elts
        if any(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in entries):
            found.add("symbolic size in a signature")
        if any(isinstance(e, ast.Name) for e in entries):
            found.add("symbolic size by name")
    if name == "R.const" and node.args and isinstance(node.args[0], ast.List | ast.ListComp):
        found.add("array constant")


def features(source: str) -> set[str]:
    """The constructs a module's source text uses, as short spellings."""
    found: set[str] = set()
    tree = ast.parse(textwrap.dedent(source))
    functions = {
        n.name for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body
        if isinstance(n, ast.FunctionDef)
    }  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            _call_features(node, found, functions)
        elif isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                found.add(f"@{_dotted(deco.func if isinstance(deco, ast.Call) else deco)}")
        elif isinstance(node, ast.ClassDef):
            found.update(f"@{_dotted(d.func if isinstance(d, ast.Call) else d)}"
                         for d in node.decorator_list)  # fmt: skip
            kinds = {_dotted(d.func if isinstance(d, ast.Call) else d) for n in node.body
                     if isinstance(n, ast.FunctionDef) for d in n.decorator_list}  # fmt: skip
            if {"R.function", "T.prim_func"} <= kinds:
                found.add("graph functions and prim_funcs in one module")
        elif isinstance(node, ast.Attribute):
            found.add(_dotted(node) or "")
        elif isinstance(node, ast.Subscript):
            if _dotted(node.value) in ("R.Tensor", "T.Buffer"):
                found.add(f"{_dotted(node.value)}[]")
            elif isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load):
                found.add("tuple indexing")
        elif isinstance(node, ast.If):
            found.add("if/else" if node.orelse else "if")
            if any(isinstance(s, ast.If) for s in node.body):
                found.add("nested if")
        elif isinstance(node, ast.With):
            if any(
                _dotted(getattr(i.context_expr, "func", None)) == "R.dataflow" for i in node.items
            ):
                found.add("with R.dataflow()")
        elif isinstance(node, ast.Assign):
            if isinstance(node.targets[0], ast.Tuple):
                found.add("tuple unpacking")
            if isinstance(node.value, ast.Tuple):
                found.add("tuple construction")
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            found.add("annotated binding")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if _dotted(node.value.func) == "R.call_packed":
                found.add("bare R.call_packed statement")
        elif isinstance(node, ast.ImportFrom) and node.module == "__future__":
            found.add("from __future__ import annotations")
    return found


STRUCT_INFO = {
    "R.Tensor", "R.Tensor(dtype=)", "R.Tensor(ndim=)", "R.Shape", "R.Shape(ndim=)", "R.Tuple",
    "R.Prim", "R.Prim(value=)", "R.Object", "R.Callable", "R.Callable(purity=)", "R.Tensor[]",
}  # fmt: skip
CONSTRUCTS = {
    "@I.ir_module", "@R.function", "@T.prim_func", "R.function(private=)", "R.function(pure=)",
    "T.prim_func(private=)", "R.func_attr", "I.module_attrs", "T.func_attr",
    "graph functions and prim_funcs in one module", "with R.dataflow()", "R.output",
    "symbolic size in a signature", "symbolic size by name", "T.int64",
    "R.call_dps", "R.call_tir", "R.call_dps_packed", "R.call_packed", "R.call_packed(sinfo_args=)",
    "R.call_dps(tir_vars=)", "tuple out_sinfo", "seed call_dps form", "R.ExternFunc",
    "bare R.call_packed statement", "R.match_cast", "if/else", "nested if",
    "tuple construction", "tuple unpacking", "tuple indexing", "annotated binding",
    "call cls.f", "call by bare name", "R.const", "array constant",
    "R.shape", "R.shape_of", "R.prim_value", "R.str", "T.Buffer[]",
    "from __future__ import annotations",
}  # fmt: skip
OPS = {
    "abs", "negative", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf",
    "floor", "ceil", "round", "sign", "square", "clip", "logical_not",
    "add", "subtract", "multiply", "divide", "floor_divide", "power", "maximum", "minimum",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "sum", "mean", "max", "min", "prod", "variance", "argmax", "argmin",
    "reshape", "flatten", "permute_dims", "expand_dims", "squeeze", "concat", "split",
    "broadcast_to", "strided_slice", "take", "tile", "repeat", "flip", "where", "cumsum",
    "zeros", "ones", "full", "arange", "zeros_like", "ones_like", "full_like", "tril", "triu",
    "astype", "matmul", "linear", "nn.relu", "nn.gelu", "nn.gelu_tanh", "nn.silu", "nn.softmax",
    "nn.log_softmax", "nn.layer_norm", "nn.rms_norm", "nn.group_norm", "nn.batch_norm",
    "nn.conv1d", "nn.conv2d", "nn.conv2d_transpose", "nn.max_pool2d", "nn.avg_pool2d",
    "nn.adaptive_avg_pool2d", "nn.pad", "nn.dropout", "nn.attention", "image.resize2d",
}  # fmt: skip
MODELS = {
    "MLP", "TransformerBlock", "ConvNet", "HalfPrecision", "ReshapeChain", "Reductions",
    "MyIRModule",
}  # fmt: skip


def _all_features() -> set[str]:
    """Features of every module's source, plus the future import of the themes that have one
    (it sits at the top of the theme file, outside the class's source)."""
    found = set().union(*(features(c.source) for c in CASES))
    root = Path(__file__).parent / "graph_corpus"
    for theme in {c.theme for c in CASES}:
        header = features((root / f"{theme}.py").read_text())
        found |= header & {"from __future__ import annotations"}
    return found


def test_corpus_size():
    assert len(CASES) >= 30, f"the graph corpus has only {len(CASES)} modules"


def test_corpus_covers_every_construct():
    missing = sorted((CONSTRUCTS | STRUCT_INFO) - _all_features())
    assert not missing, f"no graph corpus module uses: {missing}"


def test_corpus_calls_every_listed_operator():
    missing = sorted(op for op in OPS if f"R.{op}" not in _all_features())
    assert not missing, f"no graph corpus module calls: {missing}"
    assert set(G.registered_ops()) >= OPS


def test_corpus_has_the_model_modules():
    missing = sorted(MODELS - {c.name for c in CASES})
    assert not missing, f"graph corpus models missing: {missing}"


def test_some_printed_modules_carry_metadata():
    with_table = [c.name for c in CASES if "\nmetadata = I.metadata(" in c.obj.script()]
    assert {"LargeConstants", "NumpyWeights"} <= set(with_table)


def test_the_seed_program_keeps_its_meaning():
    seed = CORPUS.by_name()["MyIRModule"].obj
    assert [gv.name_hint for gv in seed.functions] == ["tir_mm", "relax_func"]
    func = seed["relax_func"]
    assert not func.is_pure  # R.call_packed makes it impure without being told
    dataflow, after = func.body.blocks
    assert isinstance(dataflow, G.DataflowBlock)
    assert dataflow.bindings[0].value.args[0] is seed.global_var("tir_mm")
    (update,) = after.bindings
    assert update.value.op.global_symbol == "custom_inplace_update"


def test_feature_scanner_sees_constructs():
    text = """
@I.ir_module
class M:
    @R.function(private=True)
    def f(x: R.Tensor(("n",), "float32")):
        a, b = g(x)
        R.call_packed("log", a)
        return a[0]
"""
    found = features(text)
    expected = {
        "@I.ir_module", "@R.function", "R.function(private=)", "symbolic size in a signature",
        "tuple unpacking", "bare R.call_packed statement", "tuple indexing", "R.call_packed",
    }  # fmt: skip
    assert expected <= found
    assert "call by bare name" not in found  # g is not a function of the module


# ---------------------------------------------------------------------------------------------
# References: numpy oracles for a later VM test, checked here against the signatures.


def _bind_sizes(sinfo, value, sizes: dict[tir.Var, int]) -> None:
    """Bind the size variables of a parameter's struct info from an argument's shape."""
    if isinstance(sinfo, G.TensorStructInfo) and sinfo.values is not None:
        assert value.shape.__len__() == len(sinfo.values)
        for dim, size in zip(sinfo.values, value.shape, strict=True):
            if isinstance(dim, tir.Var):
                assert sizes.setdefault(dim, size) == size, f"{dim.name_hint} bound twice"


def _check_against(sinfo, value, sizes: dict[tir.Var, int]) -> None:
    """Check an array (or tuple of arrays) against struct info with the sizes bound."""
    if isinstance(sinfo, G.TupleStructInfo):
        assert isinstance(value, tuple)
        assert len(value) == len(sinfo.fields)
        for field, item in zip(sinfo.fields, value, strict=True):
            _check_against(field, item, sizes)
        return
    if not isinstance(sinfo, G.TensorStructInfo):
        return
    value = np.asarray(value)
    if sinfo.dtype is not None and str(sinfo.dtype) != "bfloat16":
        assert value.dtype == np.dtype(str(sinfo.dtype)), f"{value.dtype} vs {sinfo.dtype}"
    if sinfo.values is None:
        return
    mapping = {v: tir.const(s, v.dtype) for v, s in sizes.items()}
    expected = [simplify(substitute(d, mapping)) for d in sinfo.values]
    shape = tuple(e.value if isinstance(e, tir.IntImm) else None for e in expected)
    assert len(shape) == value.ndim
    assert all(e is None or e == s for e, s in zip(shape, value.shape, strict=True)), (
        f"shape {value.shape} vs {shape}"
    )


REFERENCED = [(c, r) for c in CASES for r in c.refs]


@pytest.mark.parametrize(("case", "ref"), REFERENCED, ids=[c.name for c, _ in REFERENCED])
def test_reference_agrees_with_the_signature(case, ref):
    func = case.obj[ref.function]
    rng = np.random.default_rng(0)
    for assignment in ref.sizes:
        args = ref.inputs(rng, assignment)
        assert len(args) == len(func.params)
        sizes: dict[tir.Var, int] = {}
        for param, arg in zip(func.params, args, strict=True):
            _bind_sizes(param.struct_info, np.asarray(arg), sizes)
        for param, arg in zip(func.params, args, strict=True):
            _check_against(param.struct_info, arg, sizes)
        result = ref.expected(*args)
        _check_against(func.ret_struct_info, result, sizes)


def test_enough_modules_carry_references():
    assert len({c.name for c, _ in REFERENCED}) >= 20
