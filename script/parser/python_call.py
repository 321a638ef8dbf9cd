"""Calls the parser runs at parse time, shared by every dialect: dtype constructors and Python.

``T.int64()`` declares a variable and ``T.int64(3)`` makes a constant; any other callable (a
dialect function, or a Python function of the enclosing scope) runs on the evaluated arguments.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from loom.ir import LoomError, tir

from .construct import Construct, DTypeConstructor, make_typed
from .core import Binding, Evaluated, Parser, describe, signature_text


def dtype_call(
    p: Parser, func: DTypeConstructor, node: ast.Call, names: tuple[str, ...] | None
) -> Any:
    """``T.int64()`` declares a variable (named by the assignment); ``T.int64(3)`` a constant."""
    spec = Construct("tir", str(func.dtype), DTypeConstructor.__call__.__get__(func))
    args = p.construct_args(spec, node)
    is_size_var = args.value("is_size_var")
    if not args.has("value"):
        cls = tir.SizeVar if is_size_var else tir.Var
        return Binding((cls(names[0] if names else "v", func.dtype, span=p.span(node)),))
    with p.attach(node):
        return make_typed(func.dtype, args.value("value"), is_size_var, "v")


def call_python(p: Parser, func: Any, node: ast.Call) -> Any:
    """Run `func` on the call's evaluated arguments, checked against its signature."""
    if not callable(func):
        raise p.error(f"{describe(func)} is not callable", node.func)
    positional, keywords = p.call_args(node)
    args = [p.eval_item(a) for a in positional]
    kwargs = {k: p.eval_item(v) for k, v in keywords.items()}
    name = ast.unparse(node.func)
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None  # a builtin: nothing to check against
    if signature is not None:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as err:
            raise p.error(f"bad arguments to {name}{signature_text(func)}: {err}", node) from None
    if getattr(func, "__module__", "").startswith("loom.script."):
        # A dialect function computes on values: a whole buffer is a mistake for an element.
        items = [*zip(positional, args), *zip(keywords.values(), kwargs.values())]
        for item, value in items:
            if isinstance(value, tir.Buffer):
                where = item.node if isinstance(item, Evaluated) else item
                message = f"buffer {value.name} is not a value; load an element: {value.name}[...]"
                raise p.error(message, where)
    try:
        return func(*args, **kwargs)
    except LoomError:
        raise
    except Exception as err:
        raise p.error(f"calling {name} failed: {type(err).__name__}: {err}", node) from err
