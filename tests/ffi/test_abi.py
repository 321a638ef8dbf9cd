"""The ABI's pieces on their own: the function table text, ELF checks, runtime entry points."""

import ctypes

import pytest

from loom.ffi import (
    ET_DYN,
    ET_REL,
    FFIError,
    PythonFunc,
    TypeCode,
    check_elf,
    encode_func_table,
    parse_func_table,
    runtime_symbols,
)
from loom.ffi.errors import take_last_error
from loom.ffi.handles import owned_count


def test_type_codes_are_the_documented_numbers():
    assert {c.name: int(c) for c in TypeCode} == {
        "INT": 0,
        "UINT": 1,
        "FLOAT": 2,
        "HANDLE": 3,
        "NULL": 4,
        "DTYPE": 5,
        "DEVICE": 6,
        "DLTENSOR": 7,
        "OBJECT": 8,
        "PACKED_FUNC": 10,
        "STR": 11,
        "BOOL": 12,
    }


def test_func_table_round_trip():
    raw = encode_func_table({"main": "main", "vm.builtin.add": "loom_builtin_add"})
    assert raw == b"loom-funcs-v1\nmain\nvm.builtin.add\tloom_builtin_add\n\0"
    assert parse_func_table(raw[:-1]) == {"main": "main", "vm.builtin.add": "loom_builtin_add"}
    assert parse_func_table(encode_func_table(["a", "b"])[:-1]) == {"a": "a", "b": "b"}
    assert parse_func_table(encode_func_table([])[:-1]) == {}


def test_func_table_rejects_bad_text():
    with pytest.raises(FFIError, match="invalid exported function name"):
        encode_func_table(["has\nnewline"])
    with pytest.raises(FFIError, match="does not start with 'loom-funcs-v1'"):
        parse_func_table(b"main\n")
    with pytest.raises(FFIError, match="lacks a final newline"):
        parse_func_table(b"loom-funcs-v1\nmain")
    with pytest.raises(FFIError, match="repeated entry"):
        parse_func_table(b"loom-funcs-v1\nf\nf\n")
    with pytest.raises(FFIError, match="not UTF-8"):
        parse_func_table(b"loom-funcs-v1\n\xff\n")


def test_check_elf_on_object_and_shared_files(build_c, kernels_path):
    obj = build_c("kernels.c", "kernels.o", kind="object").read_bytes()
    assert check_elf(obj, ET_REL, "object").elf_type == ET_REL
    with pytest.raises(FFIError, match="is not a shared library"):
        check_elf(obj, ET_DYN, "object")
    with pytest.raises(FFIError, match="truncated or corrupt"):
        check_elf(obj[: len(obj) - 10], ET_REL, "object")
    assert check_elf(kernels_path.read_bytes(), ET_DYN, "lib").size == kernels_path.stat().st_size


def _entry(name, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(runtime_symbols()[name])


def test_set_last_error_entry_point():
    _entry("LoomSetLastError", None, ctypes.c_char_p)(b"set from C")
    assert take_last_error() == ("set from C", None)
    assert take_last_error() == (None, None)


def test_retain_and_free_entry_points():
    retain = _entry("LoomObjectRetain", ctypes.c_int32, ctypes.c_void_p)
    free = _entry("LoomObjectFree", ctypes.c_int32, ctypes.c_void_p)
    f = PythonFunc(lambda: None)
    assert retain(f.handle) == 0
    assert retain(f.handle) == 0
    assert owned_count(f.handle) == 2
    assert free(f.handle) == 0
    assert free(f.handle) == 0
    assert owned_count(f.handle) == 0
    assert free(f.handle) == 0  # freeing what C does not own is harmless
    assert retain(12345) == -1
    assert "unknown to the runtime" in take_last_error()[0]


def test_func_call_entry_point_with_python_function():
    call = _entry(
        "LoomFuncCall",
        ctypes.c_int32,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_int32,
        ctypes.c_void_p,
        ctypes.c_void_p,
    )
    f = PythonFunc(lambda a, b: a - b)
    args = (ctypes.c_int64 * 2)(10, 3)
    codes = (ctypes.c_int32 * 2)(0, 0)
    ret = ctypes.c_int64(0)
    ret_code = ctypes.c_int32(4)
    rc = call(f.handle, args, codes, 2, ctypes.byref(ret), ctypes.byref(ret_code))
    assert (rc, ret.value, ret_code.value) == (0, 7, 0)
    bad_codes = (ctypes.c_int32 * 2)(0, 99)
    assert call(f.handle, args, bad_codes, 2, ctypes.byref(ret), ctypes.byref(ret_code)) == -1
    assert take_last_error()[0] == "unknown type code 99 in a packed call"
    assert call(None, None, None, 0, None, None) == -1
    assert "NULL function handle" in take_last_error()[0]


def test_module_get_function_entry_point(kernels):
    get = _entry(
        "LoomModuleGetFunction",
        ctypes.c_int32,
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int32,
        ctypes.c_void_p,
    )
    out = ctypes.c_void_p(0)
    assert get(kernels.handle, b"renamed", 1, ctypes.byref(out)) == 0
    assert out.value == kernels["renamed"].handle
    assert get(kernels.handle, b"absent", 1, ctypes.byref(out)) == 0
    assert out.value is None
    f = PythonFunc(lambda: None)
    assert get(f.handle, b"renamed", 1, ctypes.byref(out)) == -1
    assert "is not a live module handle" in take_last_error()[0]
