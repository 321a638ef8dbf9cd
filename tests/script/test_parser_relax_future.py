"""With ``from __future__ import annotations`` Python leaves signatures unevaluated, so bare
names in shape annotations declare int64 size variables, as in from_source text."""

from __future__ import annotations

from loom.ir import assert_structural_equal, dtype, tir
from loom.script import from_source
from loom.script import ir as I
from loom.script import relax as R


@I.ir_module
class Module:
    @R.function
    # (UP037 would unquote "float32": ruff reads a subscripted annotation as a type.)
    def main(x: R.Tensor[(n, d), "float32"], w: R.Tensor((d, m), "float32")):  # noqa: F821, UP037
        y: R.Tensor((n, m), "float32") = R.matmul(x, w)  # noqa: F821
        return y


def test_bare_names_declare_shared_int64_sizes():
    x, w = Module["main"].params
    n, d = x.struct_info.values
    assert isinstance(n, tir.Var)
    assert n.dtype == dtype("int64")
    assert w.struct_info.values[0] is d
    (binding,) = Module["main"].body.blocks[0].bindings
    assert binding.var.struct_info.values == (n, w.struct_info.values[1])


def test_the_same_text_through_from_source():
    text = """
    @I.ir_module
    class Module:
        @R.function
        def main(x: R.Tensor[(n, d), "float32"], w: R.Tensor((d, m), "float32")):
            y: R.Tensor((n, m), "float32") = R.matmul(x, w)
            return y
    """
    assert_structural_equal(from_source(text), Module)
