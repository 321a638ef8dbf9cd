r"""The Loom C ABI: how Python, compiled CPU kernels and (later) GPU hosts call each other.

This docstring is the contract that code generators follow; `loom.ffi.C_HEADER` is the same
contract as C declarations, and the ctypes types below are its Python mirror.

**Values.** Every argument and result is a `LoomValue` plus an ``int32_t`` type code::

    typedef union { int64_t v_int64; double v_float64; void* v_handle; } LoomValue;  /* 8 bytes */

==== ============ ========================================================= =====================
code name         payload                                                   Python value
==== ============ ========================================================= =====================
0    INT          ``v_int64``                                               ``int``
1    UINT         ``v_int64`` holds the bits of a ``uint64_t``              ``int`` (>= 2**63)
2    FLOAT        ``v_float64``                                             ``float``
3    HANDLE       ``v_handle``: an opaque pointer, no ownership             ``ctypes.c_void_p``
4    NULL         nothing (``v_int64 == 0``)                                ``None``
5    DTYPE        the low 4 bytes hold a ``DLDataType``, the rest are 0     ``loom.DataType``
6    DEVICE       the 8 bytes hold a ``DLDevice`` {type, id}                ``Device``
7    DLTENSOR     ``v_handle``: a ``DLTensor*``                             ``NDArray``
8    OBJECT       ``v_handle``: a ``LoomObject*`` (header below)            `Shape`, a module, any
                                                                            other Python object
10   PACKED_FUNC  ``v_handle``: a ``LoomFunc*``                             ``PackedFunc``
11   STR          ``v_handle``: ``const char*``, NUL-terminated UTF-8       ``str``
12   BOOL         ``v_int64``: 0 or 1                                       ``bool``
==== ============ ========================================================= =====================

Code 9 is reserved. Python-side conversions (numpy arrays, tuples of ints, plain callables) are
described in `loom.ffi.convert`.

**Packed functions.** Every callable thing has one C signature::

    int32_t fn(LoomValue* args, int32_t* type_codes, int32_t num_args,
               LoomValue* ret, int32_t* ret_type_code, void* resource_handle);

- It returns 0 on success. On failure it calls ``LoomSetLastError(msg)`` and returns non-zero
  (use -1); the caller raises `FFIError` with that message. Python exceptions never cross C.
  The last error is kept per thread; when the failing call's thread has none (the message was
  set on a worker thread, e.g. by a parallel loop), the latest one from any thread is used.
- The caller sets ``*ret_type_code = 4`` (NULL) before the call; a callee that returns nothing
  leaves it. ``args`` and ``type_codes`` may be NULL when ``num_args == 0``.
- Arguments are borrowed for the duration of the call. A callee that keeps a handle (DLTensor,
  object, function) past its return must take a reference with ``LoomObjectRetain``.
- Results: scalars by value. A STR result (and a DLTENSOR that the runtime did not hand out,
  which a Python caller copies into a fresh NDArray) must stay valid until the callee's thread
  next calls into it or the runtime: use static or thread-local storage; the caller copies at
  once. A DLTENSOR, OBJECT or PACKED_FUNC result that the runtime handed out transfers one
  reference to the caller, who releases it with ``LoomObjectFree``.
- ``resource_handle`` is the value the function was created with: for a function of a library
  module, that module's OBJECT handle; for a Python function, private data of the runtime.

**DLTensor** is DLPack's, unchanged (``data``, ``device``, ``ndim``, ``dtype``, ``shape``,
``strides``, ``byte_offset``). Element 0 lives at ``data + byte_offset``; ``strides`` counts
elements and is NULL when the layout is compact row-major (Loom normalizes equivalent explicit
strides to NULL). Loom's own CPU allocations are 64-byte aligned with ``byte_offset == 0``; arrays
that arrive from numpy or another DLPack producer are only naturally aligned (the address is a
multiple of the element size), so a kernel that needs more must check, not assume. Device types:
kDLCPU = 1, kDLCUDA = 2. Type codes: int = 0, uint = 1, float = 2, handle = 3, bfloat = 4,
bool = 6 (8 bits).

**Handles.** A function handle points to ``LoomFunc``; call it as
``f->fn(args, codes, n, ret, ret_code, f->resource_handle)``. An object handle points to a
``LoomObject`` header whose ``type_index`` says what follows: 0 an opaque Python object (C may
only pass it on), 1 a shape (``LoomShape``: ``int32_t ndim`` after the type index, then
``int64_t* dims``), 2 a runtime module. C code may build a ``LoomShape`` itself and pass or
return it; the runtime copies shapes it did not make.

**Runtime functions** (addresses from `loom.ffi.runtime_symbols`; each one returning ``int32_t``
returns 0, or -1 with the last error set; all may be called from any thread and take the GIL
themselves)::

    void    LoomSetLastError(const char* msg);
    int32_t LoomCallPacked(const char* name, LoomValue* args, int32_t* codes, int32_t n,
                           LoomValue* ret, int32_t* ret_code);    /* global function by name */
    int32_t LoomGetGlobalFunc(const char* name, LoomFunc** out); /* handle valid for the process */
    int32_t LoomFuncCall(LoomFunc* f, LoomValue* args, int32_t* codes, int32_t n,
                         LoomValue* ret, int32_t* ret_code);
    int32_t LoomModuleGetFunction(LoomObject* module, const char* name, int32_t query_imports,
                                  LoomFunc** out);              /* NULL when missing, returns 0 */
    int32_t LoomObjectRetain(void* handle);
    int32_t LoomObjectFree(void* handle);

JIT code (llvmlite MCJIT) may reference them by name after ``llvmlite.binding.add_symbol(name,
address)``. A shared library cannot: no runtime library exists to link against, so it defines
one pointer variable per runtime function it uses, named ``__loom_fp_<name>`` (e.g.
``void* __loom_fp_LoomSetLastError = 0;``), and calls through it; the loader writes every such
variable it finds before any function of the library runs (`fill_runtime_pointers`).

**Module exports.** A library (or object file) exposes its packed functions through
``const char __loom_func_names[]``: UTF-8 text whose first line is ``loom-funcs-v1``, then one
line per function, ``name`` when its symbol is the name itself or ``name<TAB>symbol``, each
line ending in ``\n``; each symbol is a packed function. An optional ``void*
__loom_module_ctx`` receives the module's OBJECT handle (its functions' ``resource_handle``).
Use `encode_func_table` to produce the text and `parse_func_table` to read it.

**Threads.** Compiled functions called from Python run with the GIL released, so they may run
in parallel with other Python threads; callbacks into Python take the GIL back.
"""

