"""`Function`: a graph function, held by an `IRModule` next to prim_funcs (or nested, a closure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..container import Map
from ..diagnostics import TypeCheckError
from ..module import BaseFunc
from .binding import SeqExpr
from .expr import Expr, Var
from .infer.subtype import defined_size_vars, erase_to_well_defined
from .struct_info import FuncStructInfo, StructInfo


@dataclass(frozen=True, slots=True, eq=False)
class Function(BaseFunc, Expr):
    """A function of graph values: annotated `params`, a `SeqExpr` body, a result struct info.

    `is_pure` says whether it is free of side effects. `ret_struct_info` defaults to the body's
    (sizes the parameters do not define erased). Its symbolic sizes may only use those defined by
    the parameters (a caller cannot see the others). Script: ``@R.function def f(x: R.Tensor(
    (n,), "float32")) -> R.Tensor((n,), "float32"): ...``; ``@R.function(pure=False)``.
    """

    _ignored: ClassVar[tuple[str, ...]] = ("struct_info",)

    params: tuple[Var, ...]
    body: SeqExpr
    ret_struct_info: StructInfo | None = None
    is_pure: bool = True
    attrs: Map[str, Any] = field(default_factory=Map)
    struct_info: StructInfo | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        for p in self.params:
            if not isinstance(p, Var):
                raise TypeCheckError(f"a function parameter must be a Var, not {p!r}", self.span)
        if not isinstance(self.body, SeqExpr):
            raise TypeCheckError(
                f"a function body must be a SeqExpr, not {type(self.body).__name__}", self.span
            )
        ret = self.ret_struct_info
        if ret is None:
            ret = self.body.struct_info
            if ret is None:
                raise TypeCheckError(
                    "a function needs ret_struct_info when its body has no struct info yet",
                    self.span,
                )
            # A caller sees only the sizes the parameters define.
            defined = set(defined_size_vars([p.struct_info for p in self.params]))
            ret = erase_to_well_defined(ret, lambda v: v in defined)
            object.__setattr__(self, "ret_struct_info", ret)
        elif not isinstance(ret, StructInfo):
            raise TypeCheckError(f"ret_struct_info must be StructInfo, not {ret!r}", self.span)
        if not isinstance(self.attrs, Map):
            object.__setattr__(self, "attrs", Map(self.attrs))
        params = tuple(p.struct_info for p in self.params)
        object.__setattr__(self, "struct_info", FuncStructInfo(params, ret, self.is_pure))

    def with_attr(self, key: str, value: Any) -> Function:
        """Return a copy with one attribute set."""
        from ..node import replace

        return replace(self, attrs=self.attrs.set(key, value))
