"""`PackedFunc`: one callable type for Python functions and native code behind the packed C ABI.

A `PythonFunc` wraps a Python callable; native code calls it through one ctypes trampoline. A
`NativeFunc` wraps a C function pointer; calling it packs the arguments into reusable buffers
and makes one ctypes call, with the GIL released.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

from ..ir import LoomError
from . import handles
from .abi import LoomFunc, PackedCFunc
from .convert import finish_copy_back, normalize, pack_return, pack_slow, unpack
from .errors import FFIError, error_from_native, set_last_error
from .ndarray import NDArray

_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


class PackedFunc:
    """Anything callable through the packed convention; call it like a Python function.

    ``handle`` is its PACKED_FUNC handle (a ``LoomFunc*``) for native code; it is valid while
    this object lives.
    """

    __slots__ = ("__weakref__", "_c", "name")

    name: str
    _c: LoomFunc | None

    def __call__(self, *args: Any) -> Any:
        """Call with Python values; the result comes back as a Python value."""
        raise NotImplementedError

    def _make_c(self) -> LoomFunc:
        """The `LoomFunc` (function pointer and resource handle) that native callers use."""
        raise NotImplementedError

    @property
    def handle(self) -> int:
        """The address of this function's `LoomFunc`, built on first use."""
        c = self._c
        if c is None:
            c = self._c = self._make_c()
            handles.register(ctypes.addressof(c), self)
        return ctypes.addressof(c)

    @property
    def is_native(self) -> bool:
        """Whether calling this enters native code."""
        return isinstance(self, NativeFunc)

    def __repr__(self) -> str:
        kind = "native" if self.is_native else "python"
        return f"<PackedFunc {self.name} ({kind})>"


class PythonFunc(PackedFunc):
    """A Python callable as a packed function.

    Called from Python, it receives normalized arguments (numpy arrays as NDArrays, tuples of
    ints as Shapes: `loom.ffi.convert`), exactly what native callers would hand it.
    """

    __slots__ = ("func",)

    def __init__(self, func: Callable[..., Any], name: str | None = None):
        if not callable(func):
            raise FFIError(f"cannot make a packed function of non-callable {func!r}")
        self.func = func
        self.name = name or getattr(func, "__qualname__", None) or repr(func)
        self._c = None

    def __call__(self, *args: Any) -> Any:
        """Call the wrapped function with normalized arguments; normalize its result."""
        copy_back: list = []
        result = self.func(*[normalize(a, copy_back) for a in args])
        if copy_back:
            finish_copy_back(copy_back)
        return normalize(result, [])

    def _make_c(self) -> LoomFunc:
        c = LoomFunc(_TRAMPOLINE_ADDRESS, 0)
        c.resource_handle = ctypes.addressof(c)  # the trampoline finds us through our handle
        return c


class _ArgBuffer:
    """Argument slots, type codes and the result slot of one call, in one allocation."""

    __slots__ = (
        "args_addr",
        "capacity",
        "codes",
        "codes_addr",
        "floats",
        "ints",
        "raw",
        "ret_addr",
        "ret_code",
        "ret_code_addr",
        "ret_floats",
        "ret_ints",
    )

    def __init__(self, capacity: int):
        code_words = (capacity + 1) // 2  # int32 codes, two per 8-byte word
        raw = (ctypes.c_int64 * (capacity + code_words + 2))()
        ret_offset = 8 * (capacity + code_words)
        self.raw, self.capacity = raw, capacity
        self.ints = (ctypes.c_int64 * capacity).from_buffer(raw)
        self.floats = (ctypes.c_double * capacity).from_buffer(raw)
        self.codes = (ctypes.c_int32 * capacity).from_buffer(raw, 8 * capacity)
        self.ret_ints = (ctypes.c_int64 * 1).from_buffer(raw, ret_offset)
        self.ret_floats = (ctypes.c_double * 1).from_buffer(raw, ret_offset)
        self.ret_code = (ctypes.c_int32 * 1).from_buffer(raw, ret_offset + 8)
        base = ctypes.addressof(raw)
        self.args_addr, self.codes_addr = base, base + 8 * capacity
        self.ret_addr, self.ret_code_addr = base + ret_offset, base + ret_offset + 8


