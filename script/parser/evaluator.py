"""The one evaluator of Python values: names a script sees, and the Python sub-expressions it runs.

A script sees, innermost first: its own bindings (loop variables, buffers, lets, and Python values
bound by ``x = <python value>``), the enclosing Python scope captured at decoration (locals,
class-body names), then globals and builtins. A sub-expression made only of Python values from
that scope (``N * 2``, ``shape[0]``, ``cfg.tile``) is run by Python itself; one that only has
literals (``2 + 3``) is script, and builds IR, so that printed IR parses back unchanged.
"""

from __future__ import annotations

import ast
import builtins
from typing import Any

import numpy as np

from loom.ir import Node, ParseError

from .construct import Construct, DTypeConstructor
from .source import Source

MISSING = object()  # what `Scope.lookup` returns for an undefined name


def is_script_value(value: Any) -> bool:
    """Whether the parser, not Python, gives `value` its meaning (IR, dialects, constructs)."""
    return (
        isinstance(value, Node | Construct | DTypeConstructor)
        or getattr(value, "__loom_dialect__", None) is not None
    )


def python_scalar(value: Any) -> Any:
    """Numpy scalars as the Python numbers they hold; anything else unchanged."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


class Scope:
    """Name lookup for one script: nested binding frames over the captured Python scope."""

    def __init__(self, globals_: dict[str, Any], locals_: dict[str, Any] | None = None):
        self.globals = globals_
        self.locals = dict(locals_ or {})
        self.frames: list[dict[str, Any]] = [{}]

    def child(self) -> Scope:
        """A fresh scope over the same Python scope (one per function of a module)."""
        return Scope(self.globals, self.locals)

    def push(self) -> None:
        """Open a nested binding frame."""
        self.frames.append({})

    def pop(self, keep_python: bool = False) -> None:
        """Close the innermost frame; `keep_python` hands its Python values to the parent."""
        frame = self.frames.pop()
        if keep_python:
            self.frames[-1].update((k, v) for k, v in frame.items() if not is_script_value(v))

    def bind(self, name: str, value: Any) -> None:
        """Bind `name` in the innermost frame."""
        self.frames[-1][name] = value

    def bind_outermost(self, name: str, value: Any) -> None:
        """Bind `name` in the function-level frame (declarations made by a signature)."""
        self.frames[0][name] = value

    def lookup(self, name: str) -> Any:
        """The value of `name`, or `MISSING`."""
        for frame in reversed(self.frames):
            if name in frame:
                return frame[name]
        for table in (self.locals, self.globals):
            if name in table:
                return table[name]
        builtin = self.globals.get("__builtins__", builtins)
        table = builtin if isinstance(builtin, dict) else vars(builtin)
        return table.get(name, MISSING)

    def python_env(self) -> dict[str, Any]:
        """One dict with every name, for Python's `eval` (comprehensions only see globals)."""
        env = dict(self.globals)
        env.setdefault("__builtins__", builtins)
        env.update(self.locals)
        for frame in self.frames:
            env.update(frame)
        return env


class Evaluator:
    """Decides which sub-expressions are plain Python and runs them."""

    def __init__(self, source: Source, scope: Scope):
        self.source = source
        self.scope = scope

    def lookup(self, name: str) -> Any:
        """The value of `name`, or `MISSING`."""
        return self.scope.lookup(name)

    def is_python(self, node: ast.expr) -> bool:
        """Whether `node` uses at least one Python value of the scope and nothing but those."""
        if isinstance(node, ast.Constant):
            return False
        names: list[str] = []
        bound: set[str] | None = None
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                names.append(sub.id)
            elif isinstance(sub, ast.comprehension | ast.Lambda) and bound is None:
                bound = _locally_bound(node)
            elif isinstance(sub, ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom):
                return False
        uses_scope = False
        for name in names:
            if bound is not None and name in bound:
                continue
            value = self.scope.lookup(name)
            if value is MISSING or is_script_value(value):
                return False
            uses_scope = True
        return uses_scope

    def eval_python(self, node: ast.expr) -> Any:
        """Run `node` with Python in the script's scope."""
        expression = ast.Expression(body=node)
        try:
            code = compile(expression, self.source.file.name, "eval")
            return python_scalar(eval(code, self.scope.python_env()))
        except Exception as err:
            raise ParseError(
                f"evaluating the Python expression `{ast.unparse(node)}` failed: "
                f"{type(err).__name__}: {err}",
                self.source.span(node),
            ) from err


def _locally_bound(node: ast.expr) -> set[str]:
    """Names that comprehensions and lambdas inside `node` bind for themselves."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.comprehension):
            names.update(n.id for n in ast.walk(sub.target) if isinstance(n, ast.Name))
        elif isinstance(sub, ast.Lambda):
            args = sub.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                names.add(arg.arg)
            names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names
