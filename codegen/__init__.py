"""Code generation: `Target`, `build`, and the LLVM backend (TIR to native CPU code)."""

from .build import build, lower
from .errors import CodegenError
from .target import Target, TargetError, as_target

__all__ = ["CodegenError", "Target", "TargetError", "as_target", "build", "lower"]
