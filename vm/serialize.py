r"""The executable file format: one self-checking file that loads without the compiler.

Layout (integers little-endian)::

    offset  size  field
    0       8     MAGIC  b"\x89LOOMVM\n"
    8       4     format version (uint32), currently 1
    12      4     reserved, 0
    16      8     header size H in bytes (uint64)
    24      H     header: UTF-8 JSON (below)
    24+H    ...   payload: the binary sections, back to back
    end-32  32    SHA-256 of every byte before it

The header is an object with keys ``producer`` (informational), ``functions``, ``constants``,
``sections`` (a list of ``[offset, size]`` into the payload) and ``library`` (null, or
``{"suffix": ".so" | ".o", "section": i}``: the kernel library as `loom.ffi.Module.save`
writes it). A function is ``{"kind": "vm", "name", "params", "num_registers",
"instructions"}``, ``{"kind": "extern", "name"}`` or ``{"kind": "kernel", "name"}``; an
instruction is ``["call", dst, func, [arg...]]``, ``["ret", reg]``, ``["goto", offset]`` or
``["if", reg, offset]`` with args ``["reg" | "imm" | "const" | "func", int]``. A constant is
``{"kind": k, ...}`` with k one of ``int`` (value), ``float`` (hex: `float.hex`), ``bool``
(value), ``str`` (value), ``none``, ``dtype`` (value), ``shape`` (dims), ``tuple`` (fields),
``tensor`` (dtype, shape, section: the bytes of a ``.npy`` file, loaded without pickle).

Reading checks everything before use: magic, version, size, checksum, then every header field's
type, then the executable's own validation; any failure is a `VMError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import tempfile
from typing import Any

import numpy as np

from ..ffi import FFIError, NDArray, Shape, array, load_module
from ..ir import DataType, LoomError
from .errors import VMError
from .executable import Executable, ExternFunction, KernelFunction, VMFunction
from .isa import ARG_KINDS, Call, Goto, If, Ret

MAGIC = b"\x89LOOMVM\n"
FORMAT_VERSION = 1
_PREFIX = struct.Struct("<8sIIQ")
_DIGEST = 32


def write_executable(ex: Executable, path: str) -> None:
    """Write `ex` to `path` (atomically: a partial file never has the final name)."""
    from .. import __version__  # late: the root package imports this one while it initializes

    sections: list[bytes] = []
    header: dict[str, Any] = {
        "producer": f"loom {__version__}",
        "functions": [_function_json(f) for f in ex.functions],
        "constants": [_constant_json(c, sections) for c in ex.constants],
        "library": None,
    }
    if ex.kernels is not None:
        suffix, data = library_bytes(ex)
        header["library"] = {"suffix": suffix, "section": len(sections)}
        sections.append(data)
    offsets, position = [], 0
    for data in sections:
        offsets.append([position, len(data)])
        position += len(data)
    header["sections"] = offsets
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    body = b"".join([_PREFIX.pack(MAGIC, FORMAT_VERSION, 0, len(text)), text, *sections])
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".loom-vm-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body + hashlib.sha256(body).digest())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def library_bytes(ex: Executable) -> tuple[str, bytes]:
    """The kernel library as a file's bytes (suffix, data).

    A shared library where a C compiler can link one, else the object file; both load with
    `loom.ffi.load_module`.
    """
    if ex._library is not None:
        return ex._library
    assert ex.kernels is not None
    with tempfile.TemporaryDirectory(prefix="loom-vm-") as directory:
        for suffix in (".so", ".o"):
            path = os.path.join(directory, "kernels" + suffix)
            try:
                ex.kernels.save(path)
            except FFIError as err:
                last = err
                continue
            with open(path, "rb") as f:
                ex._library = (suffix, f.read())
            return ex._library
    raise VMError(f"cannot save the executable's kernel library: {last.message}")


def _function_json(entry: Any) -> dict[str, Any]:
    if isinstance(entry, VMFunction):
        return {
            "kind": "vm",
            "name": entry.name,
            "params": list(entry.params),
            "num_registers": entry.num_registers,
            "instructions": [_instruction_json(i) for i in entry.instructions],
        }
    kind = "extern" if isinstance(entry, ExternFunction) else "kernel"
    return {"kind": kind, "name": entry.name}


_ARG_NAMES = {cls: name for name, cls in ARG_KINDS.items()}


def _instruction_json(instr: Any) -> list[Any]:
    if isinstance(instr, Call):
        args = [
            [_ARG_NAMES[type(a)], a.index if hasattr(a, "index") else a.value] for a in instr.args
        ]
        return ["call", instr.dst, instr.func_index, args]
    if isinstance(instr, Ret):
        return ["ret", instr.result]
    if isinstance(instr, Goto):
        return ["goto", instr.offset]
    return ["if", instr.cond, instr.false_offset]


def _constant_json(value: Any, sections: list[bytes]) -> dict[str, Any]:
    if isinstance(value, NDArray):
        host = value.numpy()
        if value.dtype.kind == "bfloat":  # .npy has no bfloat16: store the bits
            host = host.view(np.uint16)
        out = io.BytesIO()
        np.save(out, np.ascontiguousarray(host), allow_pickle=False)
        sections.append(out.getvalue())
        return {
            "kind": "tensor",
            "dtype": str(value.dtype),
            "shape": list(value.shape),
            "section": len(sections) - 1,
        }
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    if isinstance(value, int):
        return {"kind": "int", "value": value}
    if isinstance(value, float):
        return {"kind": "float", "hex": value.hex()}
    if isinstance(value, str):
        return {"kind": "str", "value": value}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, DataType):
        return {"kind": "dtype", "value": str(value)}
    if isinstance(value, Shape):
        return {"kind": "shape", "dims": list(value)}
    assert isinstance(value, tuple), value  # the Executable admitted nothing else
    return {"kind": "tuple", "fields": [_constant_json(v, sections) for v in value]}


# -- reading ---------------------------------------------------------------------------------


def read_executable(path: str) -> Executable:
    """Read and check an executable file (see the module docstring)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise VMError(f"cannot read executable {path!r}: {err.strerror or err}") from None
    try:
        return _decode(data)
    except VMError as err:
        raise VMError(f"cannot load executable {path!r}: {err.message}") from None