class NativeFunc(PackedFunc):
    """A C function with the packed signature, at `address`.

    `resource_handle` is passed as the last argument on every call; `keep_alive` (a library,
    a JIT engine, a module) is held so the code cannot be unloaded while this object lives.
    """

    __slots__ = ("_fn", "_free", "address", "keep_alive", "resource_handle")

    def __init__(
        self, address: int, resource_handle: int = 0, keep_alive: Any = None, name: str = ""
    ):
        if not address:
            raise FFIError(f"NULL function pointer for native function {name!r}")
        self.address, self.resource_handle, self.keep_alive = address, resource_handle, keep_alive
        self.name = name or f"<native {address:#x}>"
        self._fn = PackedCFunc(address)
        self._free: list[_ArgBuffer] = []
        self._c = None

    def _make_c(self) -> LoomFunc:
        return LoomFunc(self.address, self.resource_handle)

    def __call__(self, *args: Any) -> Any:
        """Pack the arguments, call the C function (GIL released), unpack its result."""
        n = len(args)
        free = self._free
        # Buffers are taken from a free list, so recursive and concurrent calls never share one.
        buf = free.pop() if free else _ArgBuffer(max(n, 4))
        if buf.capacity < n:
            buf = _ArgBuffer(n)
        ints, floats, codes = buf.ints, buf.floats, buf.codes
        keep: list[Any] | None = None
        copy_back: list[Any] | None = None
        try:
            for i, a in enumerate(args):
                t = type(a)
                if t is NDArray:
                    ints[i] = a._handle
                    codes[i] = 7
                elif t is int and _I64_MIN <= a <= _I64_MAX:
                    ints[i] = a
                    codes[i] = 0
                elif t is float:
                    floats[i] = a
                    codes[i] = 2
                else:
                    if keep is None or copy_back is None:
                        keep, copy_back = [], []
                    _pack_arg(self.name, a, i, buf, keep, copy_back)
            buf.ret_code[0] = 4
            rc = self._fn(
                buf.args_addr,
                buf.codes_addr,
                n,
                buf.ret_addr,
                buf.ret_code_addr,
                self.resource_handle,
            )
            if rc != 0:
                raise error_from_native(self.name, rc)
            code = buf.ret_code[0]
            result = None if code == 4 else unpack(code, buf.ret_ints[0], buf.ret_floats, 0, True)
        finally:
            free.append(buf)
        if copy_back:
            finish_copy_back(copy_back)
        return result


def _pack_arg(name: str, value: Any, i: int, buf: _ArgBuffer, keep: list, copy_back: list) -> None:
    try:
        pack_slow(value, i, buf.ints, buf.floats, buf.codes, keep, copy_back)
    except LoomError as err:
        raise FFIError(f"argument {i} of {name}: {err.message}") from None
    except (TypeError, ValueError, UnicodeError) as err:
        raise FFIError(f"argument {i} of {name}: {type(err).__name__}: {err}") from None


def unpack_args(args: int | None, codes: int | None, n: int) -> list[Any]:
    """Read `n` borrowed arguments that native code passed."""
    if n < 0 or (n and (not args or not codes)):
        raise FFIError(f"malformed packed call: {n} arguments at {args!r}, codes at {codes!r}")
    if n == 0:
        return []
    ints = (ctypes.c_int64 * n).from_address(args)  # type: ignore[arg-type]
    floats = (ctypes.c_double * n).from_address(args)  # type: ignore[arg-type]
    types = (ctypes.c_int32 * n).from_address(codes)  # type: ignore[arg-type]
    return [unpack(types[i], ints[i], floats, i, False) for i in range(n)]


def describe(err: BaseException) -> str:
    """The message that an exception leaves in the last-error slot when it meets native code."""
    if isinstance(err, FFIError):
        return err.message
    text = err.message if isinstance(err, LoomError) else str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def call_from_native(
    func: PackedFunc,
    args: int | None,
    codes: int | None,
    n: int,
    ret: int | None,
    ret_code: int | None,
) -> int:
    """Run `func` for a native caller; return the status code (never raises)."""
    try:
        if isinstance(func, NativeFunc):
            return func._fn(args, codes, n, ret, ret_code, func.resource_handle)
        result = func.func(*unpack_args(args, codes, n))  # type: ignore[attr-defined]
        if ret and ret_code:
            pack_return(result, ret, ret_code)
        return 0
    except BaseException as err:  # nothing may unwind into C
        set_last_error(describe(err), err)
        return -1


@PackedCFunc
def _python_trampoline(
    args: int | None,
    codes: int | None,
    n: int,
    ret: int | None,
    ret_code: int | None,
    resource: int | None,
) -> int:
    func = handles.lookup(resource or 0)
    if not isinstance(func, PythonFunc):
        set_last_error(f"function handle {resource!r} does not name a live Python function")
        return -1
    return call_from_native(func, args, codes, n, ret, ret_code)


_TRAMPOLINE_ADDRESS: int = ctypes.cast(_python_trampoline, ctypes.c_void_p).value  # type: ignore[assignment]
