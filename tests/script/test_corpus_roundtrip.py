"""Round trip of every corpus program: decorator vs from_source, print -> parse -> print, and the
printed text run as a Python file; plus checks that the corpus covers every construct."""

import ast
import runpy
import textwrap

import pytest
from corpora import tir_corpus

from loom.ir import IRModule, assert_structural_equal
from loom.ir.tir import FLOAT_UNARY, PrimFunc
from loom.script import from_source

CORPUS = tir_corpus().load()
CASES = CORPUS.cases
DECORATED = [c for c in CASES if c.decorated]


def _ids(cases):
    return [c.name for c in cases]


@pytest.mark.parametrize("theme", tir_corpus().THEMES)
def test_theme_imports(theme):
    if theme in CORPUS.errors:
        pytest.fail(f"corpus theme {theme} failed to import:\n{CORPUS.errors[theme]}")
    assert "<registry>" not in CORPUS.errors, CORPUS.errors.get("<registry>")


@pytest.mark.parametrize("case", DECORATED, ids=_ids(DECORATED))
def test_decorator_matches_from_source(case):
    built = case.get()
    assert isinstance(built, PrimFunc | IRModule)
    assert_structural_equal(built, from_source(case.source))


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_print_parse_print(case):
    original = case.get()
    text = original.script()
    reparsed = from_source(text)
    assert_structural_equal(original, reparsed)
    assert reparsed.script() == text


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_printed_text_runs_as_python(case, tmp_path):
    original = case.get()
    path = tmp_path / f"printed_{case.name}.py"
    path.write_text(original.script())
    namespace = runpy.run_path(str(path))
    built = [v for v in namespace.values() if isinstance(v, PrimFunc | IRModule)]
    assert len(built) == 1, f"expected one program in the printed file, found {len(built)}"
    assert_structural_equal(original, built[0])


# ---------------------------------------------------------------------------------------------
# Coverage: the corpus must keep at least one program using each construct.


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _is_block(item: ast.withitem) -> bool:
    call = item.context_expr
    return isinstance(call, ast.Call) and _dotted(call.func) == "T.block"


def _call_features(node: ast.Call, found: set[str]) -> None:
    name = _dotted(node.func)
    if name is None:
        return
    found.add(f"{name}(x)" if node.args or node.keywords else f"{name}()")
    if name == "range":
        found.add(f"range/{len(node.args)}")
    for kw in node.keywords:
        found.add(f"{name}({kw.arg}=)")
        if kw.arg == "scope" and isinstance(kw.value, ast.Constant):
            found.add(f"scope:{kw.value.value}")
    if name == "T.allocate" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
        found.add(f"scope:{node.args[2].value}")


_OPERATORS = {
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
    ast.FloorDiv: "//", ast.Mod: "%", ast.Div: "/", ast.Invert: "~", ast.Not: "not",
    ast.USub: "unary -", ast.And: "and", ast.Or: "or",
}  # fmt: skip


