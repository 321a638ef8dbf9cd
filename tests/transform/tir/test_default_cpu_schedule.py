"""DefaultCPUSchedule: parallel outer loops and vector inner loops where legal, same results."""

from __future__ import annotations

import numpy as np
import pytest

import loom
from loom.ir import IRModule, assert_structural_equal, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.tir import ForKind
from loom.ir.tir.arith import Analyzer, substitute
from loom.script import from_source
from loom.transform import PassContext, Sequential
from loom.transform.graph import LegalizeOps
from loom.transform.tir import DefaultCPUSchedule, lower_tir_pipeline

HEADER = "from loom.script import tir as T\n\n"


def _tensor(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def _legalized(build) -> IRModule:
    """The prim_funcs legalizing the op calls ``build(bb)`` emits (in one function)."""
    bb = G.BlockBuilder()
    with bb.function("main"):
        params, out = build(bb)
        bb.emit_func_output(out, params)
    mod = LegalizeOps()(bb.get())
    return IRModule.from_functions(
        {gv.name_hint: f for gv, f in mod.functions.items() if isinstance(f, tir.PrimFunc)}
    )


def _library(bb: G.BlockBuilder):
    """Calls of a broad sample of the operator library, one symbolic size among them."""
    n = tir.Var("n", "int64")
    x = _tensor("x", (n, 24))
    y = _tensor("y", (24,))
    w = _tensor("w", (24, 16))
    img = _tensor("img", (2, 3, 8, 8))
    k = _tensor("k", (4, 3, 3, 3))
    idx = _tensor("idx", (5,), "int64")
    h = _tensor("h", (1, 6, 2, 8))
    outs = [
        bb.emit(R.add(x, y)),
        bb.emit(R.multiply(x, x)),
        bb.emit(R.exp(x)),
        bb.emit(R.relu(x)),
        bb.emit(R.gelu(x)),
        bb.emit(R.astype(x, "float16")),
        bb.emit(R.matmul(x, w)),
        bb.emit(R.linear(x, R.permute_dims(w), None)),
        bb.emit(R.softmax(x, axis=-1)),
        bb.emit(R.layer_norm(x, y, y, axes=-1)),
        bb.emit(R.sum(x, axis=[1])),
        bb.emit(R.sum(x, axis=[0])),
        bb.emit(R.mean(x, axis=[1], keepdims=True)),
        bb.emit(R.max(x, axis=[1])),
        bb.emit(R.argmax(x, axis=1)),
        bb.emit(R.cumsum(x, axis=1)),
        bb.emit(R.cumsum(x, axis=0)),
        bb.emit(R.permute_dims(x, [1, 0])),
        bb.emit(R.reshape(x, (n * 2, 12))),
        bb.emit(R.concat((x, x), axis=1)),
        bb.emit(R.split(x, 3, axis=1)),
        bb.emit(R.strided_slice(x, axes=[1], begin=[1], end=[20], strides=[2])),
        bb.emit(R.take(y, idx, axis=0)),
        bb.emit(R.tril(w, 0)),
        bb.emit(R.where(R.greater(x, R.exp(x)), x, x)),
        bb.emit(R.conv2d(img, k, padding=1)),
        bb.emit(R.max_pool2d(img, pool_size=2, strides=2)),
        bb.emit(R.pad(img, pad_width=((0, 0), (0, 0), (1, 1), (2, 2)))),
        bb.emit(R.attention(h, h, h, causal_mask="TopLeft")),
        bb.emit(R.arange(0, 40, 1, "float32")),
    ]
    return [x, y, w, img, k, idx, h], G.Tuple(tuple(outs))


def _arguments(func: tir.PrimFunc, rng: np.random.Generator) -> list:
    """Random arrays for the buffer params (sizes 3 for symbolic ones) and values for scalars."""
    env: dict[tir.Var, int] = {}
    args: list = []
    for param in func.params:
        buffer = func.buffer_map.get(param)
        if buffer is None:
            args.append(env.setdefault(param, 3))
            continue
        shape = []
        for extent in buffer.shape:
            if isinstance(extent, tir.Var):
                env.setdefault(extent, 3)
            values = {v: tir.const(k, v.dtype) for v, k in env.items()}
            shape.append(Analyzer().simplify(substitute(extent, values)).value)
        dt = buffer.dtype.numpy
        if buffer.dtype.is_float:
            args.append(rng.standard_normal(shape).astype(dt))
        else:
            args.append(rng.integers(0, 2, size=shape).astype(dt))  # valid indices, bools
    return args


def _run(func: tir.PrimFunc, args: list) -> list:
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    tir.interpret(func, *copies)
    return copies


def test_library_functions_compute_the_same_after_scheduling():
    mod = _legalized(_library)
    scheduled = DefaultCPUSchedule()(mod)
    lowered = lower_tir_pipeline()(scheduled)
    rng = np.random.default_rng(0)
    kinds = set()
    for gv, func in mod.functions.items():
        args = _arguments(func, rng)
        expected = _run(func, args)
        for candidate in (scheduled[gv.name_hint], lowered[gv.name_hint]):
            for got, want in zip(_run(candidate, args), expected):
                np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=gv.name_hint)
        kinds |= {loop.kind for loop in _loops(scheduled[gv.name_hint].body)}
    assert {ForKind.PARALLEL, ForKind.VECTORIZED} <= kinds


