"""``R.<op>``: every registered graph operator, looked up in the registry when named.

An op's registered name is its script path after ``R.`` (``add``, ``nn.relu``,
``image.resize2d``); a dotted prefix is a namespace (``R.nn``). Nothing is listed ahead of
time, so operators registered later appear as soon as they exist.

Called from Python, ``R.add(x, y)`` builds the (unnormalized) `Call` a script builds: the first
arguments are the operands (as many as the op takes), the rest and the keywords are attributes
in schema order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from loom.ir import DataType, GlobalVar, LoomError, TypeCheckError, dtype, tir
from loom.ir import graph as g

from ..parser.construct import DTypeConstructor
from .construct import RelaxConstruct


def _operands(*args: Any, **attrs: Any) -> None:
    """Operands, then attributes (positionally in schema order, or as keywords)."""


class OpRef(RelaxConstruct):
    """``R.<name>``: the registered graph operator `name`."""

    def __init__(self, name: str):
        super().__init__(name, _operands, runtime=self._build)
        self.__doc__ = f"The graph operator {name} (see loom.ir.graph.op_info({name!r}))."

    @property
    def info(self) -> g.OpInfo:
        """The operator's registry entry."""
        return g.op_info(self.name)

    def _build(self, *args: Any, **attrs: Any) -> g.Call:
        operands, attrs = split_operands(self.info, list(args), attrs)
        return make_op_call(self.info, tuple(as_operand(a) for a in operands), attrs)


def split_operands(
    info: g.OpInfo, positional: list[Any], keywords: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Split a call's arguments into operands and attributes by the op's arity and schema.

    Positional arguments beyond the arity fill the attributes in schema order when they fit;
    otherwise they stay operands, so the arity check names the real mistake.
    """
    names = list(info.attrs_schema)
    count = info.num_args
    if count is None or len(positional) <= count or len(positional) > count + len(names):
        return positional, dict(keywords)
    attrs = dict(zip(names, positional[count:], strict=False))
    for key, value in keywords.items():
        if key in attrs:
            raise TypeCheckError(f"R.{info.op.name} got attribute {key!r} twice")
        attrs[key] = value
    return positional[:count], attrs


def make_op_call(
    info: g.OpInfo, operands: tuple[Any, ...], attrs: dict[str, Any], span: Any = None
) -> g.Call:
    """The call of `info`'s op, its attributes and arity checked by the registry."""
    attrs = {key: _coerce(info, key, value) for key, value in attrs.items()}
    call = g.Call(info.op, operands, info.check_attrs(attrs, span), span=span)
    info.check_arity(call)
    return call


def _coerce(info: g.OpInfo, key: str, value: Any) -> Any:
    """An attribute value in the type the schema holds, where the script spells it otherwise.

    Lists become tuples (at every depth); a dtype written as a string or as ``T.float16``
    becomes a `DataType`; a lone int becomes a one-element tuple where only tuples are taken
    (``axis=1`` for ``axis=(1,)``).
    """
    if isinstance(value, list | tuple):
        value = tuple(_coerce(info, "", v) for v in value)
    if isinstance(value, DTypeConstructor):
        value = value.dtype
    spec = info.attrs_schema.get(key)
    if spec is None:
        return value
    if isinstance(value, str) and DataType in spec.types and str not in spec.types:
        with contextlib.suppress(LoomError):  # not a dtype: the schema check says so
            value = dtype(value)
    if type(value) is int and tuple in spec.types and int not in spec.types:
        value = (value,)
    return value


def as_operand(value: Any) -> Any:
    """A Python value as an operand: sizes make a shape, other sequences a tuple."""
    if isinstance(value, g.Expr | GlobalVar):
        return value
    if isinstance(value, tuple | list):
        if value and all(is_size(v) for v in value):
            return g.ShapeExpr(tuple(value))
        return g.Tuple(tuple(as_operand(v) for v in value))
    if isinstance(value, tir.PrimExpr) or (isinstance(value, int) and not isinstance(value, bool)):
        return g.PrimValue(value)
    raise LoomError(f"an operand must be a graph expression, not {value!r}")


def is_size(value: Any) -> bool:
    """Whether `value` is an integer size (a Python int or an integer PrimExpr)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, tir.PrimExpr) and value.dtype.is_integer and value.dtype.is_scalar
    )


class OpNamespace:
    """``R.nn``, ``R.image``: the operators whose names start with ``<prefix>.``."""

    __loom_dialect__ = "relax"

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        found = lookup(f"{self.prefix}.{name}")
        if found is None:
            raise AttributeError(f"R.{self.prefix} has no operator {name!r}")
        return found

    def __dir__(self) -> list[str]:
        return sorted(members(self.prefix))

    def __repr__(self) -> str:
        return f"R.{self.prefix}"


def lookup(path: str) -> OpRef | OpNamespace | None:
    """The op called `path`, or the namespace of the ops under it, or None."""
    ops = g.registered_ops()
    if path in ops:
        return OpRef(path)
    if any(name.startswith(path + ".") for name in ops):
        return OpNamespace(path)
    return None


def members(prefix: str = "") -> Iterator[str]:
    """The names directly under `prefix` (``""``: the top level): ops and namespaces."""
    start = f"{prefix}." if prefix else ""
    seen: set[str] = set()
    for name in g.registered_ops():
        if name.startswith(start):
            head = name[len(start) :].split(".", 1)[0]
            if head not in seen:
                seen.add(head)
                yield head


def op_names(prefix: str = "") -> Sequence[str]:
    """Every registered op under `prefix`, as written after ``R.``."""
    start = f"{prefix}." if prefix else ""
    return [name for name in g.registered_ops() if name.startswith(start)]
