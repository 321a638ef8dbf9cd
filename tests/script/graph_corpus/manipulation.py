"""Graph corpus: shape manipulation (reshape, permute, concat, split, squeeze, broadcast),
indexing (take, strided_slice, flip), tile/repeat and tensor creation."""

import numpy as np

from loom.script import ir as I
from loom.script import relax as R
from loom.script import tir as T

from ._case import Reference, case, rand


@I.ir_module
class ReshapeChain:
    @R.function
    def main(x: R.Tensor(("n", 6), "float32"), y: R.Tensor(("n", 2), "float32")):
        n = T.int64()
        with R.dataflow():
            r = R.reshape(x, (n, 2, 3))
            p = R.permute_dims(r, axes=[2, 0, 1])
            q: R.Tensor((n * 3, 2), "float32") = R.reshape(p, R.shape([n * 3, 2]))
            inferred = R.reshape(q, (-1,))
            t = R.permute_dims(y)
            joined = R.concat((x, y, y), axis=1)
            a, b, c = R.split(joined, indices_or_sections=[3, 8], axis=1)
            halves = R.split(x, indices_or_sections=2, axis=1)
            left = halves[0]
            R.output(inferred, t, a, b, c, left)
        return (inferred, t, a, b, c, left)


def _reshape_chain(x, y):
    n = x.shape[0]
    q = x.reshape(n, 2, 3).transpose(2, 0, 1).reshape(n * 3, 2)
    joined = np.concatenate([x, y, y], axis=1)
    a, b, c = np.split(joined, [3, 8], axis=1)
    return (q.reshape(-1), y.T, a, b, c, x[:, :3])


@I.ir_module
class ExpandSqueeze:
    @R.function
    def main(x: R.Tensor(("n", 1, 4), "float32")) -> R.Tensor((2, "n", 4), "float32"):
        n = T.int64()
        with R.dataflow():
            s = R.squeeze(x, axis=[1])
            e = R.expand_dims(s, axis=0)
            b = R.broadcast_to(e, (2, n, 4))
            flat = R.flatten(b)
            back = R.reshape(flat, R.shape([2, n, 4]))
            squeezed_all = R.squeeze(back)
            R.output(squeezed_all)
        return squeezed_all


def _expand_squeeze(x):
    return np.broadcast_to(x[:, 0, :][None], (2, x.shape[0], 4)).copy()


@I.ir_module
class GatherSlice:
    @R.function
    def main(x: R.Tensor(("n", 8), "float32"), idx: R.Tensor((3,), "int64")):
        with R.dataflow():
            rows = R.take(x, idx, axis=0)
            cols = R.take(x, idx, axis=1, mode="clip")
            flat = R.take(x, idx)
            sliced = R.strided_slice(x, axes=[1], begin=[1], end=[7], strides=[2])
            window = R.strided_slice(x, [1], [2], [6])
            flipped = R.flip(x, axis=1)
            R.output(rows, cols, flat, sliced, window, flipped)
        return (rows, cols, flat, sliced, window, flipped)


def _gather(x, idx):
    return (
        x[idx],
        x[:, np.clip(idx, 0, 7)],
        x.reshape(-1)[idx],
        x[:, 1:7:2],
        x[:, 2:6],
        x[:, ::-1],
    )


@I.ir_module
class TileRepeat:
    @R.function
    def main(x: R.Tensor(("n", 3), "int32")):
        with R.dataflow():
            tiled = R.tile(x, repeats=[2, 1])
            wide = R.tile(x, [3])
            rep = R.repeat(x, repeats=2, axis=1)
            rep_flat = R.repeat(x, 3)
            R.output(tiled, wide, rep, rep_flat)
        return (tiled, wide, rep, rep_flat)


def _tile_repeat(x):
    return (np.tile(x, (2, 1)), np.tile(x, 3), np.repeat(x, 2, axis=1), np.repeat(x, 3))


@I.ir_module
class Creation:
    @R.function
    def main(x: R.Tensor(("n", "n"), "float32")):
        n = T.int64()
        with R.dataflow():
            z = R.zeros((n, 2), dtype="float32")
            o = R.ones(R.shape([3]), "int32")
            f = R.full((2, n), R.const(7.5, "float32"), dtype="float32")
            r = R.arange(0, 10, 2, dtype="int64")
            zl = R.zeros_like(x)
            ol = R.ones_like(x, dtype="int8")
            fl = R.full_like(x, R.const(-1.0, "float32"))
            lower = R.tril(x, k=0)
            upper = R.triu(x, k=1)
            R.output(z, o, f, r, zl, ol, fl, lower, upper)
        return (z, o, f, r, zl, ol, fl, lower, upper)


def _creation(x):
    n = x.shape[0]
    return (
        np.zeros((n, 2), np.float32),
        np.ones(3, np.int32),
        np.full((2, n), 7.5, np.float32),
        np.arange(0, 10, 2, dtype=np.int64),
        np.zeros_like(x),
        np.ones_like(x, np.int8),
        np.full_like(x, -1.0),
        np.tril(x),
        np.triu(x, 1),
    )


CASES = [
    case(
        "ReshapeChain",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 6)), rand(rng, (s["n"], 2))],
            _reshape_chain,
            sizes=({"n": 1}, {"n": 4}),
        ),
    ),
    case(
        "ExpandSqueeze",
        Reference(lambda rng, s: [rand(rng, (s["n"], 1, 4))], _expand_squeeze, ({"n": 3},)),
    ),
    case(
        "GatherSlice",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 8)), np.array([2, 0, 5], "int64")],
            _gather,
            sizes=({"n": 6},),
        ),
    ),
    case(
        "TileRepeat",
        Reference(
            lambda rng, s: [rand(rng, (s["n"], 3), "int32", -5, 5)], _tile_repeat, ({"n": 2},)
        ),
    ),
    case(
        "Creation", Reference(lambda rng, s: [rand(rng, (s["n"], s["n"]))], _creation, ({"n": 4},))
    ),
]
