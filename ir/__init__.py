"""The shared IR core: nodes, dtypes, spans and diagnostics, structural equality, modules."""

from .container import Map
from .diagnostics import (
    InterpreterError,
    LoomError,
    ParseError,
    PassError,
    StructInfoError,
    StructuralEqualError,
    TypeCheckError,
    WellFormedError,
    render,
)
from .dtype import DataType, dtype
from .functor import Functor, Mutator, Visitor
from .module import BaseFunc, GlobalVar, IRModule
from .node import Node, child_fields, replace
from .span import SourceFile, Span
from .structural import assert_structural_equal, structural_equal, structural_hash

__all__ = [
    "BaseFunc",
    "DataType",
    "Functor",
    "GlobalVar",
    "IRModule",
    "InterpreterError",
    "LoomError",
    "Map",
    "Mutator",
    "Node",
    "ParseError",
    "PassError",
    "SourceFile",
    "Span",
    "StructInfoError",
    "StructuralEqualError",
    "TypeCheckError",
    "Visitor",
    "WellFormedError",
    "assert_structural_equal",
    "child_fields",
    "dtype",
    "render",
    "replace",
    "structural_equal",
    "structural_hash",
]
