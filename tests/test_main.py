import subprocess
import sys


def test_demo_runs_and_checks_itself():
    result = subprocess.run(
        [sys.executable, "-m", "loom"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Round trip: parse(print(m)) is structurally equal to m" in result.stdout
    assert "compiled" in result.stdout


def test_unknown_command_is_an_error():
    result = subprocess.run(
        [sys.executable, "-m", "loom", "nope"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "unknown command 'nope'" in result.stderr
