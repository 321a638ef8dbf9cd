"""Fixtures for the ffi tests: C sources compiled with the system compiler against loom_abi.h."""

import shutil
import subprocess
from pathlib import Path

import pytest

import loom.ffi as ffi

CSRC = Path(__file__).parent / "csrc"


def compile_c(out_dir: Path, source: str, output: str, kind: str = "shared") -> Path:
    """Compile csrc/<source> with loom_abi.h (from loom.ffi.C_HEADER) into out_dir.

    `kind` is "shared" (a .so), "object" (a .o) or "exe".
    """
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler on this machine")
    (out_dir / "loom_abi.h").write_text(ffi.C_HEADER)
    out = out_dir / output
    flags = {"shared": ["-shared", "-fPIC"], "object": ["-c", "-fPIC"], "exe": []}[kind]
    cmd = [cc, "-O2", "-Wall", "-Werror", "-std=gnu11", *flags, "-I", str(out_dir)]
    subprocess.run([*cmd, str(CSRC / source), "-o", str(out)], check=True)
    return out


@pytest.fixture
def build_c(tmp_path: Path):
    """Compile a csrc/ file into this test's tmp_path: ``build_c("x.c", "x.so")``."""
    return lambda source, output, kind="shared": compile_c(tmp_path, source, output, kind)


@pytest.fixture(scope="session")
def kernels_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """csrc/kernels.c built as a shared library: the Loom module the C-ABI tests call."""
    return compile_c(tmp_path_factory.mktemp("kernels"), "kernels.c", "kernels.so")


@pytest.fixture(scope="session")
def kernels(kernels_path: Path) -> ffi.Module:
    return ffi.load_module(kernels_path)