def _decode(data: bytes) -> Executable:
    if len(data) < _PREFIX.size + _DIGEST:
        if not MAGIC.startswith(data[:8]):
            raise VMError("not a Loom VM executable (bad magic bytes)")
        raise VMError(f"the file is truncated ({len(data)} bytes)")
    magic, version, _, header_size = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise VMError("not a Loom VM executable (bad magic bytes)")
    if version != FORMAT_VERSION:
        raise VMError(
            f"format version {version} is not supported (this Loom reads version {FORMAT_VERSION})"
        )
    body, digest = data[:-_DIGEST], data[-_DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        raise VMError("the file is truncated or corrupted (checksum mismatch)")
    payload_start = _PREFIX.size + header_size
    if payload_start > len(body):
        raise VMError("the header runs past the end of the file")
    try:
        header = json.loads(body[_PREFIX.size : payload_start].decode())
    except (UnicodeDecodeError, ValueError) as err:
        raise VMError(f"the header is not valid JSON: {err}") from None
    return _HeaderReader(header, body[payload_start:]).executable()


class _HeaderReader:
    """Turns the JSON header (and payload) into an Executable, checking each field's type."""

    def __init__(self, header: Any, payload: bytes):
        self.header = _expect(header, dict, "the header")
        self.payload = payload
        self.sections = [self._section(s, i) for i, s in enumerate(self._list("sections"))]

    def _list(self, key: str) -> list[Any]:
        return _expect(self.header.get(key), list, f"header field {key!r}")

    def _section(self, item: Any, i: int) -> bytes:
        offset, size = _ints(item, 2, f"section {i}")
        if offset < 0 or size < 0 or offset + size > len(self.payload):
            raise VMError(f"section {i} lies outside the payload of {len(self.payload)} bytes")
        return self.payload[offset : offset + size]

    def _section_bytes(self, index: Any, what: str) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.sections):
            raise VMError(f"{what}: section index {index!r} is out of range")
        return self.sections[index]

    def executable(self) -> Executable:
        functions = [self._function(f, i) for i, f in enumerate(self._list("functions"))]
        constants = [
            self._constant(c, f"constant {i}") for i, c in enumerate(self._list("constants"))
        ]
        suffix, kernels = None, None
        library = self.header.get("library")
        if library is not None:
            library = _expect(library, dict, "header field 'library'")
            suffix = library.get("suffix")
            if suffix not in (".so", ".o"):
                raise VMError(f"unknown kernel library kind {suffix!r}")
            data = self._section_bytes(library.get("section"), "the kernel library")
            kernels = _load_library(suffix, data)
        try:
            ex = Executable(functions, constants, kernels)
        except VMError as err:
            raise VMError(f"invalid executable: {err.message}") from None
        if kernels is not None:
            ex._library = (suffix, data)  # type: ignore[assignment]
        return ex

    def _function(self, item: Any, i: int) -> Any:
        item = _expect(item, dict, f"function {i}")
        kind, name = item.get("kind"), _expect(item.get("name"), str, f"function {i}'s name")
        if kind == "extern":
            return ExternFunction(name)
        if kind == "kernel":
            return KernelFunction(name)
        if kind != "vm":
            raise VMError(f"function {i} has unknown kind {kind!r}")
        params = _expect(item.get("params"), list, f"function {name!r}'s params")
        if not all(isinstance(p, str) for p in params):
            raise VMError(f"function {name!r}'s params must be strings")
        num_registers = _expect(item.get("num_registers"), int, f"function {name!r}'s registers")
        code = _expect(item.get("instructions"), list, f"function {name!r}'s instructions")
        instructions = tuple(
            _instruction(x, f"function {name!r}, instruction {pc}") for pc, x in enumerate(code)
        )
        return VMFunction(name, tuple(params), num_registers, instructions)

    def _constant(self, item: Any, what: str) -> Any:
        item = _expect(item, dict, what)
        kind = item.get("kind")
        try:
            if kind == "tensor":
                return self._tensor(item, what)
            if kind == "tuple":
                fields = _expect(item.get("fields"), list, f"{what}'s fields")
                return tuple(self._constant(f, f"{what}[{i}]") for i, f in enumerate(fields))
            if kind in ("int", "bool", "str"):
                expected = {"int": int, "bool": bool, "str": str}[kind]
                return _expect(item.get("value"), expected, what)
            if kind == "float":
                return float.fromhex(_expect(item.get("hex"), str, what))
            if kind == "none":
                return None
            if kind == "dtype":
                return DataType.parse(_expect(item.get("value"), str, what))
            if kind == "shape":
                dims = _expect(item.get("dims"), list, what)
                return Shape(_ints(dims, len(dims), what))
        except (ValueError, LoomError) as err:
            raise VMError(f"{what} is malformed: {err}") from None
        raise VMError(f"{what} has unknown kind {kind!r}")

    def _tensor(self, item: dict[str, Any], what: str) -> NDArray:
        dtype = DataType.parse(_expect(item.get("dtype"), str, what))
        shape = _expect(item.get("shape"), list, what)
        data = self._section_bytes(item.get("section"), what)
        host = np.load(io.BytesIO(data), allow_pickle=False)
        if dtype.kind == "bfloat":
            host = host.view(dtype.numpy)
        if list(host.shape) != shape or host.dtype != dtype.numpy:
            raise VMError(
                f"{what}: the stored array ({host.dtype} {list(host.shape)}) does not match the "
                f"header ({dtype} {shape})"
            )
        return array(host)


