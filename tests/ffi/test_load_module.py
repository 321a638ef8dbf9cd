import os
import subprocess
import sys

import numpy as np
import pytest

import loom.ffi as ffi
from loom.ffi import FFIError, LibraryModule, load_module


def test_missing_file(tmp_path):
    with pytest.raises(FFIError, match="no such file"):
        load_module(tmp_path / "absent.so")


def test_garbage_and_empty_files(tmp_path):
    garbage = tmp_path / "garbage.so"
    garbage.write_bytes(os.urandom(4096))
    with pytest.raises(FFIError, match="not an ELF file"):
        load_module(garbage)
    empty = tmp_path / "empty.so"
    empty.write_bytes(b"")
    with pytest.raises(FFIError, match="not an ELF file"):
        load_module(empty)


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.6, 0.95])
def test_truncated_library(tmp_path, kernels_path, fraction):
    data = kernels_path.read_bytes()
    cut = tmp_path / "cut.so"
    cut.write_bytes(data[: max(64, int(len(data) * fraction))])
    with pytest.raises(FFIError, match="truncated or corrupt"):
        load_module(cut)


def test_corrupt_header_fields(tmp_path, kernels_path):
    data = bytearray(kernels_path.read_bytes())
    wrong_class = data.copy()
    wrong_class[4] = 1  # 32-bit
    wrong_type = data.copy()
    wrong_type[16] = 1  # ET_REL
    wrong_machine = data.copy()
    wrong_machine[18:20] = (40).to_bytes(2, "little")  # ARM
    for name, blob, message in [
        ("class.so", wrong_class, "64-bit little-endian"),
        ("type.so", wrong_type, "not a shared library"),
        ("machine.so", wrong_machine, "built for ELF machine 40"),
    ]:
        path = tmp_path / name
        path.write_bytes(bytes(blob))
        with pytest.raises(FFIError, match=message):
            load_module(path)


def test_library_that_is_not_a_loom_module(build_c):
    path = build_c("not_loom.c", "not_loom.so")
    with pytest.raises(FFIError, match="not a Loom module: it does not define __loom_func_names"):
        load_module(path)


def test_function_table_of_another_version(build_c):
    path = build_c("bad_table.c", "bad_table.so")
    with pytest.raises(FFIError, match="does not start with 'loom-funcs-v1'"):
        load_module(path)


def test_unresolved_symbol_fails_at_load(build_c):
    path = build_c("undefined.c", "undefined.so")
    with pytest.raises(FFIError, match=r"cannot load library .*undefined\.so.*loom_symbol_nobody"):
        load_module(path)


def test_listed_function_missing_from_the_library(build_c):
    mod = load_module(build_c("ghost.c", "ghost.so"))
    assert mod["real"]() > 0
    with pytest.raises(FFIError, match="lists function 'strlen' but does not define its symbol"):
        mod["strlen"]


def test_suffix_dispatch(tmp_path):
    unknown = tmp_path / "module.bin"
    unknown.write_bytes(b"x")
    with pytest.raises(FFIError, match=r"no module loader for .*module\.bin.*known suffixes"):
        load_module(unknown)
    obj = tmp_path / "module.o"
    obj.write_bytes(b"x")
    if ".o" not in ffi.module._loaders:
        with pytest.raises(FFIError, match="object files are loaded by the LLVM codegen"):
            load_module(obj)


def test_registered_loader_errors_become_ffi_errors(tmp_path):
    def broken(path):
        raise ValueError("bad payload")

    ffi.register_module_loader(".loomtest", broken)
    try:
        path = tmp_path / "m.loomtest"
        path.write_bytes(b"")
        with pytest.raises(FFIError, match="ValueError: bad payload"):
            load_module(path)
        with pytest.raises(FFIError, match="already registered"):
            ffi.register_module_loader(".loomtest", broken)
    finally:
        del ffi.module._loaders[".loomtest"]


def test_save_and_load_in_a_fresh_process(tmp_path, kernels):
    saved = tmp_path / "saved.so"
    kernels.save(saved)
    again = load_module(saved)
    assert isinstance(again, LibraryModule)
    assert again.type_key == "library"
    assert again.function_names() == kernels.function_names()
    script = (
        "import numpy as np, loom.ffi as ffi\n"
        f"m = ffi.load_module({str(saved)!r})\n"
        "a = ffi.array(np.arange(5, dtype=np.float32))\n"
        "c = ffi.empty(5, 'float32')\n"
        "m['add_f32'](a, a, c)\n"
        "print(c.numpy().tolist())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str((np.arange(5) * 2.0).tolist())
