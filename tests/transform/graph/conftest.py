"""Fixtures the graph pass tests share: models to lower and a reference runner for lowered IR.

``models`` builds an MLP with a dynamic batch and a transformer-style block with a dynamic
sequence length (BlockBuilder modules, with numpy references). ``run_graph`` runs a graph
function of any lowering stage on numpy arrays: op calls through their legalization, prim_funcs
with the TIR interpreter, storage as raw bytes filled with garbage (so that two live tensors
sharing memory show up as wrong results), packed functions from a dict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from loom.ir import GlobalVar, IRModule, tir
from loom.ir import graph as G
from loom.ir.graph import op as R
from loom.ir.tir.arith import Analyzer, substitute
from loom.transform.graph import LegalizeOps

# ---------------------------------------------------------------------------------------------
# Models


def tensor(name: str, shape: tuple, dtype: str = "float32") -> G.Var:
    return G.Var(name, G.TensorStructInfo(shape, dtype))


@dataclass
class Model:
    module: IRModule
    reference: Callable[..., np.ndarray]
    inputs: Callable[[int, np.random.Generator], list[np.ndarray]]


def mlp(width: int = 32, hidden: int = 64, classes: int = 10, attrs: dict | None = None) -> Model:
    """``softmax(relu(x @ w1 + b1) @ w2 + b2)`` with a symbolic batch ``n``."""
    n = tir.Var("n", "int64")
    x, w1, b1 = tensor("x", (n, width)), tensor("w1", (width, hidden)), tensor("b1", (hidden,))
    w2, b2 = tensor("w2", (hidden, classes)), tensor("b2", (classes,))
    bb = G.BlockBuilder()
    with bb.function("main", [x, w1, b1, w2, b2], attrs=attrs):
        with bb.dataflow():
            h = bb.emit(R.relu(R.add(R.matmul(x, w1), b1)))
            logits = bb.emit(R.add(R.matmul(h, w2), b2))
            out = bb.emit_output(R.softmax(logits, axis=-1))
        bb.emit_func_output(out)

    def reference(x, w1, b1, w2, b2):
        logits = np.maximum(x @ w1 + b1, 0) @ w2 + b2
        e = np.exp(logits - logits.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    def inputs(batch, rng):
        shapes = [(batch, width), (width, hidden), (hidden,), (hidden, classes), (classes,)]
        return [rng.standard_normal(s).astype("float32") * 0.5 for s in shapes]

    return Model(bb.get(), reference, inputs)


def transformer(width: int = 16, heads: int = 2, attrs: dict | None = None) -> Model:
    """A pre-norm transformer block (attention, then a GELU MLP) over a sequence of ``n``."""
    n = tir.Var("n", "int64")
    dim = width // heads
    x = tensor("x", (n, width))
    ln = tensor("ln", (width,))
    wq, wk, wv, wo = (tensor(name, (width, width)) for name in ("wq", "wk", "wv", "wo"))
    w1, w2 = tensor("w1", (width, 2 * width)), tensor("w2", (2 * width, width))
    bb = G.BlockBuilder()

    def heads_of(t):  # (n, width) -> (heads, n, dim)
        return R.permute_dims(R.reshape(t, (n, heads, dim)), [1, 0, 2])

    with bb.function("main", [x, ln, wq, wk, wv, wo, w1, w2], attrs=attrs):
        with bb.dataflow():
            h = bb.emit(R.layer_norm(x, ln, ln, axes=-1))
            q = bb.emit(heads_of(R.matmul(h, wq)))
            k = bb.emit(heads_of(R.matmul(h, wk)))
            v = bb.emit(heads_of(R.matmul(h, wv)))
            scores = bb.emit(
                R.multiply(
                    R.matmul(q, R.permute_dims(k, [0, 2, 1])), G.Constant(np.array(0.5, "float32"))
                )
            )
            attn = bb.emit(R.matmul(R.softmax(scores, axis=-1), v))
            merged = bb.emit(R.reshape(R.permute_dims(attn, [1, 0, 2]), (n, width)))
            x1 = bb.emit(R.add(x, R.matmul(merged, wo)))
            h1 = bb.emit(R.layer_norm(x1, ln, ln, axes=-1))
            out = bb.emit_output(R.add(x1, R.matmul(R.gelu(R.matmul(h1, w1)), w2)))
        bb.emit_func_output(out)

    def layer_norm(t, g):
        mean = t.mean(-1, keepdims=True)
        var = ((t - mean) ** 2).mean(-1, keepdims=True)
        return (t - mean) / np.sqrt(var + 1e-5) * g + g

    def reference(x, ln, wq, wk, wv, wo, w1, w2):
        from math import erf

        seq = x.shape[0]
        h = layer_norm(x, ln)
        q, k, v = ((h @ w).reshape(seq, heads, dim).transpose(1, 0, 2) for w in (wq, wk, wv))
        scores = q @ k.transpose(0, 2, 1) * 0.5
        e = np.exp(scores - scores.max(-1, keepdims=True))
        attn = (e / e.sum(-1, keepdims=True)) @ v
        x1 = x + attn.transpose(1, 0, 2).reshape(seq, width) @ wo
        u = layer_norm(x1, ln) @ w1
        gelu = 0.5 * u * (1 + np.vectorize(erf)(u / np.sqrt(2)))
        return x1 + gelu @ w2

    def inputs(seq, rng):
        shapes = [(seq, width), (width,)] + [(width, width)] * 4 + [(width, 2 * width)]
        shapes.append((2 * width, width))
        return [rng.standard_normal(s).astype("float32") * 0.5 for s in shapes]

    return Model(bb.get(), reference, inputs)


@pytest.fixture
def models():
    """Builders of the test models (`mlp`, `transformer`)."""
    return {"mlp": mlp, "transformer": transformer}


# ---------------------------------------------------------------------------------------------
# A reference runner for graph functions at any lowering stage


class GraphRunner:
    def __init__(self, mod: IRModule, packed: dict[str, Callable[..., Any]] | None = None):
        self.mod = LegalizeOps()(mod)  # op calls run through their legalization
        self.packed = packed or {}
        self.rng = np.random.default_rng(7)

    def call(self, name: str, *args: Any) -> Any:
        func = self.mod[name]
        assert isinstance(func, G.Function)
        env: dict[Any, Any] = {}
        sizes: dict[tir.Var, int] = {}
        for param, arg in zip(func.params, args, strict=True):
            self._bind_sizes(param.struct_info, arg, sizes)
            env[param] = arg
        return self._seq(func.body, env, sizes)

    def _bind_sizes(self, sinfo: G.StructInfo, value: Any, sizes: dict[tir.Var, int]) -> None:
        if isinstance(sinfo, G.TensorStructInfo) and sinfo.values is not None:
            for dim, actual in zip(sinfo.values, value.shape, strict=True):
                if isinstance(dim, tir.Var):
                    assert sizes.setdefault(dim, actual) == actual, f"{dim} is inconsistent"
        elif isinstance(sinfo, G.TupleStructInfo):
            for field, item in zip(sinfo.fields, value, strict=True):
                self._bind_sizes(field, item, sizes)

    def _size(self, expr: tir.PrimExpr, sizes: dict[tir.Var, int]) -> int:
        values = {v: tir.const(k, v.dtype) for v, k in sizes.items()}
        out = Analyzer().simplify(substitute(expr, values))
        assert isinstance(out, tir.IntImm), f"size {expr} is not known"
        return out.value

    def _seq(self, seq: G.SeqExpr, env: dict, sizes: dict) -> Any:
        for block in seq.blocks:
            for binding in block.bindings:
                value = self._expr(binding.value, env, sizes)
                if isinstance(binding, G.MatchCast):
                    self._bind_sizes(binding.struct_info, value, sizes)
                env[binding.var] = value
        return self._expr(seq.body, env, sizes)

    def _expr(self, expr: Any, env: dict, sizes: dict) -> Any:
        if isinstance(expr, G.Var):
            return env[expr]
        if isinstance(expr, G.Constant):
            return expr.data
        if isinstance(expr, G.Tuple):
            return tuple(self._expr(f, env, sizes) for f in expr.fields)
        if isinstance(expr, G.TupleGetItem):
            return self._expr(expr.tuple_value, env, sizes)[expr.index]
        if isinstance(expr, G.ShapeExpr):
            return tuple(self._size(v, sizes) for v in expr.values)
        if isinstance(expr, G.PrimValue):
            return self._size(expr.value, sizes)
        if isinstance(expr, G.If):
            cond = bool(self._expr(expr.cond, env, sizes))
            return self._seq(expr.true_branch if cond else expr.false_branch, env, sizes)
        if isinstance(expr, G.Call):
            return self._call(expr, env, sizes)
        if isinstance(expr, GlobalVar | G.ExternFunc):
            return expr  # a call_dps callee
        raise NotImplementedError(type(expr).__name__)

    def _call(self, call: G.Call, env: dict, sizes: dict) -> Any:
        args = [self._expr(a, env, sizes) for a in call.args]
        op = call.op
        if isinstance(op, G.ExternFunc):
            return self.packed[op.global_symbol](*args)
        if isinstance(op, G.Op):
            return self._builtin(call, args, sizes)
        func = self.mod[op.name_hint]
        if isinstance(func, tir.PrimFunc):
            tir.interpret(func, *args)
            return ()
        return self.call(op.name_hint, *args)

    def _builtin(self, call: G.Call, args: list, sizes: dict) -> Any:
        name = call.op.name
        if name == "builtin.alloc_tensor":
            fresh = self.rng.integers(0, 256, size=args[0], dtype=np.uint8)
            return fresh.astype(call.attrs["dtype"].numpy)
        if name == "memory.alloc_storage":
            return self.rng.integers(0, 256, size=args[0][0], dtype=np.uint8)
        if name == "memory.alloc_tensor":
            storage, offset, shape = args
            dt = np.dtype(call.attrs["dtype"].numpy)
            count = int(np.prod(shape)) * dt.itemsize
            assert offset + count <= storage.size, "a tensor overruns its storage"
            return storage[offset : offset + count].view(dt).reshape(shape)
        if name == "call_dps":
            callee, inputs = call.args[0], args[1]
            sinfo = call.sinfo_args[0]
            fields = sinfo.fields if isinstance(sinfo, G.TupleStructInfo) else (sinfo,)
            outs = [
                np.zeros(tuple(self._size(v, sizes) for v in f.values), f.dtype.numpy)
                for f in fields
            ]
            scalars = list(args[2]) if len(args) > 2 else []
            if isinstance(callee, G.ExternFunc):
                self.packed[callee.global_symbol](*inputs, *outs)
            else:
                tir.interpret(self.mod[callee.name_hint], *inputs, *outs, *scalars)
            return outs[0] if len(fields) == 1 and fields[0] is sinfo else tuple(outs)
        raise NotImplementedError(f"R.{name}")


@pytest.fixture
def run_graph():
    """``run_graph(mod, "main", *args, packed={...})``: run a graph function (see the module)."""

    def run(mod: IRModule, name: str, *args: Any, packed: dict | None = None) -> Any:
        return GraphRunner(mod, packed).call(name, *args)

    return run
