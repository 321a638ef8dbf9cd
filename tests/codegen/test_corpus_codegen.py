"""Every executable corpus program compiles with loom.build and matches the reference
interpreter and numpy, at two sizes where its shapes are symbolic."""

import ctypes
import zlib
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest
from corpora import tir_corpus

import loom
from loom.ir import IRModule, Visitor
from loom.ir.tir import interpret

CORPUS = Path(__file__).parents[1] / "script" / "corpus"


CASES = tir_corpus().load().cases
RUNS = [
    pytest.param(case, ref, sizes, id="-".join(filter(None, [case.name, ref.function, str(k)])))
    for case in CASES
    for ref in case.refs
    for k, sizes in enumerate(ref.sizes)
]

_C_TYPES = {
    "float32": ctypes.c_float, "float64": ctypes.c_double, "int32": ctypes.c_int32,
    "int64": ctypes.c_int64, "int8": ctypes.c_int8, "bool": ctypes.c_bool,
}  # fmt: skip
_keep: list = []


class _ExternCalls(Visitor):
    """The C signature of every call_extern in a function: name -> (result, args) dtypes."""

    def __init__(self):
        self.found = {}

    def visit_call(self, call):
        if getattr(call.op, "name", None) == "call_extern":
            name = call.args[0].value
            self.found[name] = (str(call.dtype), tuple(str(a.dtype) for a in call.args[1:]))
        self.generic_visit(call)


def _provide_externs(func, funcs):
    """Expose the interpreter's Python extern functions to the JIT linker as C callbacks."""
    walk = _ExternCalls()
    walk.visit(func.body)
    for name, (ret, args) in walk.found.items():
        proto = ctypes.CFUNCTYPE(_C_TYPES[ret], *(_C_TYPES[a] for a in args))
        callback = proto(funcs[name])
        _keep.append(callback)
        llvm.add_symbol(name, ctypes.cast(callback, ctypes.c_void_p).value)


def _register_packed(funcs):
    for name, fn in funcs.items():
        loom.ffi.register_func(name, fn, override=True)


def _snapshot(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _compare(got, want, ref, what):
    if np.issubdtype(got.dtype, np.floating) or got.dtype.name == "bfloat16":
        np.testing.assert_allclose(
            got.astype(np.float64), np.asarray(want).astype(np.float64),
            rtol=ref.rtol, atol=ref.atol, err_msg=what,
        )  # fmt: skip
    else:
        np.testing.assert_array_equal(got, np.asarray(want).astype(got.dtype), err_msg=what)


@pytest.mark.parametrize(("case", "ref", "sizes"), RUNS)
def test_compiled_matches_interpreter_and_numpy(case, ref, sizes):
    program = case.get()
    func = program[ref.function] if isinstance(program, IRModule) else program
    kwargs = ref.kwargs()
    _provide_externs(func, kwargs.get("extern_funcs", {}))
    _register_packed(kwargs.get("packed_funcs", {}))
    rt = loom.build(program if isinstance(program, IRModule) else func)
    name = ref.function or str(func.attrs.get("global_symbol", "main"))

    seed = zlib.crc32(f"{case.name}/{ref.function}/{sizes}".encode())
    args = ref.args(np.random.default_rng(seed), sizes)
    # The same arguments again, with the same memory layouts (strided views stay strided).
    compiled_args = ref.args(np.random.default_rng(seed), sizes)
    before = [_snapshot(a) for a in args]
    rt[name](*compiled_args)
    interpret(func, *args, **kwargs)
    expected = ref.expected(*[_snapshot(a) for a in before])
    for k, (got, reference) in enumerate(zip(compiled_args, args)):
        if not isinstance(got, np.ndarray):
            continue
        if k in expected:
            _compare(got, expected[k], ref, f"output {k} against numpy")
            _compare(got, reference, ref, f"output {k} against the interpreter")
        else:
            np.testing.assert_array_equal(got, before[k], err_msg=f"input {k} was modified")
