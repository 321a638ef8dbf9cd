"""Fast-math lowerings: float32 ``exp`` as inline polynomial code that vectorizes.

``llvm.exp`` on a vector becomes one libm call per lane, which throttles elementwise kernels.
With fast-math on, float32 ``exp`` (and ``sigmoid``, which uses it) is emitted inline instead:
Cody-Waite range reduction ``x = n ln2 + r``, a degree-6 polynomial for ``e^r`` (Cephes'
``expf`` coefficients, about 1 ulp), and ``2^n`` built in the exponent bits. Inputs are clamped
to the finite range (fast-math assumes no infinities or NaN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llvmlite import ir

from .arith import lanes
from .types import FLOAT, I32, lanes_of, splat

if TYPE_CHECKING:
    from .expr import ExprEmitter

_LOG2E = 1.44269504088896341
_LN2_HI, _LN2_LO = 0.693359375, -2.12194440e-4
_POLY = (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
         1.6666665459e-1, 5.0000001201e-1)  # fmt: skip
_LOW, _HIGH = -87.3365478515625, 88.72283172607422


def fast_exp_f32(exprs: ExprEmitter, x: ir.Value) -> ir.Value:
    """``e^x`` for float32 lanes, as vectorizable arithmetic."""
    b, fm = exprs.b, ("fast",)
    n_lanes = lanes(x.type)

    def const(value: float) -> ir.Constant:
        return splat(ir.Constant(FLOAT, value), n_lanes)

    x = exprs.arith.call("maxnum", [x, const(_LOW)])
    x = exprs.arith.call("minnum", [x, const(_HIGH)])
    n = exprs.arith.call("roundeven", [b.fmul(x, const(_LOG2E), flags=fm)])
    r = b.fsub(b.fsub(x, b.fmul(n, const(_LN2_HI), flags=fm), flags=fm),
               b.fmul(n, const(_LN2_LO), flags=fm), flags=fm)  # fmt: skip
    p = const(_POLY[0])
    for c in _POLY[1:]:
        p = b.fadd(b.fmul(p, r, flags=fm), const(c), flags=fm)
    y = b.fadd(b.fadd(b.fmul(p, b.fmul(r, r, flags=fm), flags=fm), r, flags=fm), const(1.0),
               flags=fm)  # fmt: skip
    i32 = lanes_of(I32, n_lanes)
    exponent = b.shl(b.add(b.fptosi(n, i32), splat(ir.Constant(I32, 127), n_lanes)),
                     splat(ir.Constant(I32, 23), n_lanes))  # fmt: skip
    return b.fmul(y, b.bitcast(exponent, x.type), flags=fm)
