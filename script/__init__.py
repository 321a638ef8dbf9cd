"""The script language: T and I dialects, parsed from Python source and printed back.

The round-trip contract (see FORMAT.md beside this file): for every module or prim_func `m`,
``from_source(m.script())`` is structurally equal to `m`, and printing that again gives the same
text.
"""
