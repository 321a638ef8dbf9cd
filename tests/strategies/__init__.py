"""Hypothesis strategies shared by the test suite, one module per kind of IR.

Tests import them as ``from strategies import ...`` (``tests/`` is on the path).
"""

from .int_exprs import *  # noqa: F403
from .te_programs import *  # noqa: F403
from .tir_roundtrip import *  # noqa: F403