def _loops(stmt) -> list[tir.For]:
    found: list[tir.For] = []

    class Finder(loom.ir.Visitor):
        def visit_for(self, loop):
            found.append(loop)
            self.generic_visit(loop)

    Finder().visit(stmt)
    return found


def _kinds(func: tir.PrimFunc) -> list[str]:
    return [loop.kind.value for loop in _loops(func.body)]


def test_elementwise_nest_fuses_outer_loops_and_vectorizes_the_inner_one():
    before = from_source(
        HEADER
        + """@T.prim_func
def relu(a: T.handle, b: T.handle):
    n = T.int64()
    A = T.match_buffer(a, (n, T.int64(32)), "float32")
    B = T.match_buffer(b, (n, T.int64(32)), "float32")
    for i, j in T.grid(n, T.int64(32)):
        with T.block("relu"):
            vi, vj = T.axis.remap("SS", [i, j])
            B[vi, vj] = T.max(A[vi, vj], T.float32(0))
"""
    )
    expected = from_source(
        HEADER
        + """@T.prim_func
def relu(a: T.handle, b: T.handle):
    n = T.int64()
    A = T.match_buffer(a, (n, T.int64(32)), "float32")
    B = T.match_buffer(b, (n, T.int64(32)), "float32")
    for f in T.parallel(n * T.int64(4)):
        for j_inner in T.vectorized(T.int64(8)):
            with T.block("relu"):
                vi = T.axis.spatial(n, f // T.int64(4))
                vj = T.axis.spatial(T.int64(32), f % T.int64(4) * T.int64(8) + j_inner)
                B[vi, vj] = T.max(A[vi, vj], T.float32(0))
"""
    )
    assert_structural_equal(DefaultCPUSchedule()(before), expected)


def test_reductions_vectorize_along_their_output_row():
    def matmul(rows):
        return lambda bb: (
            [x := _tensor("x", (rows, 128)), w := _tensor("w", (128, 32))],
            bb.emit(R.matmul(x, w)),
        )

    # j splits into 4 x 8 lanes; the lanes move inside the reduction over k, i and the
    # vectors of j run in parallel.
    fused = DefaultCPUSchedule()(_legalized(matmul(16)))["matmul"]
    assert _kinds(fused) == ["parallel", "serial", "vectorized"]
    assert [loop.extent.value for loop in _loops(fused.body)] == [16 * 4, 128, 8]
    rows = DefaultCPUSchedule()(_legalized(matmul(64)))["matmul"]
    assert _kinds(rows) == ["parallel", "serial", "serial", "vectorized"]  # 64 rows suffice


