"""Benchmark the script layer: parse and print a ~200-line module, and compare ~10k-node trees.

Run from the repository root: ``python bench/bench_script.py [--repeat N]``. Prints a table of
medians in milliseconds; Apache TVM's equivalents are timed beside Loom's when ``tvm`` imports.
"""

from __future__ import annotations

import argparse
import statistics
import timeit
from collections.abc import Callable, Mapping
from typing import Any

from loom.ir import Node, child_fields, structural_equal, tir
from loom.script import from_source

# ---------------------------------------------------------------------------------------------
# (a) A realistic ~200-line module: elementwise ops, reductions, a matmul, a softmax.

_ELEMENTWISE = """
    @T.prim_func
    def {name}(A: T.Buffer(({n}, {m}), "float32"), B: T.Buffer(({n}, {m}), "float32")):
        for i, j in T.grid({n}, {m}):
            with T.block("B"):
                vi, vj = T.axis.remap("SS", [i, j])
                T.reads(A[vi, vj])
                T.writes(B[vi, vj])
                B[vi, vj] = T.max(A[vi, vj] * T.float32({scale}), T.float32(0))
"""

_REDUCE = """
    @T.prim_func
    def {name}(a: T.handle, b: T.handle):
        n = T.int64()
        A = T.match_buffer(a, (n, {m}), "float32")
        B = T.match_buffer(b, (n,), "float32")
        for i, k in T.grid(n, {m}):
            with T.block("B"):
                vi, vk = T.axis.remap("SR", [i, k])
                T.reads(A[vi, vk])
                T.writes(B[vi])
                with T.init():
                    B[vi] = T.float32(0)
                B[vi] = B[vi] + A[vi, vk]
"""

_MATMUL = """
    @T.prim_func
    def {name}(A: T.Buffer(({n}, {k}), "float32"), B: T.Buffer(({k}, {m}), "float32"),
               C: T.Buffer(({n}, {m}), "float32")):
        T.func_attr({{"tir.noalias": True}})
        for i0 in T.parallel({n_outer}):
            for j, k, i1 in T.grid({m}, {k}, 8):
                with T.block("C"):
                    vi = T.axis.spatial({n}, i0 * 8 + i1)
                    vj, vk = T.axis.remap("SR", [j, k])
                    T.reads(A[vi, vk], B[vk, vj])
                    T.writes(C[vi, vj])
                    with T.init():
                        C[vi, vj] = T.float32(0)
                    C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vk, vj]
"""

_SOFTMAX = """
    @T.prim_func
    def {name}(A: T.Buffer(({n}, {m}), "float32"), B: T.Buffer(({n}, {m}), "float32")):
        mx = T.alloc_buffer(({n},), "float32")
        den = T.alloc_buffer(({n},), "float32")
        for i, k in T.grid({n}, {m}):
            with T.block("max"):
                vi, vk = T.axis.remap("SR", [i, k])
                with T.init():
                    mx[vi] = T.float32("-inf")
                mx[vi] = T.max(mx[vi], A[vi, vk])
        for i, k in T.grid({n}, {m}):
            with T.block("den"):
                vi, vk = T.axis.remap("SR", [i, k])
                with T.init():
                    den[vi] = T.float32(0)
                den[vi] = den[vi] + T.exp(A[vi, vk] - mx[vi])
        for i, j in T.grid({n}, {m}):
            with T.block("B"):
                vi, vj = T.axis.remap("SS", [i, j])
                B[vi, vj] = T.exp(A[vi, vj] - mx[vi]) / den[vi]
"""

_GELU = """
    @T.prim_func
    def {name}(x: T.handle, y: T.handle):
        n = T.int32()
        X = T.match_buffer(x, (n, {m}), "float16")
        Y = T.match_buffer(y, (n, {m}), "float16")
        for i, j in T.grid(n, {m}):
            with T.block("Y"):
                vi, vj = T.axis.remap("SS", [i, j])
                v: T.float32 = T.Cast("float32", X[vi, vj])
                g: T.float32 = T.float32(1) + T.erf(v * T.float32(0.7071067811865476))
                Y[vi, vj] = T.Cast("float16", v * T.float32(0.5) * g)
"""


def module_source(
    header: str = "from loom.script import ir as I\nfrom loom.script import tir as T\n",
) -> str:
    """A ~200-line ``@I.ir_module`` of prim_funcs, as a user would write it."""
    parts = [header, "\n@I.ir_module\nclass Model:"]
    for k in range(3):
        parts.append(
            _ELEMENTWISE.format(name=f"relu_scale_{k}", n=16 * (k + 1), m=32, scale=0.5 + k)
        )
        parts.append(_REDUCE.format(name=f"row_sum_{k}", m=64 * (k + 1)))
        parts.append(_MATMUL.format(name=f"matmul_{k}", n=64, k=32 * (k + 1), m=48, n_outer=8))
        parts.append(_SOFTMAX.format(name=f"softmax_{k}", n=8 * (k + 1), m=128))
    parts.append(_GELU.format(name="gelu", m=256))
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# (b) Two independently built trees of ~10,000 nodes.


STORES = 385  # about 26 nodes each: a ~10,000-node function


