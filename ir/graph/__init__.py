"""The graph IR: functions of tensor operators over values with (symbolic) struct info.

Nodes (`expr`, `binding`, `function`), struct info (`struct_info`) and the inference helpers
(`infer`), the operator registry (`op`, with the library in `op/`), normalization, functors,
the well-formedness checker and the `BlockBuilder`.
"""

from . import infer, op
from .binding import Binding, BindingBlock, DataflowBlock, If, MatchCast, SeqExpr, VarBinding
from .block_builder import BlockBuilder
from .expr import (
    Call,
    Constant,
    DataflowVar,
    Expr,
    ExternFunc,
    PrimValue,
    ShapeExpr,
    StringImm,
    Tuple,
    TupleGetItem,
    Var,
)
from .function import Function
from .functor import ExprMutator, ExprVisitor
from .normalize import Normalizer, struct_info_of
from .registry import AttrSpec, InferContext, Op, OpInfo, attr, op_info, register_op, registered_ops
from .struct_info import (
    FuncStructInfo,
    ObjectStructInfo,
    PrimStructInfo,
    ShapeStructInfo,
    StructInfo,
    TensorStructInfo,
    TupleStructInfo,
)
from .well_formed import well_formed

__all__ = [
    "AttrSpec", "Binding", "BindingBlock", "BlockBuilder", "Call", "Constant", "DataflowBlock",
    "DataflowVar", "Expr", "ExprMutator", "ExprVisitor", "ExternFunc", "FuncStructInfo",
    "Function", "If", "InferContext", "MatchCast", "Normalizer", "ObjectStructInfo", "Op",
    "OpInfo", "PrimStructInfo", "PrimValue", "SeqExpr", "ShapeExpr", "ShapeStructInfo",
    "StringImm", "StructInfo", "TensorStructInfo", "Tuple", "TupleGetItem", "TupleStructInfo",
    "Var", "VarBinding", "attr", "infer", "op", "op_info", "register_op", "registered_ops",
    "struct_info_of", "well_formed",
]  # fmt: skip
