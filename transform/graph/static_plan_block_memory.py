"""StaticPlanBlockMemory: place intermediate tensors in storage shared across their lifetimes.

Runs after LowerCallDPS. Each ``R.builtin.alloc_tensor`` of a tensor that does not escape (see
`memory_lifetimes`) becomes ``R.memory.alloc_tensor(storage, R.prim_value(0), shape, dtype)``
in a storage that ``R.memory.alloc_storage(R.shape([bytes]), ...)`` allocates just before its
first tensor; tensors whose lifetimes do not overlap share a storage (`storage_pool` says
which). Escaping tensors, the function's outputs among them, and tensors whose shape is only
known as a shape variable keep ``R.builtin.alloc_tensor``.
Each `SeqExpr` (the body, each `If` branch) is planned on its own.

Symbolic sizes share storage when provably equal or fitting. A function may declare upper
bounds of its size variables with the attribute ``"tir_var_upper_bound": {"n": 1024}``: a
tensor whose size those bounds make finite gets storage of its largest size instead, shared by
constant-size rules. Calling the function with a larger size is then an error the runtime's
storage bounds check reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loom.ir import IRModule, PassError
from loom.ir.graph import (
    Binding,
    Function,
    Normalizer,
    ObjectStructInfo,
    PrimValue,
    ShapeExpr,
    Var,
    VarBinding,
)
from loom.ir.graph import op as ops
from loom.ir.graph.infer import assume_sizes
from loom.ir.tir import IntImm, PrimExpr, const
from loom.ir.tir import Var as TirVar
from loom.ir.tir.arith import POS_INF, Analyzer, free_vars

from ..context import PassContext
from ..pass_infra import Pass
from .memory_lifetimes import Token, analyze_lifetimes, region_bindings
from .rewrite import BindingRewriter, map_functions
from .storage_pool import Storage, StorageKind, StoragePool

UPPER_BOUND_ATTR = "tir_var_upper_bound"
"""The function attribute declaring upper bounds of size variables, by name."""


@dataclass(frozen=True)
class StaticPlanBlockMemory(Pass):
    """Plan the intermediate tensors of every graph function (see the module docstring)."""

    required = ("LowerCallDPS",)

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Plan every graph function."""
        return map_functions(mod, lambda name, func: _plan_function(mod, name, func))


@dataclass
class _Placement:
    storage: Storage
    first: bool  # the storage's first tensor: the storage is allocated just before it


def _plan_function(mod: IRModule, name: str, func: Function) -> Function:
    lifetimes = analyze_lifetimes(func, mod)
    bounds = upper_bounds(func, name)
    placements: dict[VarBinding, _Placement] = {}
    for region, tokens in lifetimes.regions.items():
        planned = [t for t in tokens if not t.escaped and t.sinfo.values is not None]
        if planned:
            _plan_region(len(region_bindings(region)), planned, bounds, placements)
    if not placements:
        return func
    return _Placer(placements).function(func)


def _plan_region(
    count: int,
    tokens: list[Token],
    bounds: Mapping[str, int],
    placements: dict[VarBinding, _Placement],
) -> None:
    """Assign storages to the `tokens` of one region of `count` bindings, in order."""
    sizes = SizeFacts(tokens, bounds)
    pool = StoragePool(sizes.analyzer)
    by_index = {t.index: t for t in tokens}
    dying: dict[int, list[Storage]] = {}
    for index in range(count):
        token = by_index.get(index)
        if token is not None:
            sinfo = token.sinfo
            assert sinfo.dtype is not None, "LowerCallDPS allocates tensors of known dtype"
            device = int(token.binding.value.attrs["runtime_device_index"])  # type: ignore[union-attr]
            storage = pool.request(
                StorageKind(sinfo.dtype, "global", device), sizes.storage_size(tensor_bytes(token))
            )
            placements[token.binding] = _Placement(storage, storage.users == 1)
            dying.setdefault(token.last_use, []).append(storage)
        for storage in dying.pop(index, ()):
            pool.release(storage)


