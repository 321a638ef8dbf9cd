import numpy as np
import pytest

from loom.ir import StructInfoError, TypeCheckError, tir
from loom.ir import graph as G
from loom.ir.graph import op as R

n = tir.Var("n", "int64")
rng = np.random.default_rng(6)


def var(name, shape, dtype="float32"):
    return G.Var(name, G.TensorStructInfo(shape, dtype))


def rand(*shape):
    return rng.standard_normal(shape).astype("float32")


# -- pad --------------------------------------------------------------------------------------


def test_pad_shapes(infer, assert_shape):
    x = var("x", (n, 3))
    sinfo, checks = infer(R.pad(x, [(1, 2), (0, 3)]))
    assert_shape(sinfo, (n + 3, 6))
    assert checks == []
    assert R.pad(x, [[1, 2], [0, 3]]).attrs["pad_width"] == ((1, 2), (0, 3))
    _, checks = infer(R.pad(x, ((2, 0), (1, 1)), pad_mode="reflect"))
    assert [c.message for c in checks] == [
        "R.nn.pad: axis 0 of size n is too short to reflect (2, 0)"
    ]


def test_pad_errors(infer):
    x = var("x", (2, 3))
    with pytest.raises(StructInfoError, match=r"pad_width has 1 pairs for a tensor of rank 2"):
        infer(R.pad(x, [(1, 1)]))
    with pytest.raises(StructInfoError, match=r"pad_width must not be negative"):
        R.pad(x, [(1, -1), (0, 0)])
    with pytest.raises(StructInfoError, match=r"pad_width must be \(before, after\) pairs"):
        R.pad(x, [(1, 2, 3), (0, 0)])
    with pytest.raises(StructInfoError, match=r"pad_mode must be one of 'constant', 'edge'"):
        R.pad(x, [(1, 1), (0, 0)], pad_mode="wrap")
    with pytest.raises(StructInfoError, match=r"axis 1 of size 3 is too short to reflect"):
        infer(R.pad(x, [(0, 0), (3, 0)], pad_mode="reflect"))
    with pytest.raises(StructInfoError, match=r"cannot pad a int32 tensor with 0.5"):
        infer(R.pad(var("i", (2,), "int32"), [(1, 1)], pad_value=0.5))
    with pytest.raises(TypeCheckError, match=r"needs attribute 'pad_width'"):
        G.op_info("nn.pad").check_attrs({})


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_legalizes_like_numpy(legalize, mode):
    widths = ((1, 2), (0, 2))
    leg = legalize(lambda x: R.pad(x, widths, pad_value=-1.5, pad_mode=mode), [var("x", (n, 3))])
    for rows in (3, 4):
        x = rand(rows, 3)
        kwargs = {"constant_values": -1.5} if mode == "constant" else {}
        np.testing.assert_array_equal(leg.run(x), np.pad(x, widths, mode=mode, **kwargs))


def test_pad_integers(legalize):
    leg = legalize(lambda x: R.pad(x, [(2, 1)], pad_value=7), [var("x", (3,), "int32")])
    np.testing.assert_array_equal(leg.run(np.array([1, 2, 3], "int32")), [7, 7, 1, 2, 3, 7])


# -- dropout ----------------------------------------------------------------------------------


def test_dropout_is_the_inference_identity(infer):
    x = var("x", (n, 4))
    call = R.dropout(x, rate=0.25)
    assert call.attrs["rate"] == 0.25
    assert infer(call)[0] is x.struct_info
    bb = G.BlockBuilder()
    with bb.function("main", [x]):
        y = bb.emit(call)
        bb.emit_func_output(y)
    bound = bb.get()["main"].body.blocks[0].bindings[0].value
    # Legalization replaces the call by its operand: no prim_func, no copy.
    assert G.op_info(bound.op).legalize(bb, bound) is x
    assert len(bb.module.functions) == 1


def test_dropout_rate_is_checked(infer):
    x = var("x", (4,))
    with pytest.raises(StructInfoError, match=r"rate must be in \[0, 1\), not 1.0"):
        R.dropout(x, rate=1.0)
    with pytest.raises(StructInfoError, match=r"data must be a float tensor, not int32"):
        infer(R.dropout(var("i", (4,), "int32")))
