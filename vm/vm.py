"""`VirtualMachine`: runs an `Executable` on devices; ``vm["main"](*args)`` calls a function.

Creating a VM resolves the function table once (packed functions from the global registry,
kernels from the executable's library, builtins to their Python implementations), copies the
constants to the device and decodes every VM function (`loom.vm.interpreter`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter_ns
from typing import Any

import numpy as np

from ..ffi import (
    Device,
    FFIError,
    NDArray,
    PackedFunc,
    Shape,
    array,
    from_dlpack,
    get_global_func,
)
from ..ffi import device as parse_device
from . import builtins
from .errors import VMError
from .executable import Executable, ExternFunction, KernelFunction, VMFunction
from .interpreter import CallState, DecodedFunction, decode, function_value
from .profiler import ProfileRecorder, ProfileReport
from .values import Closure, Storage, describe_value

DEFAULT_MAX_CALL_DEPTH = 200
"""How deep VM functions may call each other (each level takes a few Python frames)."""


@dataclass(frozen=True)
class Callee:
    """One resolved function-table entry: what ``call`` invokes and what ``FuncIdx`` yields."""

    name: str
    kind: str  # "vm", "builtin", "extern" or "kernel"
    func: Callable[..., Any]
    value: Any


class VirtualMachine:
    """Runs the VM functions of an executable.

    Args:
        executable: what to run.
        device: the device (or devices; ``device_index`` in builtins indexes them) that
            tensors are allocated on; default ``cpu()``.
        max_call_depth: the deepest VM-function recursion allowed before a `VMError`.

    Raises:
        VMError: a packed function the executable names is not registered, or a kernel is
            missing from its library.

    A VM runs one call at a time (its call-depth counter is shared); use one VM per thread.
    """

    def __init__(
        self,
        executable: Executable,
        device: Device | str | Sequence[Device | str] | None = None,
        *,
        max_call_depth: int = DEFAULT_MAX_CALL_DEPTH,
    ):
        if not isinstance(executable, Executable):
            raise VMError(f"VirtualMachine runs an Executable, got {type(executable).__name__}")
        self.executable = executable
        self.devices = _devices(device)
        self._state = CallState(max_call_depth)
        self._callees = _resolve(executable, self.devices)
        self._constants = [_to_device(c, self.devices[0]) for c in executable.constants]
        self._decoded = self._decode(None)
        self._recorder: ProfileRecorder | None = None
        self._profiled: dict[str, DecodedFunction] | None = None

    @property
    def function_names(self) -> list[str]:
        """The VM functions that can be called."""
        return self.executable.vm_function_names

    def __getitem__(self, name: str) -> VMFunctionHandle:
        function = self.executable[name]  # a VMError listing the functions if there is none
        return VMFunctionHandle(self, function, self._decoded[name].entry)

    def invoke(self, name: str, *args: Any) -> Any:
        """``vm[name](*args)``."""
        return self[name](*args)

    def profile(self, name: str, *args: Any) -> ProfileReport:
        """Run ``vm[name](*args)`` once, timing every kernel and packed-function call."""
        if self._profiled is None:
            self._recorder = ProfileRecorder()
            self._profiled = self._decode(self._recorder)
        assert self._recorder is not None
        fn = self.executable[name]
        entry = self._profiled[name].entry
        converted = _convert_args(fn, args)
        self._recorder.reset()
        start = perf_counter_ns()
        result = entry(*converted)
        total = (perf_counter_ns() - start) / 1e9
        return ProfileReport(name, tuple(self._recorder.rows()), total, result)

    def _decode(self, recorder: ProfileRecorder | None) -> dict[str, DecodedFunction]:
        ex = self.executable
        decoded: dict[int, DecodedFunction] = {
            i: DecodedFunction(f, self._state, ex)
            for i, f in enumerate(ex.functions)
            if isinstance(f, VMFunction)
        }
        callees: list[Callable[..., Any]] = []
        values: list[Any] = []
        for i, callee in enumerate(self._callees):
            if callee.kind == "vm":
                callees.append(decoded[i].entry)
                values.append(function_value(decoded[i]))
            else:
                func = callee.func
                if recorder is not None:
                    func = recorder.wrap(callee.name, callee.kind, func)
                callees.append(func)
                values.append(callee.value)
        for i, d in decoded.items():
            fn = ex.functions[i]
            assert isinstance(fn, VMFunction)
            decode(d, fn, callees, values, self._constants)
        return {d.name: d for d in decoded.values()}

    def __repr__(self) -> str:
        return f"<VirtualMachine {self.executable!r} on {', '.join(map(str, self.devices))}>"


class VMFunctionHandle:
    """A callable VM function: converts Python arguments, checks their count, runs it."""

    __slots__ = ("_arity", "_entry", "function", "vm")

    def __init__(self, vm: VirtualMachine, function: VMFunction, entry: Callable[..., Any]):
        self.vm, self.function, self._entry = vm, function, entry
        self._arity = len(function.params)

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names."""
        return self.function.params

    def __call__(self, *args: Any) -> Any:
        """Run the function; see `convert_arg` for the arguments it takes."""
        if len(args) == self._arity:
            for a in args:
                if type(a) is not NDArray:
                    break
            else:  # the common case in a serving loop: nothing to convert
                return self._entry(*args)
        return self._entry(*_convert_args(self.function, args))

    def __repr__(self) -> str:
        return f"<VM function {self.function.name}({', '.join(self.function.params)})>"