from __future__ import annotations

import ctypes
from enum import IntEnum


class TypeCode(IntEnum):
    """The type code that travels beside each `LoomValue` (see the module docstring)."""

    INT = 0
    UINT = 1
    FLOAT = 2
    HANDLE = 3
    NULL = 4
    DTYPE = 5
    DEVICE = 6
    DLTENSOR = 7
    OBJECT = 8
    PACKED_FUNC = 10
    STR = 11
    BOOL = 12


class ObjectType(IntEnum):
    """The ``type_index`` in the header of an OBJECT handle."""

    OPAQUE = 0
    SHAPE = 1
    MODULE = 2


class DLDeviceType(IntEnum):
    """DLPack device types that Loom names (others pass through as plain numbers)."""

    CPU = 1
    CUDA = 2
    CUDA_HOST = 3
    CUDA_MANAGED = 13


class DLDataTypeCode(IntEnum):
    """DLPack element type codes."""

    INT = 0
    UINT = 1
    FLOAT = 2
    OPAQUE_HANDLE = 3
    BFLOAT = 4
    COMPLEX = 5
    BOOL = 6


class LoomValue(ctypes.Union):
    """One packed argument or result: 8 bytes, read according to its type code."""

    _fields_ = (
        ("v_int64", ctypes.c_int64),
        ("v_float64", ctypes.c_double),
        ("v_handle", ctypes.c_void_p),
    )