def _load_library(suffix: str, data: bytes) -> Any:
    from ..ffi import jit_module  # registers the checked .so and .o loaders

    del jit_module
    with tempfile.TemporaryDirectory(prefix="loom-vm-") as directory:
        path = os.path.join(directory, "kernels" + suffix)
        with open(path, "wb") as f:
            f.write(data)
        try:
            return load_module(path)
        except LoomError as err:
            raise VMError(f"cannot load the kernel library: {err.message}") from None


def _expect(value: Any, kind: type, what: str) -> Any:
    if type(value) is not kind:
        raise VMError(f"{what} must be {kind.__name__}, got {type(value).__name__}")
    return value


def _ints(value: Any, count: int, what: str) -> tuple[int, ...]:
    if type(value) is not list or len(value) != count or any(type(v) is not int for v in value):
        raise VMError(f"{what} must be a list of {count} ints")
    return tuple(value)


def _instruction(item: Any, what: str) -> Any:
    if type(item) is not list or not item or type(item[0]) is not str:
        raise VMError(f"{what} is malformed")
    op, fields = item[0], item[1:]
    if op == "call":
        if len(fields) != 3 or type(fields[2]) is not list:
            raise VMError(f"{what}: call takes [dst, func, args]")
        dst, func = _ints(fields[:2], 2, what)
        return Call(dst, func, tuple(_arg(a, what) for a in fields[2]))
    classes = {"ret": Ret, "goto": Goto, "if": If}
    if op not in classes:
        raise VMError(f"{what}: unknown opcode {op!r}")
    cls = classes[op]
    return cls(*_ints(fields, 2 if cls is If else 1, what))


def _arg(item: Any, what: str) -> Any:
    if type(item) is not list or len(item) != 2 or item[0] not in ARG_KINDS:
        raise VMError(f"{what}: malformed operand {item!r}")
    if type(item[1]) is not int:
        raise VMError(f"{what}: operand {item!r} must hold an int")
    return ARG_KINDS[item[0]](item[1])
