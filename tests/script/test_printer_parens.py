"""Property: printed expressions parse (as Python) to the same operator tree as the IR.

The strategies are local: they build only the operator nodes whose parentheses the renderer
decides, which no other test needs.
"""

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from loom.ir import tir
from loom.ir.tir import IntImm, Var
from loom.script.printer import expr_text

INT_VARS = [Var("a"), Var("b"), Var("c")]
BOOL_VARS = [Var("p", "bool"), Var("q", "bool")]
INT_OPS = [tir.Add, tir.Sub, tir.Mul, tir.Div, tir.FloorDiv, tir.FloorMod]
CMP_OPS = [tir.EQ, tir.NE, tir.LT, tir.LE, tir.GT, tir.GE]

int_leaves = st.sampled_from(INT_VARS) | st.integers(-4, 4).map(lambda v: IntImm("int32", v))
int_exprs = st.recursive(
    int_leaves,
    lambda sub: st.builds(lambda op, x, y: op(x, y), st.sampled_from(INT_OPS), sub, sub),
    max_leaves=8,
)


def _bool_step(sub):
    binary = st.sampled_from([tir.And, tir.Or, tir.EQ, tir.NE])
    return st.builds(lambda op, x, y: op(x, y), binary, sub, sub) | st.builds(tir.Not, sub)


bool_leaves = st.sampled_from(BOOL_VARS) | st.builds(
    lambda op, x, y: op(x, y), st.sampled_from(CMP_OPS), int_exprs, int_exprs
)
bool_exprs = st.recursive(bool_leaves, _bool_step, max_leaves=8)

_SYMBOL = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}  # fmt: skip


def ir_tree(expr):
    if isinstance(expr, Var):
        return expr.name_hint
    if isinstance(expr, IntImm):
        return expr.value
    if isinstance(expr, tir.Not):
        return ("not", ir_tree(expr.a))
    return (expr.symbol, ir_tree(expr.a), ir_tree(expr.b))


def ast_tree(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        assert isinstance(node.operand, ast.Constant)
        return -node.operand.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ("not", ast_tree(node.operand))
    if isinstance(node, ast.BinOp):
        return (_SYMBOL[type(node.op)], ast_tree(node.left), ast_tree(node.right))
    if isinstance(node, ast.Compare):
        assert len(node.ops) == 1, "a printed comparison must never chain"
        return (_SYMBOL[type(node.ops[0])], ast_tree(node.left), ast_tree(node.comparators[0]))
    if isinstance(node, ast.BoolOp):
        word = "and" if isinstance(node.op, ast.And) else "or"
        tree = ast_tree(node.values[0])
        for value in node.values[1:]:
            tree = (word, tree, ast_tree(value))  # Python's flat chains are left-nested
        return tree
    raise AssertionError(f"unexpected syntax {ast.dump(node)}")


def minimal(text, tree):
    """No pair of parentheses can be dropped without changing the tree."""
    starts = [i for i, ch in enumerate(text) if ch == "("]
    for start in starts:
        depth = 0
        for end in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        dropped = text[:start] + text[start + 1 : end] + text[end + 1 :]
        try:
            if ast_tree(ast.parse(dropped, mode="eval").body) == tree:
                return False
        except (SyntaxError, AssertionError):
            pass
    return True


@settings(max_examples=300, deadline=None)
@given(int_exprs | bool_exprs)
def test_printed_expression_parses_back_to_the_same_tree(expr):
    text = expr_text(expr)
    tree = ir_tree(expr)
    assert ast_tree(ast.parse(text, mode="eval").body) == tree
    assert minimal(text, tree), text
