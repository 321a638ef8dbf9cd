"""Arithmetic analysis of TensorIR integer expressions: simplification, proofs, bounds, ranges.

`Analyzer` is the entry point. Inside: constant folding (`const_fold`), the canonical
sum-of-products form (`canonical`, `division`), rewrite rules (`pattern`, `rules_*`), constant
bounds (`bound`, `const_bound`), symbolic intervals (`int_set`) and assumed facts
(`knowledge`, `assume`), tied together by the `simplifier` engine.
"""

from .analyzer import Analyzer, ArithError, simplify
from .bound import NEG_INF, POS_INF, ConstIntBound
from .int_set import IntervalSet
from .pattern import Rule, RuleSet
from .traverse import expr_equal, free_vars, substitute

__all__ = [
    "NEG_INF",
    "POS_INF",
    "Analyzer",
    "ArithError",
    "ConstIntBound",
    "IntervalSet",
    "Rule",
    "RuleSet",
    "expr_equal",
    "free_vars",
    "simplify",
    "substitute",
]
