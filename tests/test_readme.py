"""The README's example runs as written."""

import re
import runpy
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.usefixtures("verify_passes")  # every compile in the suite is verified
def test_readme_example_runs(tmp_path, capsys):
    (example,) = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    script = tmp_path / "example.py"
    script.write_text(example)
    runpy.run_path(str(script))
    printed = capsys.readouterr().out
    assert "@I.ir_module" in printed
    assert printed.strip().splitlines()[-3:] == ["(1, 8)", "(5, 8)", "(100, 8)"]