def tensor_bytes(token: Token) -> PrimExpr:
    """The size in bytes of the tensor `token` allocates."""
    sinfo = token.sinfo
    values = sinfo.values
    assert values is not None, "only tensors of known shape are planned"
    assert sinfo.dtype is not None, "LowerCallDPS allocates tensors of known dtype"
    size: PrimExpr = const(sinfo.dtype.bytes * sinfo.dtype.lanes, "int64")
    for v in values:
        size = size * v
    return size


class SizeFacts:
    """What is known about the sizes of some tensors: non-negative, at most declared bounds."""

    def __init__(self, tokens: Sequence[Token], bounds: Mapping[str, int]) -> None:
        self.analyzer = Analyzer()
        self.bounded: set[TirVar] = set()
        for token in tokens:
            values = token.sinfo.values or ()
            for var in (v for e in values for v in free_vars(e)):
                if var not in self.bounded and var.name_hint in bounds:
                    self.analyzer.bind(var, (0, bounds[var.name_hint] + 1))
                    self.bounded.add(var)
            assume_sizes(self.analyzer, list(values))

    def storage_size(self, size: PrimExpr) -> int | PrimExpr:
        """The bytes to allocate for `size`: an int when constant or bounded, else symbolic."""
        simple = self.analyzer.simplify(size)
        if isinstance(simple, IntImm):
            return simple.value
        if all(v in self.bounded for v in free_vars(simple)):
            bound = self.analyzer.const_int_bound(simple).max_value
            if bound != POS_INF:
                return int(bound)
        return simple


def upper_bounds(func: Function, name: str) -> dict[str, int]:
    """The upper bounds `func` declares for its size variables, by name (may be empty)."""
    declared = func.attrs.get(UPPER_BOUND_ATTR)
    if declared is None:
        return {}
    if not isinstance(declared, Mapping):
        raise PassError(
            f"in function {name}: attribute {UPPER_BOUND_ATTR!r} maps size variable names to "
            f"their upper bounds, not {declared!r}"
        )
    out: dict[str, int] = {}
    for var, bound in declared.items():
        if isinstance(bound, IntImm):
            bound = bound.value
        if not isinstance(var, str) or isinstance(bound, bool) or not isinstance(bound, int):
            raise PassError(
                f"in function {name}: {UPPER_BOUND_ATTR} must map names to ints, not "
                f"{var!r}: {bound!r}"
            )
        if bound < 0:
            raise PassError(f"in function {name}: the upper bound of {var} is negative ({bound})")
        out[var] = bound
    return out


class _Placer(BindingRewriter):
    """Rewrites the planned allocations and allocates each storage before its first tensor."""

    def __init__(self, placements: Mapping[VarBinding, _Placement]) -> None:
        self.placements = placements
        self.storage_vars: dict[Storage, Var] = {}

    def rewrite_binding(self, binding: Binding, dataflow: bool) -> Sequence[Binding] | None:
        placement = self.placements.get(binding)  # type: ignore[call-overload]
        if placement is None:
            return None
        out: list[Binding] = []
        storage = placement.storage
        alloc: Any = binding.value
        span = alloc.span
        if placement.first:
            size = ShapeExpr((storage.size_expr,), span=span)
            kind = storage.kind
            value = ops.alloc_storage(size, kind.dtype, kind.device, kind.scope, span=span)
            var = Var("storage", ObjectStructInfo(), span=span)
            out.append(VarBinding(var, _normalized(value), span=span))
            self.storage_vars[storage] = var
        tensor = ops.memory_alloc_tensor(
            self.storage_vars[storage],
            PrimValue(const(0, "int64")),
            alloc.args[0],
            alloc.attrs["dtype"],
            span=span,
        )
        out.append(VarBinding(binding.var, _normalized(tensor), span=binding.span))
        return out


def _normalized(call: Any) -> Any:
    return Normalizer().normalize(call)