def test_a_scan_is_never_parallel_along_its_axis():
    before = from_source(
        HEADER
        + """@T.prim_func
def scan(a: T.handle, b: T.handle):
    A = T.match_buffer(a, (T.int64(4096),), "float32")
    B = T.match_buffer(b, (T.int64(4096),), "float32")
    for i in range(T.int64(4096)):
        with T.block("scan"):
            vi = T.axis.spatial(T.int64(4096), i)
            B[vi] = T.if_then_else(vi == T.int64(0), A[vi], B[vi - T.int64(1)] + A[vi])
"""
    )
    assert DefaultCPUSchedule()(before) is before


def test_small_nests_stay_serial_but_vectorized():
    mod = _legalized(lambda bb: ([x := _tensor("x", (4, 16))], bb.emit(R.exp(x))))
    assert _kinds(DefaultCPUSchedule()(mod)["exp"]) == ["serial", "serial", "vectorized"]


def test_impure_blocks_and_scheduled_functions_are_left_alone():
    impure = from_source(
        HEADER
        + """@T.prim_func
def log(a: T.handle):
    A = T.match_buffer(a, (T.int64(8192),), "float32")
    for i in range(T.int64(8192)):
        with T.block("log"):
            vi = T.axis.spatial(T.int64(8192), i)
            A[vi] = T.call_extern("float32", "observe", A[vi])
"""
    )
    assert DefaultCPUSchedule()(impure) is impure
    scheduled = from_source(
        HEADER
        + """@T.prim_func
def copy(a: T.handle, b: T.handle):
    A = T.match_buffer(a, (T.int64(8192),), "float32")
    B = T.match_buffer(b, (T.int64(8192),), "float32")
    for i in T.parallel(T.int64(8192)):
        with T.block("copy"):
            vi = T.axis.spatial(T.int64(8192), i)
            B[vi] = A[vi]
"""
    )
    assert DefaultCPUSchedule()(scheduled) is scheduled


def test_options_set_the_lanes_and_the_parallel_threshold():
    mod = _legalized(lambda bb: ([x := _tensor("x", (64, 64), "float16")], bb.emit(R.exp(x))))
    wide = DefaultCPUSchedule(vector_bits=256)(mod)["exp"]
    assert _loops(wide.body)[-1].extent.value == 16  # 256 bits of float16
    serial = DefaultCPUSchedule(min_parallel_work=1 << 20)(mod)["exp"]
    assert "parallel" not in _kinds(serial)


@pytest.mark.parametrize("batch", [1, 37])
def test_scheduled_kernels_run_in_parallel_natively(batch):
    n = tir.Var("n", "int64")

    def build(bb):
        x, w = _tensor("x", (n, 64)), _tensor("w", (64, 48))
        return [x, w], bb.emit(R.softmax(R.matmul(x, w), axis=-1))

    mod = DefaultCPUSchedule()(_legalized(build))
    rt = loom.build(mod)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch, 64)).astype("float32")
    w = rng.standard_normal((64, 48)).astype("float32")
    y = np.zeros((batch, 48), "float32")
    z = np.zeros((batch, 48), "float32")
    rt["matmul"](x, w, y)
    rt["softmax"](y, z)
    logits = x @ w
    want = np.exp(logits - logits.max(-1, keepdims=True))
    np.testing.assert_allclose(z, want / want.sum(-1, keepdims=True), rtol=1e-4, atol=1e-6)


def test_runs_in_a_sequential_with_the_tir_pipeline():
    mod = _legalized(lambda bb: ([x := _tensor("x", (128, 64))], bb.emit(R.exp(x))))
    with PassContext(config={"tir.vector_width": 8}):
        out = Sequential((DefaultCPUSchedule(), lower_tir_pipeline()))(mod)
    kinds = _kinds(out["exp"])
    assert "vectorized" not in kinds  # VectorizeLoops turned it into vector code
    assert "parallel" in kinds
