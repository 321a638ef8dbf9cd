"""Shared fixtures of the VM tests: packed functions and a compiled kernel that hand-assembled
programs call."""

import pytest

import loom
from loom.ffi import register_func
from loom.script import tir as T


@pytest.fixture(scope="session", autouse=True)
def arithmetic_packed_funcs():
    """Scalar arithmetic as global packed functions ``test.vm.<op>``."""
    ops = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "le": lambda a, b: a <= b,
        "lt": lambda a, b: a < b,
    }
    for name, fn in ops.items():
        register_func(f"test.vm.{name}", fn, override=True)


@T.prim_func
def add(a: T.handle, b: T.handle, c: T.handle):
    T.func_attr({"global_symbol": "add", "tir.noalias": True})
    n = T.int64()
    A = T.match_buffer(a, (n,), "float32")
    B = T.match_buffer(b, (n,), "float32")
    C = T.match_buffer(c, (n,), "float32")
    for i in range(n):
        C[i] = A[i] + B[i]


@pytest.fixture(scope="session")
def kernels():
    """A runtime module with kernel ``add(a: f32[n], b: f32[n], c: f32[n])``: c = a + b."""
    return loom.build(add)