class DLDevice(ctypes.Structure):
    """DLPack's device: a device type and an ordinal."""

    _fields_ = (("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32))


class DLDataType(ctypes.Structure):
    """DLPack's element type: type code, bits per lane, lanes."""

    _fields_ = (("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16))


class DLTensor(ctypes.Structure):
    """DLPack's tensor descriptor; Loom passes ``DLTensor*`` for every array argument."""

    _fields_ = (
        ("data", ctypes.c_void_p),
        ("device", DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    )


class DLPackVersion(ctypes.Structure):
    """DLPack's ABI version, carried by versioned managed tensors."""

    _fields_ = (("major", ctypes.c_uint32), ("minor", ctypes.c_uint32))


DLPACK_VERSION = (1, 1)
DLPACK_FLAG_READ_ONLY = 1
DLPACK_FLAG_IS_COPIED = 2

#: ``void (*deleter)(DLManagedTensor*)``, typed loosely so both managed-tensor kinds share it.
DLPackDeleter = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class DLManagedTensor(ctypes.Structure):
    """DLPack's pre-1.0 owned tensor (capsule name ``dltensor``)."""

    _fields_ = (
        ("dl_tensor", DLTensor),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", ctypes.c_void_p),
    )


class DLManagedTensorVersioned(ctypes.Structure):
    """DLPack 1.x owned tensor (capsule name ``dltensor_versioned``)."""

    _fields_ = (
        ("version", DLPackVersion),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", ctypes.c_void_p),
        ("flags", ctypes.c_uint64),
        ("dl_tensor", DLTensor),
    )


#: The packed-function C signature, with pointer parameters typed for cheap calls from Python.
PackedCFunc = ctypes.CFUNCTYPE(
    ctypes.c_int32,
    ctypes.c_void_p,  # LoomValue* args
    ctypes.c_void_p,  # int32_t* type_codes
    ctypes.c_int32,  # num_args
    ctypes.c_void_p,  # LoomValue* ret
    ctypes.c_void_p,  # int32_t* ret_type_code
    ctypes.c_void_p,  # void* resource_handle
)


class LoomFunc(ctypes.Structure):
    """What a PACKED_FUNC handle points to: the function and the resource handle to pass it."""

    _fields_ = (("fn", ctypes.c_void_p), ("resource_handle", ctypes.c_void_p))


class LoomObject(ctypes.Structure):
    """The header that every OBJECT handle points to."""

    _fields_ = (("type_index", ctypes.c_int32), ("reserved", ctypes.c_int32))


class LoomShape(ctypes.Structure):
    """An OBJECT of type `ObjectType.SHAPE`: a header, then the rank and the dimensions."""

    _fields_ = (
        ("type_index", ctypes.c_int32),
        ("ndim", ctypes.c_int32),
        ("dims", ctypes.POINTER(ctypes.c_int64)),
    )


FUNC_TABLE_SYMBOL = "__loom_func_names"
FUNC_TABLE_HEADER = "loom-funcs-v1"
MODULE_CTX_SYMBOL = "__loom_module_ctx"
RUNTIME_POINTER_PREFIX = "__loom_fp_"


def encode_func_table(functions: dict[str, str] | list[str]) -> bytes:
    """Build the ``__loom_func_names`` text (with its NUL) for function names to symbols.

    A list means every function's symbol is its name.
    """
    from .errors import FFIError

    pairs = functions.items() if isinstance(functions, dict) else ((n, n) for n in functions)
    lines = [FUNC_TABLE_HEADER]
    for name, symbol in pairs:
        for part in (name, symbol):
            if not part or any(c in part for c in "\t\n\0"):
                raise FFIError(f"invalid exported function name or symbol {part!r}")
        lines.append(name if name == symbol else f"{name}\t{symbol}")
    return ("\n".join(lines) + "\n").encode() + b"\0"


def parse_func_table(raw: bytes) -> dict[str, str]:
    """Read the ``__loom_func_names`` text (without its NUL) into function names to symbols."""
    from .errors import FFIError

    try:
        text = raw.decode()
    except UnicodeDecodeError as err:
        raise FFIError(f"{FUNC_TABLE_SYMBOL} is not UTF-8 text: {err}") from None
    lines = text.split("\n")
    if lines[0] != FUNC_TABLE_HEADER or lines[-1] != "":
        raise FFIError(
            f"{FUNC_TABLE_SYMBOL} does not start with {FUNC_TABLE_HEADER!r} or lacks a final "
            f"newline (found {text[:40]!r}): the module was built for another runtime version"
        )
    table: dict[str, str] = {}
    for line in lines[1:-1]:
        name, _, symbol = line.partition("\t")
        if not name or name in table:
            raise FFIError(f"{FUNC_TABLE_SYMBOL} has an empty or repeated entry {line!r}")
        table[name] = symbol or name
    return table
