"""The runtime's one calling convention: devices, NDArrays, packed functions, registry, modules.

Everything that runs (Python functions, compiled CPU kernels, GPU kernels) is a `PackedFunc`
with the C ABI written down in `loom.ffi.abi`. `NDArray` holds device memory and converts to and
from numpy, PyTorch and any DLPack producer without copying where the memory allows.
"""

from . import abi
from .abi import TypeCode, encode_func_table, parse_func_table
from .device import Device, cpu, cuda, device
from .dlpack import from_dlpack
from .elf import ET_DYN, ET_REL, check_elf
from .errors import FFIError
from .header import C_HEADER
from .library import LibraryModule
from .module import FunctionModule, Module, load_module, register_module_loader
from .ndarray import ALIGNMENT, NDArray, array, empty
from .packed_func import NativeFunc, PackedFunc, PythonFunc
from .registry import get_global_func, list_global_func_names, register_func, remove_global_func
from .runtime import fill_runtime_pointers, runtime_symbols
from .shape import Shape

__all__ = [
    "ALIGNMENT",
    "C_HEADER",
    "ET_DYN",
    "ET_REL",
    "Device",
    "FFIError",
    "FunctionModule",
    "LibraryModule",
    "Module",
    "NDArray",
    "NativeFunc",
    "PackedFunc",
    "PythonFunc",
    "Shape",
    "TypeCode",
    "abi",
    "array",
    "check_elf",
    "cpu",
    "cuda",
    "device",
    "empty",
    "encode_func_table",
    "fill_runtime_pointers",
    "from_dlpack",
    "get_global_func",
    "list_global_func_names",
    "load_module",
    "parse_func_table",
    "register_func",
    "register_module_loader",
    "remove_global_func",
    "runtime_symbols",
]
