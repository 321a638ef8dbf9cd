"""The script language: T, R and I dialects, parsed from Python source and printed back.

The round-trip contract (see FORMAT.md beside this file): for every module or prim_func `m`,
``from_source(m.script())`` is structurally equal to `m`, and printing that again gives the same
text.

Parsing: ``@T.prim_func``, ``@R.function`` and ``@I.ir_module`` read the decorated function's or
class's source from its file (spans carry the real file, line and column) and walk its Python AST
with one handler table per dialect (`parser`); `from_source` does the same for text, whatever
names the text imports the dialects under. Names of the enclosing Python scope are usable in
scripts: a sub-expression made only of Python values (``N * 2``) is evaluated by Python at parse
time; literals are script constants (``2 + 3`` builds IR). Errors are `loom.ir.ParseError`s
pointing at the offending source.

``from loom.script import ir as I, relax as R, tir as T``
"""

from . import ir, relax, tir
from .parser import from_source

__all__ = ["from_source", "ir", "relax", "tir"]
