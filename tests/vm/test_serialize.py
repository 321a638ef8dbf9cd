"""The executable file: save then load (in this process and in a fresh one) runs the same; any
truncation or corruption, a foreign file or a newer format version is a VMError."""

import ast
import hashlib
import json
import struct
import subprocess
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import loom
from loom.ffi import FFIError, Shape, array
from loom.ir import DataType, LoomError
from loom.vm import FORMAT_VERSION, MAGIC, Executable, ExecutableBuilder, VirtualMachine, VMError

CONSTANTS = [
    np.arange(6, dtype="float32").reshape(2, 3),
    np.array([1.5, -2.25], dtype=ml_dtypes.bfloat16),
    0.1,
    float("inf"),
    -(2**40),
    True,
    "text",
    None,
    DataType.parse("float16"),
    Shape((4, 5)),
    (1, ("a", Shape(()))),
]


def program(kernels):
    """main(x, y) -> (x + w + y, every constant): w is a tensor constant of the pool."""
    b = ExecutableBuilder()
    f = b.function("main", ["x", "y"])
    x, y = f.params
    w = np.full(3, 0.5, "float32")
    tmp = f.builtin("alloc_tensor_direct", f.builtin("shape_of", x), "float32", 0)
    out = f.builtin("alloc_tensor_direct", f.builtin("shape_of", x), "float32", 0)
    f.kernel("add", x, w, tmp)
    f.kernel("add", tmp, y, out)
    consts = [f.builtin("prim_value", 1)] + [f.builtin("make_tuple", c) for c in CONSTANTS]
    f.ret(f.builtin("make_tuple", out, *consts))
    return b.build(kernels)


def inputs():
    return np.array([1, 2, 3], "float32"), np.array([10, 20, 30], "float32")


def check_result(result):
    np.testing.assert_array_equal(result[0].numpy(), [11.5, 22.5, 33.5])
    got = [c[0] for c in result[2:]]
    np.testing.assert_array_equal(got[0].numpy(), CONSTANTS[0])
    assert str(got[1].dtype) == "bfloat16"
    np.testing.assert_array_equal(got[1].numpy().astype("float32"), [1.5, -2.25])
    assert got[2:] == CONSTANTS[2:]
    assert [type(v) for v in got[2:]] == [type(v) for v in CONSTANTS[2:]]


@pytest.fixture(scope="module")
def saved(kernels, tmp_path_factory):
    path = tmp_path_factory.mktemp("vm") / "program.lvm"
    program(kernels).save(path)
    return path


def test_save_load_in_process(kernels, saved):
    ex = Executable.load(saved)
    assert ex.as_text() == program(kernels).as_text()
    check_result(VirtualMachine(ex, loom.cpu())["main"](*inputs()))
    ex.save(saved.with_suffix(".again"))  # a loaded executable saves again, byte for byte
    assert saved.with_suffix(".again").read_bytes() == saved.read_bytes()


CHILD = """
import sys
import numpy as np
from loom.vm import Executable, VirtualMachine
import loom
ex = Executable.load(sys.argv[1])
result = VirtualMachine(ex, loom.cpu())["main"](np.array([1, 2, 3], "float32"),
                                                np.array([10, 20, 30], "float32"))
np.save(sys.argv[2], result[0].numpy())
print(ex.as_text())
"""


def test_load_in_a_fresh_process(kernels, saved, tmp_path):
    out = tmp_path / "out.npy"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(saved), str(out)], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(out), [11.5, 22.5, 33.5])
    assert program(kernels).as_text() in proc.stdout


def test_object_file_library_when_no_shared_library(kernels, tmp_path, monkeypatch):
    ex = program(kernels)
    save = type(kernels).save

    def no_linker(self, path):
        if str(path).endswith(".so"):
            raise FFIError("no C compiler")
        save(self, path)

    monkeypatch.setattr(type(kernels), "save", no_linker)
    ex.save(tmp_path / "o.lvm")
    loaded = Executable.load(tmp_path / "o.lvm")
    assert loaded._library[0] == ".o"
    check_result(VirtualMachine(loaded, loom.cpu())["main"](*inputs()))


