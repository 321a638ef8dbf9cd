"""Round trips the graph corpus once broke: each a printed form the parser has to read back."""

import runpy

import pytest

from loom.ir import assert_structural_equal
from loom.script import from_source


def round_trip_as_file(func, tmp_path):
    text = func.script()
    again = from_source(text)
    assert_structural_equal(func, again)
    assert again.script() == text
    path = tmp_path / "printed.py"
    path.write_text(text)
    namespace = runpy.run_path(str(path))
    assert_structural_equal(func, namespace["main"])


def test_large_constant_bound_to_a_name(tmp_path):
    func = from_source(
        "@R.function\n"
        'def main(x: R.Tensor((17,), "float32")):\n'
        '    w = R.const([float(i) for i in range(17)], "float32")\n'
        "    y = R.add(x, w)\n"
        "    return y\n"
    )
    assert 'w: R.Tensor((17,), dtype="float32") = metadata["constants"][0]' in func.script()
    round_trip_as_file(func, tmp_path)


def test_signature_sizes_with_min_run_as_a_file(tmp_path):
    func = from_source(
        "@R.function\n"
        'def main(x: R.Tensor(("n", 8), "float32")):\n'
        "    w = R.strided_slice(x, axes=[0], begin=[0], end=[1])\n"
        "    return w\n"
    )
    assert "T.min(" in func.script()
    round_trip_as_file(func, tmp_path)


def test_annotated_python_scalar_is_still_an_error():
    with pytest.raises(Exception, match="a Python float is not a graph value") as info:
        from_source(
            "@R.function\n"
            'def main(x: R.Tensor((2,), "float32")):\n'
            '    z: R.Tensor((2,), "float32") = 1.5\n'
            "    return x\n"
        )
    assert (info.value.line, info.value.col) == (3, 36)
