"""ELF header checks run before a file reaches the dynamic loader or the JIT linker.

``dlopen`` trusts its input: a truncated or corrupt library can crash the process. Checking the
header, and that every segment and section the header describes lies inside the file, turns the
common cases (truncated downloads, wrong files, other architectures) into an `FFIError`.
"""

from __future__ import annotations

import platform
import struct
import sys
from dataclasses import dataclass

from .errors import FFIError

ET_REL, ET_DYN = 1, 3
_PT_LOAD, _PT_DYNAMIC = 1, 2
_SHT_NOBITS = 8
_MACHINES = {"x86_64": 62, "amd64": 62, "aarch64": 183, "arm64": 183, "ppc64le": 21, "riscv64": 243}
_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")  # ELF64 file header, little-endian
_PHDR = struct.Struct("<IIQQQQQQ")
_SHDR = struct.Struct("<IIQQQQIIQQ")


@dataclass(frozen=True, slots=True)
class ElfInfo:
    """What the header check learned about a valid file."""

    elf_type: int
    machine: int
    size: int


def check_elf(data: bytes, expected_type: int, what: str) -> ElfInfo:
    """Check that `data` is a whole ELF64 file of `expected_type` for this machine.

    `what` names the file in messages. Raises `FFIError` saying what is wrong.
    """
    size = len(data)
    if size < _HEADER.size or data[:4] != b"\x7fELF":
        raise FFIError(f"{what} is not an ELF file (bad magic or too short: {size} bytes)")
    (
        ident,
        e_type,
        machine,
        _,
        _,
        phoff,
        shoff,
        _,
        ehsize,
        phentsize,
        phnum,
        shentsize,
        shnum,
        shstrndx,
    ) = _HEADER.unpack_from(data)
    if ident[4] != 2 or ident[5] != 1 or ident[6] != 1 or sys.byteorder != "little":
        raise FFIError(f"{what} is not a 64-bit little-endian ELF file of version 1")
    if e_type != expected_type:
        kinds = {ET_REL: "an object file", ET_DYN: "a shared library"}
        raise FFIError(
            f"{what} is not {kinds.get(expected_type, expected_type)} (ELF type {e_type})"
        )
    host = _MACHINES.get(platform.machine().lower())
    if host is not None and machine != host:
        raise FFIError(
            f"{what} is built for ELF machine {machine}, this host is {platform.machine()}"
        )
    if ehsize != _HEADER.size:
        raise FFIError(f"{what} has a corrupt ELF header (header size {ehsize})")
    _check_segments(data, phoff, phentsize, phnum, expected_type, what)
    _check_sections(data, shoff, shentsize, shnum, shstrndx, what)
    return ElfInfo(e_type, machine, size)


def _truncated(what: str, part: str, end: int, size: int) -> FFIError:
    return FFIError(
        f"{what} is truncated or corrupt: its {part} ends at byte {end}, the file has {size}"
    )


def _check_segments(data: bytes, off: int, entsize: int, num: int, e_type: int, what: str) -> None:
    if num == 0:
        if e_type == ET_DYN:
            raise FFIError(f"{what} has no program headers: not a loadable shared library")
        return
    if entsize != _PHDR.size:
        raise FFIError(f"{what} has a corrupt ELF header (program header size {entsize})")
    if off + num * entsize > len(data):
        raise _truncated(what, "program header table", off + num * entsize, len(data))
    dynamic = False
    for i in range(num):
        p_type, _, p_offset, _, _, p_filesz, _, _ = _PHDR.unpack_from(data, off + i * entsize)
        dynamic |= p_type == _PT_DYNAMIC
        if p_type in (_PT_LOAD, _PT_DYNAMIC) and p_offset + p_filesz > len(data):
            raise _truncated(what, f"segment {i}", p_offset + p_filesz, len(data))
    if e_type == ET_DYN and not dynamic:
        raise FFIError(f"{what} has no dynamic segment: not a shared library")


def _check_sections(data: bytes, off: int, entsize: int, num: int, strndx: int, what: str) -> None:
    if off == 0:
        return
    if entsize != _SHDR.size:
        raise FFIError(f"{what} has a corrupt ELF header (section header size {entsize})")
    if off + _SHDR.size > len(data):
        raise _truncated(what, "section header table", off + _SHDR.size, len(data))
    if num == 0:  # more than 0xff00 sections: the count lives in section 0
        num = _SHDR.unpack_from(data, off)[5]
    if off + num * entsize > len(data):
        raise _truncated(what, "section header table", off + num * entsize, len(data))
    if num and strndx != 0xFFFF and strndx >= num:
        raise FFIError(f"{what} has a corrupt ELF header (string table index {strndx})")
    for i in range(num):
        _, sh_type, _, _, sh_offset, sh_size, _, _, _, _ = _SHDR.unpack_from(
            data, off + i * entsize
        )
        if sh_type != _SHT_NOBITS and sh_offset + sh_size > len(data):
            raise _truncated(what, f"section {i}", sh_offset + sh_size, len(data))