def test_truncated_files(saved, tmp_path):
    data = saved.read_bytes()
    for size in (0, 5, 8, 30, len(data) // 2, len(data) - 1):
        path = tmp_path / f"cut{size}.lvm"
        path.write_bytes(data[:size])
        with pytest.raises(VMError, match=r"truncated|bad magic"):
            Executable.load(path)


@pytest.mark.parametrize("where", [0, 9, 30, -2000, -40, -1])
def test_corrupted_files(saved, tmp_path, where):
    data = bytearray(saved.read_bytes())
    data[where] ^= 0x5A
    path = tmp_path / "bad.lvm"
    path.write_bytes(bytes(data))
    with pytest.raises(VMError, match=r"cannot load executable '.*bad\.lvm': "):
        Executable.load(path)


def rewrite(saved, tmp_path, edit_header=None, version=FORMAT_VERSION):
    """A copy of the saved file with the header edited, re-sealed with a valid checksum."""
    data = saved.read_bytes()[:-32]
    _, _, _, size = struct.unpack_from("<8sIIQ", data)
    header = json.loads(data[24 : 24 + size])
    if edit_header:
        edit_header(header)
    text = json.dumps(header).encode()
    body = struct.pack("<8sIIQ", MAGIC, version, 0, len(text)) + text + data[24 + size :]
    path = tmp_path / "edited.lvm"
    path.write_bytes(body + hashlib.sha256(body).digest())
    return path


def test_other_format_version(saved, tmp_path):
    with pytest.raises(VMError, match="format version 2 is not supported"):
        Executable.load(rewrite(saved, tmp_path, version=FORMAT_VERSION + 1))


def vm_function(header):
    return next(f for f in header["functions"] if f["kind"] == "vm")


def tensor(header):
    return next(c for c in header["constants"] if c["kind"] == "tensor")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda h: vm_function(h)["instructions"].insert(0, ["ret", 99]), "not a register"),
        (lambda h: vm_function(h)["instructions"].insert(0, ["jump", 1]), "unknown opcode"),
        (lambda h: vm_function(h).update(num_registers="9"), "must be int"),
        (lambda h: tensor(h).update(section=99), "section index 99 is out of range"),
        (lambda h: tensor(h).update(shape=[3, 2]), "does not match the header"),
        (lambda h: h["constants"].append({"kind": "pickle"}), "unknown kind 'pickle'"),
        (lambda h: h["sections"].append([0, 10**9]), "outside the payload"),
        (lambda h: h["functions"].append({"kind": "kernel", "name": "nope"}),
         "kernel library does not define 'nope'"),
        (lambda h: h.update(functions=None), "must be list"),
    ],
)  # fmt: skip
def test_well_sealed_but_invalid_headers(saved, tmp_path, edit, message):
    with pytest.raises(VMError, match=message):
        Executable.load(rewrite(saved, tmp_path, edit))


def test_missing_file_and_foreign_file(tmp_path):
    with pytest.raises(VMError, match="cannot read executable"):
        Executable.load(tmp_path / "missing.lvm")
    foreign = tmp_path / "foreign.lvm"
    foreign.write_bytes(b"\x7fELF" + bytes(100))
    with pytest.raises(VMError, match="bad magic bytes"):
        Executable.load(foreign)


def test_errors_are_loom_errors(saved, tmp_path):
    path = tmp_path / "cut.lvm"
    path.write_bytes(saved.read_bytes()[:100])
    with pytest.raises(LoomError):
        Executable.load(path)


def test_the_runtime_does_not_import_the_compiler():
    """Loading and running need no compiler: the runtime part of loom/vm (all but its bytecode
    compiler) imports neither codegen nor transform nor the bytecode compiler."""
    root = Path(loom.__file__).parent / "vm"
    for path in root.rglob("*.py"):
        if "compiler" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [a.name for a in node.names]
                assert not any(
                    w in n for n in names for w in ("codegen", "transform", "compiler")
                ), path


def test_constants_round_trip_through_a_file(tmp_path):
    b = ExecutableBuilder()
    f = b.function("main", [])
    f.ret(f.builtin("make_tuple", *[b.const(c) for c in CONSTANTS[2:]]))
    b.const(array(np.zeros((0, 3), "int8")))
    path = tmp_path / "c.lvm"
    b.build().save(path)
    ex = Executable.load(path)
    assert ex.constants[-1].shape == (0, 3)
    assert VirtualMachine(ex, loom.cpu())["main"]() == tuple(CONSTANTS[2:])
