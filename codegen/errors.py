"""The error code generation raises for IR it cannot compile."""

from loom.ir import LoomError


class CodegenError(LoomError):
    """A function cannot be compiled: unlowered IR, an unsupported construct, a missing symbol."""