def build_tree(stores: int, last_constant: float = 1.0) -> tir.PrimFunc:
    """A prim_func of `stores` statements ``C[i] = (A[i] * B[i] + A[i+1]) * c`` in one loop."""
    n = stores + 2
    bufs = [tir.decl_buffer((n,), "float32", name) for name in "ABC"]
    a, b, c = bufs
    params = tuple(tir.Var(name.lower(), "handle") for name in "ABC")
    i = tir.Var("i", "int32")
    body = []
    for k in range(stores):
        index = i + k
        value = (a[index] * b[index] + a[index + 1]) * tir.FloatImm(
            "float32", last_constant if k == stores - 1 else 1.0
        )
        body.append(tir.BufferStore(c, value, (index,)))
    loop = tir.For(i, tir.IntImm("int32", 0), tir.IntImm("int32", 1), tir.ForKind.SERIAL,
                   tir.seq(*body))  # fmt: skip
    return tir.PrimFunc(params, loop, dict(zip(params, bufs)))


def count_nodes(root: Any) -> int:
    """Nodes that structural equality visits: every reference, a binder's fields only once."""
    total, stack, seen = 0, [root], set()
    while stack:
        value = stack.pop()
        if isinstance(value, Node):
            total += 1
            if type(value)._binder:
                if id(value) in seen:
                    continue
                seen.add(id(value))
            stack.extend(getattr(value, name) for name in child_fields(type(value)))
        elif isinstance(value, tuple | list):
            stack.extend(value)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                stack.extend((key, item))
    return total


# ---------------------------------------------------------------------------------------------
# Timing and the table.


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of one call, in milliseconds, over `repeat` runs (after one warm-up)."""
    fn()
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat)) * 1e3


def loom_rows(repeat: int) -> list[tuple[str, str, float]]:
    """Loom's measurements: (what, size, median ms)."""
    source = module_source()
    module = from_source(source)
    lines = source.count("\n")
    rows = [
        ("parse: from_source", f"{lines} lines", median_ms(lambda: from_source(source), repeat)),
        ("print: .script()", f"{len(module.functions)} funcs", median_ms(module.script, repeat)),
        ("parse + print", f"{lines} lines",
         median_ms(lambda: from_source(source).script(), repeat)),
    ]  # fmt: skip
    lhs, rhs, other = build_tree(STORES), build_tree(STORES), build_tree(STORES, last_constant=2.0)
    assert structural_equal(lhs, rhs)
    assert not structural_equal(lhs, other)
    size = f"{count_nodes(lhs)} nodes"
    rows.append(
        ("structural_equal, equal", size, median_ms(lambda: structural_equal(lhs, rhs), repeat))
    )
    rows.append(("structural_equal, differ at end", size,
                 median_ms(lambda: structural_equal(lhs, other), repeat)))  # fmt: skip
    return rows


def tvm_rows(repeat: int) -> list[tuple[str, str, float]] | None:
    """TVM's measurements of the same work, or None when TVM is not installed."""
    try:
        import tvm
        from tvm import tir as ttir
        from tvm.script import from_source as tvm_from_source
    except ImportError:
        return None
    source = module_source("from tvm.script import ir as I\nfrom tvm.script import tir as T\n")
    module = tvm_from_source(source)
    rows = [
        ("parse: from_source", "", median_ms(lambda: tvm_from_source(source), repeat)),
        ("print: .script()", "", median_ms(module.script, repeat)),
        ("parse + print", "", median_ms(lambda: tvm_from_source(source).script(), repeat)),
    ]

    def build(last: float) -> Any:
        bufs = [ttir.decl_buffer((STORES + 2,), "float32", name) for name in "ABC"]
        a, b, c = bufs
        i = ttir.Var("i", "int32")
        body = []
        for k in range(STORES):
            index = i + k
            value = (ttir.BufferLoad(a, [index]) * ttir.BufferLoad(b, [index])
                     + ttir.BufferLoad(a, [index + 1])) * ttir.FloatImm(
                         "float32", last if k == STORES - 1 else 1.0)  # fmt: skip
            body.append(ttir.BufferStore(c, value, [index]))
        loop = ttir.For(i, 0, 1, ttir.ForKind.SERIAL, ttir.SeqStmt(body))
        params = [ttir.Var(n.lower(), "handle") for n in "ABC"]
        return ttir.PrimFunc(params, loop, buffer_map=dict(zip(params, bufs)))

    lhs, rhs, other = build(1.0), build(1.0), build(2.0)
    rows.append(("structural_equal, equal", "",
                 median_ms(lambda: tvm.ir.structural_equal(lhs, rhs), repeat)))  # fmt: skip
    rows.append(("structural_equal, differ at end", "",
                 median_ms(lambda: tvm.ir.structural_equal(lhs, other), repeat)))  # fmt: skip
    return rows


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per measurement")
    repeat = parser.parse_args().repeat
    loom = loom_rows(repeat)
    tvm = tvm_rows(repeat)
    header = f"{'measurement':<34}{'size':>14}{'loom ms':>11}"
    header += f"{'tvm ms':>11}" if tvm else ""
    print(header)
    print("-" * len(header))
    for k, (what, size, ms) in enumerate(loom):
        line = f"{what:<34}{size:>14}{ms:>11.2f}"
        if tvm:
            line += f"{tvm[k][2]:>11.2f}"
        print(line)
    if tvm is None:
        print("\nApache TVM is not installed (import tvm failed); only Loom was timed.")
    print(f"\nmedians of {repeat} runs each, after one warm-up run")


if __name__ == "__main__":
    main()
