"""The graph operator registry: each `Op` once, with attributes, inference and legalization.

`legalize` is the extension point the legalization pass reads: a function from a call to the
graph expression (typically an ``emit_te`` of a `te` program) that replaces it. Operators
registered without one are not yet lowerable; the pass reports them by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..container import Map
from ..diagnostics import StructInfoError, TypeCheckError
from ..dtype import DataType
from ..module import IRModule
from ..span import Span
from ..tir import PrimExpr
from ..tir.arith import Analyzer
from .expr import Expr
from .struct_info import StructInfo

if TYPE_CHECKING:
    from .expr import Call
    from .infer.shape import RuntimeCheck


@dataclass(frozen=True, slots=True, eq=False)
class Op(Expr):
    """A graph operator, interned by name (``Op.get("add")``). Script: ``R.<name>``.

    Only valid as a call's callee, so it has no struct info of its own.
    """

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    name: str
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    @staticmethod
    def get(name: str, span: Span | None = None) -> Op:
        """The registered op called `name`."""
        return op_info(name, span).op


@dataclass(frozen=True, slots=True)
class AttrSpec:
    """One attribute: the Python types its value may have, and its default (`REQUIRED`: none)."""

    types: tuple[type, ...]
    default: Any = None
    required: bool = False


def attr(*types: type, default: Any = None, required: bool = False) -> AttrSpec:
    """Declare an attribute of `types` (a tuple of them is also accepted as a value)."""
    return AttrSpec(types, default, required)


@dataclass
class InferContext:
    """What an inference function may consult.

    An analyzer for proofs, the module (to look up called functions), the call's span for
    errors, and a sink for run-time checks.
    """

    analyzer: Analyzer = field(default_factory=Analyzer)
    module: IRModule | None = None
    span: Span | None = None
    checks: list[RuntimeCheck] = field(default_factory=list)


InferFn = Callable[["Call", InferContext], StructInfo]
LegalizeFn = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class OpInfo:
    """The registry entry of a graph operator. `num_args` is None for variadic ops."""

    op: Op
    infer: InferFn
    attrs_schema: Map[str, AttrSpec]
    num_args: int | None
    pure: bool = True
    legalize: LegalizeFn | None = None

    def check_attrs(self, attrs: Mapping[str, Any], span: Span | None = None) -> Map[str, Any]:
        """Validate `attrs` against the schema; return them with defaults filled in."""
        out: dict[str, Any] = {}
        for key in attrs:
            if key not in self.attrs_schema:
                known = ", ".join(self.attrs_schema) or "none"
                raise TypeCheckError(
                    f"R.{self.op.name} has no attribute {key!r} (it takes: {known})", span
                )
        for key, spec in self.attrs_schema.items():
            if key not in attrs:
                if spec.required:
                    raise TypeCheckError(f"R.{self.op.name} needs attribute {key!r}", span)
                out[key] = spec.default
                continue
            value = attrs[key]
            if not _matches(value, spec.types):
                names = " or ".join(t.__name__ for t in spec.types)
                raise TypeCheckError(
                    f"attribute {key!r} of R.{self.op.name} must be {names}, not {value!r}", span
                )
            out[key] = tuple(value) if isinstance(value, list) else value
        return Map(out)

    def check_arity(self, call: Call) -> None:
        """Raise unless `call` passes the number of arguments the op takes."""
        if self.num_args is not None and len(call.args) != self.num_args:
            raise StructInfoError(
                f"R.{self.op.name} takes {self.num_args} arguments, got {len(call.args)}",
                call.span,
            )


def _matches(value: Any, types: tuple[type, ...]) -> bool:
    if value is None:
        return type(None) in types
    if isinstance(value, tuple | list) and tuple in types:
        return True
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


_OPS: dict[str, OpInfo] = {}


def register_op(
    name: str,
    *,
    infer: InferFn,
    attrs_schema: Mapping[str, AttrSpec] | None = None,
    num_args: int | None = None,
    pure: bool = True,
    legalize: LegalizeFn | None = None,
) -> Op:
    """Register a graph operator; registering a name twice is an error (ops are global)."""
    if name in _OPS:
        raise TypeCheckError(f"graph op {name!r} is already registered")
    info = OpInfo(Op(name), infer, Map(dict(attrs_schema or {})), num_args, pure, legalize)
    _OPS[name] = info
    return info.op


def set_legalize(name: str, legalize: LegalizeFn) -> None:
    """Attach the legalization of a registered op (the lowering passes' extension point)."""
    info = op_info(name)
    _OPS[name] = OpInfo(info.op, info.infer, info.attrs_schema, info.num_args, info.pure, legalize)


def op_info(op: Op | str, span: Span | None = None) -> OpInfo:
    """The registry entry of an op (by name or `Op`)."""
    name = op if isinstance(op, str) else op.name
    try:
        return _OPS[name]
    except KeyError:
        raise TypeCheckError(f"unknown graph operator R.{name}", span) from None


def registered_ops() -> tuple[str, ...]:
    """Names of every registered graph operator."""
    return tuple(_OPS)


ATTR_SCALAR = (int, float, str, bool, DataType, PrimExpr)
"""The attribute value types the script printer knows how to print."""