def _devices(device: Any) -> tuple[Device, ...]:
    if device is None:
        return (parse_device("cpu"),)
    items = device if isinstance(device, list | tuple) else [device]
    if not items:
        raise VMError("a VirtualMachine needs at least one device")
    try:
        return tuple(d if isinstance(d, Device) else parse_device(d) for d in items)
    except FFIError as err:
        raise VMError(f"bad VM device {device!r}: {err.message}") from None


def _resolve(ex: Executable, devices: tuple[Device, ...]) -> list[Callee]:
    callees: list[Callee] = []
    missing: list[str] = []
    for entry in ex.functions:
        if isinstance(entry, VMFunction):
            callees.append(Callee(entry.name, "vm", _unreachable, None))
        elif isinstance(entry, ExternFunction):
            packed = get_global_func(entry.name, allow_missing=True)
            if packed is None:
                missing.append(entry.name)
                continue
            impl = builtins.resolve_builtin(entry.name, devices)
            kind = "extern" if impl is None else "builtin"
            callees.append(Callee(entry.name, kind, impl or packed, packed))
        else:
            assert isinstance(entry, KernelFunction)
            assert ex.kernels is not None
            kernel = ex.kernels.get_function(entry.name, query_imports=True)
            assert kernel is not None  # the executable checked its library
            callees.append(Callee(entry.name, "kernel", kernel, kernel))
    if missing:
        raise VMError(
            f"the executable calls packed functions that are not registered: "
            f"{', '.join(map(repr, missing))} (register them with loom.ffi.register_func "
            "before creating the VirtualMachine)"
        )
    return callees


def _unreachable(*args: Any) -> Any:  # pragma: no cover - replaced by the decoded entry
    raise AssertionError("a VM function entry was called before decoding")


def _to_device(value: Any, device: Device) -> Any:
    if isinstance(value, NDArray) and value.device != device:
        return value.copyto(device)
    return value


def _convert_args(fn: VMFunction, args: tuple[Any, ...]) -> list[Any]:
    if len(args) != len(fn.params):
        raise VMError(
            f"{fn.name}: expected {len(fn.params)} arguments ({', '.join(fn.params)}) "
            f"but got {len(args)}"
        )
    return [
        a if type(a) is NDArray else convert_arg(a, f"{fn.name}: argument {p}")
        for a, p in zip(args, fn.params, strict=True)
    ]


_PLAIN = (int, float, bool, str, type(None))


def convert_arg(value: Any, what: str) -> Any:
    """A Python argument as a VM value.

    numpy arrays (and other DLPack producers) become NDArrays without copying where the layout
    allows, lists become tuples, numpy scalars Python ones.
    """
    t = type(value)
    if t is NDArray or t in _PLAIN:
        return value
    if isinstance(value, np.ndarray):
        try:
            return from_dlpack(value)
        except FFIError:
            return array(np.ascontiguousarray(value))  # a layout DLPack cannot express: copy
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, tuple | list):
        return tuple(convert_arg(v, f"{what}[{i}]") for i, v in enumerate(value))
    if isinstance(value, Shape | PackedFunc | Closure | Storage):
        return value
    if hasattr(value, "__dlpack__"):
        try:
            return from_dlpack(value)
        except FFIError as err:
            raise VMError(f"{what}: cannot take {describe_value(value)}: {err.message}") from None
    raise VMError(
        f"{what}: unsupported argument {describe_value(value)} (pass numpy arrays, NDArrays, "
        "ints, floats, bools or tuples of them)"
    )
