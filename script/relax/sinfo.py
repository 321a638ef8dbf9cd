"""``R.Tensor``, ``R.Shape``, ``R.Tuple``, ``R.Object``, ``R.Prim``, ``R.Callable``: struct info.

In a script the parser reads these from the AST (symbolic sizes resolve against the function's
names). Python also evaluates them eagerly in signatures, so each has a runtime form that
builds the struct info directly: a string size (``"n"``, ``"n * m"``) becomes a fresh int64
variable there, shared by the names of one call. Used bare (``R.Object``, ``R.Tensor``) each
means its least specific struct info.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any, ClassVar

from loom.ir import LoomError, tir
from loom.ir.graph import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
    Var,
)

from ..parser.construct import to_dtype
from .construct import RelaxConstruct


class StructInfoConstruct(RelaxConstruct):
    """A struct info constructor: called, used bare, or subscripted (``R.Tensor[(n,), "f32"]``)."""

    def bare(self) -> StructInfo:
        """The struct info the bare name means (``R.Object``, ``R.Tensor``: unknown tensor)."""
        assert self.runtime is not None
        return self.runtime()

    def __getitem__(self, key: Any) -> StructInfo:
        """The seed form: ``R.Tensor[(n, d), "float32"]`` is ``R.Tensor((n, d), "float32")``."""
        assert self.runtime is not None
        if isinstance(key, tuple) and seed_has_dtype(key):
            return self.runtime(*key)
        return self.runtime(key)


def seed_has_dtype(key: tuple) -> bool:
    """Whether ``R.Tensor[key]`` lists ``shape, dtype`` rather than the sizes of a shape."""
    return bool(key) and (
        isinstance(key[0], tuple | list | Var) or any(isinstance(k, str) for k in key[1:])
    )


def as_struct_info(value: Any) -> StructInfo:
    """A struct info value, or a bare struct info constructor, as struct info."""
    if isinstance(value, StructInfoConstruct):
        return value.bare()
    if isinstance(value, StructInfo):
        return value
    raise LoomError(f"expected a struct info such as R.Tensor(...), not {value!r}")


class _Sizes:
    """Names in runtime string sizes: each name is one fresh int64 variable."""

    def __init__(self) -> None:
        self.vars: dict[str, tir.Var] = {}

    def value(self, item: Any) -> tir.PrimExpr | int:
        if isinstance(item, str):
            return self._parse(item)
        if isinstance(item, bool) or not isinstance(item, int | tir.PrimExpr):
            raise LoomError(f"a size is an int, a PrimExpr or a string, not {item!r}")
        return item

    def _parse(self, text: str) -> tir.PrimExpr:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            raise LoomError(f"the size {text!r} is not an expression") from None
        return _Arith(self).visit(tree.body)


class _Arith(ast.NodeVisitor):
    """Evaluates the integer arithmetic of a string size over named int64 variables."""

    _OPS: ClassVar[dict[type, type]] = {
        ast.Add: tir.Add,
        ast.Sub: tir.Sub,
        ast.Mult: tir.Mul,
        ast.FloorDiv: tir.FloorDiv,
        ast.Mod: tir.FloorMod,
        ast.Div: tir.Div,
    }
    # The T functions the printer may write inside an integer size expression.
    _CALLS: ClassVar[dict[str, type]] = {
        "min": tir.Min,
        "max": tir.Max,
        "truncdiv": tir.Div,
        "truncmod": tir.Mod,
        "floordiv": tir.FloorDiv,
        "floormod": tir.FloorMod,
    }

    def __init__(self, sizes: _Sizes):
        self.sizes = sizes

    def visit_Name(self, node: ast.Name) -> tir.PrimExpr:
        if node.id not in self.sizes.vars:
            self.sizes.vars[node.id] = tir.Var(node.id, "int64")
        return self.sizes.vars[node.id]

    def visit_Constant(self, node: ast.Constant) -> tir.PrimExpr:
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise LoomError(f"a size holds integers, not {node.value!r}")
        return tir.const(node.value, "int64")

    def visit_BinOp(self, node: ast.BinOp) -> tir.PrimExpr:
        cls = self._OPS.get(type(node.op))
        if cls is None:
            raise LoomError(f"unsupported operator in a size: {ast.unparse(node)}")
        return tir.binary(cls, self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> tir.PrimExpr:
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            return tir.const(-self.visit(node.operand).value, "int64")
        raise LoomError(f"unsupported operator in a size: {ast.unparse(node)}")

    def visit_Call(self, node: ast.Call) -> tir.PrimExpr:
        func, args = node.func, node.args
        name = func.attr if isinstance(func, ast.Attribute) else None
        if name in self._CALLS and len(args) == 2 and not node.keywords:
            return tir.binary(self._CALLS[name], self.visit(args[0]), self.visit(args[1]))
        # A typed constant, ``T.int64(2)``, as printed inside a size expression.
        if (
            isinstance(func, ast.Attribute)
            and len(args) == 1
            and not node.keywords
            and isinstance(args[0], ast.Constant)
            and type(args[0].value) is int
        ):
            element = to_dtype(func.attr)
            if element.is_integer and element.is_scalar:
                return tir.const(args[0].value, element)
        raise LoomError(f"unsupported call in a size: {ast.unparse(node)}")

    def generic_visit(self, node: ast.AST) -> Any:
        raise LoomError(f"unsupported syntax in a size: {ast.unparse(node)}")


def _shape_values(shape: Sequence[Any], sizes: _Sizes) -> tuple[tir.PrimExpr, ...]:
    out = []
    for item in shape:
        value = sizes.value(item)
        out.append(tir.const(value, "int64") if isinstance(value, int) else value)
    return tuple(out)


def _tensor(shape: Any = None, dtype: Any = None, ndim: int = -1) -> TensorStructInfo:
    """A tensor: ``R.Tensor((n, 4), "float32")``, ``R.Tensor(dtype="float32", ndim=2)``.

    `shape` is a tuple of sizes (ints, PrimExprs, strings such as ``"n"``), a shape variable,
    or None (unknown); `dtype` None is an unknown dtype; `ndim` -1 an unknown rank.
    """
    if isinstance(shape, str) and dtype is None:  # R.Tensor("float32"), an older spelling
        shape, dtype = None, shape
    element = None if dtype is None else to_dtype(dtype)
    if isinstance(shape, tuple | list):
        return TensorStructInfo(_shape_values(shape, _Sizes()), element, ndim)
    return TensorStructInfo(shape, element, ndim)


def _shape(values: Any = None, ndim: int = -1) -> ShapeStructInfo:
    """A shape value: ``R.Shape([n, 4])``, ``R.Shape(ndim=2)``, or ``R.Shape`` (any)."""
    if values is None:
        return ShapeStructInfo(None, ndim)
    return ShapeStructInfo(_shape_values(values, _Sizes()), ndim)


def _tuple(*fields: Any) -> TupleStructInfo:
    """A tuple of values of the given struct infos: ``R.Tuple(R.Tensor, R.Object)``."""
    return TupleStructInfo(tuple(as_struct_info(f) for f in fields))


def _object() -> ObjectStructInfo:
    """Any value: ``R.Object``."""
    return ObjectStructInfo()


def _prim(dtype: Any = None, value: Any = None) -> PrimStructInfo:
    """A scalar: ``R.Prim("int64")``, or a known value ``R.Prim(value=n)``."""
    element = None if dtype is None else to_dtype(dtype)
    if value is None:
        return PrimStructInfo(element)
    expr = _Sizes().value(value)
    if isinstance(expr, int):  # as in the T dialect: 3 is int32
        expr = tir.const(expr, element)
    return PrimStructInfo(element, expr)


def _callable(params: Any = None, ret: Any = None, purity: bool = True) -> FuncStructInfo:
    """A function: ``R.Callable((R.Tensor,), R.Tensor)``; params None: any arguments."""
    ret_info = ObjectStructInfo() if ret is None else as_struct_info(ret)
    if params is None:
        return FuncStructInfo(None, ret_info, purity)
    return FuncStructInfo(tuple(as_struct_info(p) for p in params), ret_info, purity)


Tensor = StructInfoConstruct("Tensor", _tensor, runtime=_tensor)
Shape = StructInfoConstruct("Shape", _shape, runtime=_shape)
Tuple = StructInfoConstruct("Tuple", _tuple, runtime=_tuple)
Object = StructInfoConstruct("Object", _object, runtime=_object)
Prim = StructInfoConstruct("Prim", _prim, runtime=_prim)
Callable = StructInfoConstruct("Callable", _callable, runtime=_callable)