def features(source: str) -> set[str]:
    """The constructs a program's source text uses, as short spellings."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if isinstance(node, ast.Call):
            _call_features(node, found)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            for deco in node.decorator_list:
                name = _dotted(deco.func if isinstance(deco, ast.Call) else deco)
                found.add(f"@{name}")
            nested = [n for n in node.body if isinstance(n, ast.FunctionDef)]
            if isinstance(node, ast.ClassDef) and len(nested) >= 2:
                found.add("module with several prim_funcs")
        elif isinstance(node, ast.Attribute):
            found.add(_dotted(node) or "")
        elif isinstance(node, ast.Subscript):
            if _dotted(node.value) == "T.Buffer":
                found.add("T.Buffer[]")
            if any(isinstance(n, ast.Slice) for n in ast.walk(node.slice)):
                found.add("slice")
        elif isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp):
            found.add(_OPERATORS.get(type(node.op), ""))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(f"str:{node.value}")
        elif isinstance(node, ast.Compare) and len(node.ops) > 1:
            found.add("chained comparison")
        elif isinstance(node, ast.AugAssign):
            found.add("augmented assignment")
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            found.add("annotated let")
        elif isinstance(node, ast.If):
            found.add("if")
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
                found.add("elif")
            elif node.orelse:
                found.add("else")
        elif isinstance(node, ast.While | ast.Assert | ast.Pass):
            found.add(type(node).__name__.lower())
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if _dotted(node.value.func) in ("T.call_extern", "T.call_packed"):
                found.add("bare call statement")
        elif isinstance(node, ast.With) and any(_is_block(item) for item in node.items):
            heads = [s.value for s in node.body if isinstance(s, ast.Expr)]
            if not any(isinstance(h, ast.Call) and _dotted(h.func) == "T.reads" for h in heads):
                found.add("block without T.reads")
    return found


DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "bfloat16", "bool")  # fmt: skip
INTRINSICS = (*FLOAT_UNARY, "pow", "if_then_else", "likely", "reinterpret", "max_value",
              "min_value", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
              "shift_left", "shift_right", "truncdiv", "truncmod", "floordiv", "floormod",
              "min", "max", "Cast", "Select", "Ramp", "Broadcast", "Let", "call_extern",
              "call_packed", "evaluate")  # fmt: skip
REQUIRED = {
    "@T.prim_func", "T.prim_func(private=)", "T.prim_func(check_well_formed=)", "@I.ir_module",
    "I.module_attrs(x)", "module with several prim_funcs", "T.func_attr(x)",
    "T.Buffer(x)", "T.Buffer[]", "T.Buffer(strides=)", "T.Buffer(elem_offset=)",
    "T.Buffer(scope=)", "T.Buffer(offset_factor=)", "T.Buffer(align=)", "T.handle",
    "T.match_buffer(x)", "T.match_buffer(strides=)", "T.match_buffer(elem_offset=)",
    "T.int32()", "T.int64()", "T.float32()",
    "T.grid(x)", "range/1", "range/2", "T.serial(x)", "T.serial(annotations=)", "T.parallel(x)",
    "T.vectorized(x)", "T.unroll(x)", "T.thread_binding(x)", "T.thread_binding(thread=)",
    "T.block(x)", "T.block()", "T.axis.spatial(x)", "T.axis.reduce(x)", "T.axis.remap(x)",
    "T.axis.scan(x)", "T.axis.opaque(x)", "T.init()", "T.where(x)", "T.reads(x)", "T.reads()",
    "T.writes(x)", "block without T.reads", "T.block_attr(x)", "slice",
    "T.alloc_buffer(x)", "scope:global", "scope:shared", "scope:local",
    "T.allocate(x)", "T.decl_buffer(x)", "T.decl_buffer(data=)", "T.call_packed(dtype=)",
    "augmented assignment", "if", "elif", "else", "while", "assert", "annotated let", "pass",
    "bare call statement", "chained comparison", "and", "or", "not",
    "&", "|", "^", "~", "<<", ">>", "//", "%", "/",
    *(f"T.{name}(x)" for name in DTYPES),
    *(f"str:{name}" for name in DTYPES),
    *(f"T.{name}(x)" for name in INTRINSICS),
}  # fmt: skip
KERNELS = {
    "matmul", "matmul_tiled", "batch_matmul", "matmul_dyn", "conv2d_nchw", "depthwise_conv2d",
    "max_pool2d", "avg_pool2d", "softmax", "layer_norm", "rms_norm", "transpose", "sum_two_axes",
    "exp_relu_chain", "broadcast_add", "cumsum", "take_clip", "gather_wrap", "gpu_matmul_shared",
    "gpu_elementwise_dyn", "seed_matmul",
}  # fmt: skip


def test_corpus_size():
    assert len(CASES) >= 45, f"the corpus has only {len(CASES)} programs"


def test_corpus_covers_every_construct():
    found = set().union(*(features(c.source) for c in CASES))
    missing = sorted(REQUIRED - found)
    assert not missing, f"no corpus program uses: {missing}"


def test_corpus_has_realistic_kernels():
    missing = sorted(KERNELS - {c.name for c in CASES})
    assert not missing, f"corpus kernels missing: {missing}"


def test_feature_scanner_sees_constructs():
    text = """
@T.prim_func(private=True)
def f(A: T.Buffer[(4,), "int8"]):
    with T.block("b"):
        A[0:1] += T.exp(T.int8(1))
"""
    found = features(text)
    expected = {
        *("@T.prim_func", "T.prim_func(private=)", "T.Buffer[]", "str:int8", "slice"),
        *("augmented assignment", "T.exp(x)", "T.int8(x)", "block without T.reads"),
    }
    assert expected <= found
    assert "T.reads(x)" not in found
