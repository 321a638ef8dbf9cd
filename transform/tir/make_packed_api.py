"""MakePackedAPI: wrap each lowered prim_func in the packed C calling convention (last TIR pass).

After it ran, a prim_func takes the six params of `loom.ffi.abi`'s packed signature (``args``,
``arg_type_ids``, ``num_args``, ``out_ret_value``, ``out_ret_tcode``, ``resource_handle``), has an
empty buffer map and ``calling_conv = "packed"``, and its body is a prologue followed by the old
body. The prologue checks, in order, and fails with a message naming the function, the
argument and expected versus actual (``main: argument B: shape[1] expected 3 (m) but got 4``):

1. the argument count;
2. each scalar param's type code and range, then binds it (scalars bind first, as in the
   reference interpreter, so a shape may refer to a scalar param);
3. for each buffer param, in order: the type code (an array), that the ``DLTensor*`` is not
   NULL, rank, dtype, device (CPU), each shape entry, the strides (compact unless the buffer
   declares strides; strides of extent-1 axes are never compared), the element offset, and the
   data pointer (not NULL unless the array is empty, aligned to the element size). A shape,
   stride or offset variable binds at its first occurrence and is compared at every later one;
   other expressions are compared once everything is bound.

Every pointer is checked before it is dereferenced. The buffer's data variable is bound so that
element 0 (the array's first element) sits ``elem_offset`` elements past it, as `Buffer`
documents. numpy and DLPack promise only element alignment, so that is what is checked (and
what code generation assumes); ``check_declared_alignment`` also requires the buffer's
declared ``align``.

The prologue is ordinary printable TIR: argument slots and ``DLTensor`` fields are read through
typed ``T.decl_buffer`` views of the argument pointers (the layouts of `loom.ffi.abi`), and a
failed check calls the runtime's ``loom.runtime.argument_error`` (which formats the message and
raises) before an ``assert False`` that ends the function should it ever return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loom.ffi.abi import DLDeviceType, TypeCode
from loom.ffi.arg_errors import ARGUMENT_ERROR, escape
from loom.ffi.dtypes import to_dl
from loom.ir import DataType, IRModule, Map, PassError, dtype
from loom.ir.tir import (
    AssertStmt,
    Buffer,
    BufferLoad,
    Cast,
    DeclBuffer,
    Evaluate,
    IfThenElse,
    IntImm,
    LetStmt,
    Not,
    PrimExpr,
    PrimFunc,
    Select,
    SizeVar,
    Stmt,
    StringImm,
    Var,
    all_,
    any_,
    call_intrin,
    call_packed,
    const,
    decl_buffer,
    eq,
    ne,
    seq,
)
from loom.ir.tir.arith import free_vars

from ..context import PassContext
from ..pass_infra import Pass

I32, I64, F64, HANDLE = dtype("int32"), dtype("int64"), dtype("float64"), dtype("handle")
PACKED_PARAMS = ("args", "arg_type_ids", "num_args", "out_ret_value", "out_ret_tcode",
                 "resource_handle")  # fmt: skip
DLTENSOR_BYTES = 48
_FIELD = re.compile(r"\{\{|\}\}|\{(\w*)\}")
# DLTensor fields: (view dtype, index in that view). See loom.ffi.abi.DLTensor.
_FIELDS = {
    "data": ("handle", 0), "device_type": ("int32", 2), "ndim": ("int32", 4),
    "dtype_code": ("uint8", 20), "dtype_bits": ("uint8", 21), "dtype_lanes": ("uint16", 11),
    "shape": ("handle", 3), "strides": ("handle", 4), "byte_offset": ("int64", 5),
}  # fmt: skip


@dataclass(frozen=True)
class MakePackedAPI(Pass):
    """Wrap every prim_func in the packed calling convention (see the module docstring)."""

    required = ("FlattenBuffers",)
    check_declared_alignment: bool = False

    def transform_module(self, mod: IRModule, ctx: PassContext) -> IRModule:
        """Wrap each prim_func; functions already in packed form stay as they are."""
        out = mod
        for gv, func in mod.functions.items():
            if not isinstance(func, PrimFunc) or func.attrs.get("calling_conv") == "packed":
                continue
            wrapped = _Wrapper(gv.name_hint, func, self.check_declared_alignment).build()
            out = IRModule(out.functions.set(gv, wrapped), out.attrs, span=out.span)
        return out


def _reinterpret(t: str, value: PrimExpr) -> PrimExpr:
    return call_intrin(t, "reinterpret", value)


def _is_null(pointer: PrimExpr) -> PrimExpr:
    return eq(_reinterpret("int64", pointer), const(0, I64))


def _narrow(value: PrimExpr, t: DataType) -> PrimExpr:
    return value if value.dtype == t else Cast(t, value)


@dataclass(frozen=True)
class _Let:
    var: Var
    value: PrimExpr


@dataclass(frozen=True)
class _Decl:
    buffer: Buffer


@dataclass(frozen=True)
class _Check:
    """Fail with `template` (fields filled by `values`) unless `ok`."""

    ok: PrimExpr
    template: str
    values: tuple[PrimExpr, ...]

    def stmt(self) -> Stmt:
        """``if not ok: report(template, values); assert False``."""
        report = call_packed(ARGUMENT_ERROR, StringImm(self.template), *self.values)
        # Should the report return, the assert still ends the function (its message has the
        # template's fields left blank).
        fallback = _FIELD.sub(lambda m: m.group(0)[0] if m.group(1) is None else "?", self.template)
        stop = AssertStmt(const(False), fallback, Evaluate(const(0, I32)))
        return IfThenElse(Not(self.ok), seq(Evaluate(report), stop))


Item = _Let | _Decl | _Check


class _Wrapper:
    """Builds the prologue of one function as a list of items, then folds it around the body."""

    def __init__(self, name: str, func: PrimFunc, check_align: bool):
        self.name, self.func, self.check_align = name, func, check_align
        self.params = tuple(Var(p, I32 if p == "num_args" else HANDLE) for p in PACKED_PARAMS)
        self.items: list[Item] = []
        self.later: list[_Check] = []
        self.bound: set[Var] = set()
        self.views: dict[tuple[Var, str], Buffer] = {}

    # Prologue items ----------------------------------------------------------------------------

    def let(self, var: Var, value: PrimExpr) -> None:
        self.items.append(_Let(var, value))
        self.bound.add(var)

    def check(self, ok: PrimExpr, template: str, *values: PrimExpr, later: bool = False) -> None:
        """Fail with ``<func>: <template>`` (fields filled by `values`) unless `ok`."""
        item = _Check(ok, f"{escape(self.name)}: {template}", values)
        (self.later if later else self.items).append(item)

    def view(self, pointer: Var, t: str, extent: PrimExpr | int, hint: str) -> Buffer:
        """A typed buffer over the memory `pointer` points to, declared once."""
        buffer = self.views.get((pointer, t))
        if buffer is None:
            buffer = decl_buffer((extent,), t, f"{hint}_{t}", data=pointer)
            self.views[(pointer, t)] = buffer
            self.items.append(_Decl(buffer))
        return buffer

    def load(self, pointer: Var, t: str, index: int, extent: PrimExpr | int, hint: str) -> PrimExpr:
        return BufferLoad(self.view(pointer, t, extent, hint), (const(index, I32),))

    def fold(self, body: Stmt) -> Stmt:
        for item in reversed(self.items):
            if isinstance(item, _Let):
                body = LetStmt(item.var, item.value, body)
            elif isinstance(item, _Decl):
                body = DeclBuffer(item.buffer, body)
            else:
                body = seq(item.stmt(), body)
        return body

    # The wrapper ------------------------------------------------------------------------------

    def build(self) -> PrimFunc:
        func = self.func
        args, codes, num_args = self.params[:3]
        labels = ", ".join(escape(self.label(p)) for p in func.params)
        count = len(func.params)
        self.check(eq(num_args, count),
                   f"expected {count} argument{'s' * (count != 1)} ({labels}) but got {{}}",
                   num_args)  # fmt: skip
        slots = {p: k for k, p in enumerate(func.params)}
        for param in func.params:
            if param not in func.buffer_map:
                self.scalar(param, slots[param], args, codes, num_args)
        for param in func.params:
            buffer = func.buffer_map.get(param)
            if buffer is not None:
                self.buffer(param, buffer, slots[param], args, codes, num_args)
        for item in self.later:
            self.require_bound(item)
        self.items.extend(self.later)
        attrs = dict(func.attrs)
        attrs["calling_conv"] = "packed"
        attrs.setdefault("global_symbol", self.name)
        return PrimFunc(self.params, self.fold(func.body), Map(), Map(attrs), span=func.span)

    def require_bound(self, item: _Check) -> None:
        """A check left for the end may only use variables the arguments bind."""
        for value in item.values:
            for var in free_vars(value):
                if var not in self.bound and var not in self.params:
                    raise PassError(
                        f"{self.name}: variable {var.name_hint} cannot be bound from the "
                        f"arguments: it appears only inside {_text(value)}"
                    )

    def label(self, param: Var) -> str:
        buffer = self.func.buffer_map.get(param)
        return buffer.name if buffer is not None else param.name_hint

    def type_code(self, codes: Var, k: int, num_args: Var, hint: str) -> Var:
        code = Var(f"{hint}_code", I32)
        self.let(code, self.load(codes, "int32", k, num_args, "arg_type_ids"))
        return code

    # Scalars -----------------------------------------------------------------------------------

    def scalar(self, param: Var, k: int, args: Var, codes: Var, num_args: Var) -> None:
        t, what = param.dtype, f"argument {escape(param.name_hint)}"
        code = self.type_code(codes, k, num_args, param.name_hint)

        def accepts(*kinds: TypeCode) -> PrimExpr:
            return any_(*(eq(code, int(c)) for c in kinds))

        def slot(view: str) -> PrimExpr:
            return self.load(args, view, k, num_args, "args")

        if t.is_handle:
            self.check(accepts(TypeCode.HANDLE, TypeCode.NULL, TypeCode.DLTENSOR),
                       f"{what}: expected a pointer but got {{kind}}", code)  # fmt: skip
            raw = Var(f"{param.name_hint}_raw", HANDLE)
            self.let(raw, slot("handle"))
            tensor = eq(code, int(TypeCode.DLTENSOR))
            self.check(any_(Not(tensor), Not(_is_null(raw))), f"{what}: NULL DLTensor pointer")
            data = self.load(raw, "handle", 0, DLTENSOR_BYTES // 8, param.name_hint)
            self.let(param, call_intrin(HANDLE, "if_then_else", tensor, data, raw))
        elif t.is_float:
            self.check(accepts(TypeCode.FLOAT, TypeCode.INT, TypeCode.UINT, TypeCode.BOOL),
                       f"{what}: expected a {t} number but got {{kind}}", code)  # fmt: skip
            as_int = slot("int64")
            from_uint = Cast(F64, Cast(dtype("uint64"), as_int))
            from_int = Select(eq(code, int(TypeCode.UINT)), from_uint, Cast(F64, as_int))
            value = Select(eq(code, int(TypeCode.FLOAT)), slot("float64"), from_int)
            self.let(param, _narrow(value, t))
        elif t.is_bool:
            self.check(accepts(TypeCode.BOOL, TypeCode.INT),
                       f"{what}: expected a bool but got {{kind}}", code)  # fmt: skip
            self.let(param, ne(slot("int64"), const(0, I64)))
        else:
            self.check(accepts(TypeCode.INT, TypeCode.UINT, TypeCode.BOOL),
                       f"{what}: expected an integer ({t}) but got {{kind}}", code)  # fmt: skip
            value = Var(f"{param.name_hint}_value", I64)
            self.let(value, slot("int64"))
            unsigned = eq(code, int(TypeCode.UINT))
            # An int64 fails only with uint64 bits (>= 2**63): show them as the caller's number.
            shown = Cast(dtype("uint64"), value) if t == I64 else value
            self.check(_fits(value, t, unsigned), f"{what}: {{}} does not fit in {t}", shown)
            self.let(param, _narrow(value, t))

    # Buffers -----------------------------------------------------------------------------------

    def buffer(
        self, param: Var, buffer: Buffer, k: int, args: Var, codes: Var, num_args: Var
    ) -> None:
        name = escape(buffer.name)
        what = f"argument {name}"
        if buffer.dtype.is_vector or buffer.dtype.is_handle:
            raise PassError(f"{self.name}: {what} has element type {buffer.dtype}")
        if not param.dtype.is_handle:
            raise PassError(f"{self.name}: buffer param {param.name_hint} is not a handle")
        code = self.type_code(codes, k, num_args, buffer.name)
        self.check(eq(code, int(TypeCode.DLTENSOR)), f"{what}: expected an array but got {{kind}}",
                   code)  # fmt: skip
        self.let(param, self.load(args, "handle", k, num_args, "args"))
        self.check(Not(_is_null(param)), f"{what}: NULL DLTensor pointer")

        def field(key: str) -> PrimExpr:
            view, index = _FIELDS[key]
            extent = DLTENSOR_BYTES // DataType.parse(view).bytes
            return self.load(param, view, index, extent, buffer.name)

        ndim = buffer.ndim
        self.check(eq(field("ndim"), ndim), f"{what}: ndim expected {ndim} but got {{}}",
                   field("ndim"))  # fmt: skip
        code_, bits, _ = to_dl(buffer.dtype)
        dl_code, dl_bits = field("dtype_code"), field("dtype_bits")
        self.check(
            all_(eq(dl_code, code_), eq(dl_bits, bits)),
            f"{what}: dtype expected {buffer.dtype} but got {{dtype}}",
            dl_code,
            dl_bits,
        )
        self.check(eq(field("dtype_lanes"), 1),
                   f"{what}: dtype expected {buffer.dtype} but got {{}} lanes",
                   field("dtype_lanes"))  # fmt: skip
        self.check(
            eq(field("device_type"), int(DLDeviceType.CPU)),
            f"{what}: device expected cpu but got {{device}}",
            field("device_type"),
        )
        extents = self.shape(param, buffer, field, what)
        self.strides(param, buffer, field, extents, what)
        self.data(buffer, field, extents, what)

    def shape(self, param: Var, buffer: Buffer, field, what: str) -> list[PrimExpr]:  # type: ignore[no-untyped-def]
        if not buffer.ndim:
            return []
        pointer = Var(f"{buffer.name}_shape", HANDLE)
        self.let(pointer, field("shape"))
        self.check(Not(_is_null(pointer)), f"{what}: NULL shape pointer")
        extents = [self.load(pointer, "int64", d, buffer.ndim, f"{buffer.name}_shape")
                   for d in range(buffer.ndim)]  # fmt: skip
        for d, expected in enumerate(buffer.shape):
            self.match(expected, extents[d], f"{what}: shape[{d}]")
        return extents

    def strides(
        self, param: Var, buffer: Buffer, field, extents: list[PrimExpr], what: str
    ) -> None:  # type: ignore[no-untyped-def]
        if not buffer.ndim:
            return
        pointer = Var(f"{buffer.name}_strides", HANDLE)
        self.let(pointer, field("strides"))
        compact: list[PrimExpr] = []
        step: PrimExpr = const(1, I64)
        for extent in reversed(extents):
            compact.insert(0, step)
            step = step * extent
        for d in range(buffer.ndim):
            stored = self.load(pointer, "int64", d, buffer.ndim, f"{buffer.name}_strides")
            actual = call_intrin(I64, "if_then_else", _is_null(pointer), compact[d], stored)
            if buffer.strides:
                self.match(buffer.strides[d], actual, f"{what}: strides[{d}]", extents[d])
            else:
                ok = any_(_is_null(pointer), extents[d] <= 1, eq(actual, compact[d]))
                self.check(ok, f"{what}: expected a compact (row-major) array but strides[{d}] "
                           "is {} (expected {})", actual, compact[d])  # fmt: skip

    def data(self, buffer: Buffer, field, extents: list[PrimExpr], what: str) -> None:  # type: ignore[no-untyped-def]
        itemsize = buffer.dtype.bytes
        offset_bytes = Var(f"{buffer.name}_byte_offset", I64)
        self.let(offset_bytes, field("byte_offset"))
        start = Var(f"{buffer.name}_start", I64)  # the address of the array's first element
        self.let(start, _reinterpret("int64", field("data")) + offset_bytes)
        empty = any_(*(eq(e, 0) for e in extents)) if extents else const(False)
        self.check(any_(ne(start, const(0, I64)), empty), f"{what}: NULL data pointer")
        self.check(eq(start % itemsize, 0),
                   f"{what}: data address {{}} is not aligned to {itemsize} bytes (the size of "
                   f"{buffer.dtype})", start)  # fmt: skip
        offset = buffer.elem_offset
        if isinstance(offset, Var) and offset not in self.bound:
            self.check(
                eq(offset_bytes % itemsize, 0),
                f"{what}: byte_offset {{}} is not a multiple of {itemsize}",
                offset_bytes,
            )
            self.let(offset, _narrow(offset_bytes // itemsize, offset.dtype))
        if buffer.offset_factor > 1 and not isinstance(offset, IntImm):
            self.check(eq(offset % buffer.offset_factor, 0),
                       f"{what}: elem_offset {{}} is not a multiple of offset_factor "
                       f"{buffer.offset_factor}", Cast(I64, offset))  # fmt: skip
        element0 = const(offset.value * itemsize, I64) if isinstance(offset, IntImm) else (
            Cast(I64, offset) * itemsize)  # fmt: skip
        back = offset_bytes - element0  # bytes from the DLTensor's data pointer
        if self.check_align and buffer.align > itemsize:
            self.check(eq((start - element0) % buffer.align, 0),
                       f"{what}: data address {{}} is not aligned to {buffer.align} bytes",
                       start - element0)  # fmt: skip
        # As pointer + bytes (not an integer): code generators keep it a pointer.
        self.let(buffer.data, _reinterpret("handle", _reinterpret("int64", field("data")) + back))

    def match(self, expected: PrimExpr, actual: PrimExpr, what: str,
              extent: PrimExpr | None = None) -> None:  # fmt: skip
        """Bind `expected` (a variable met first) to `actual`, or check it against `actual`."""
        if isinstance(expected, Var) and expected not in self.bound:
            value = Var(f"{expected.name_hint}_value", I64)
            self.let(value, actual)
            self.check(_fits(value, expected.dtype, const(False)),
                       f"{what} is {{}}, which does not fit in {expected.dtype} "
                       f"({escape(expected.name_hint)})", value)  # fmt: skip
            if isinstance(expected, SizeVar):
                self.check(value >= 0, f"{what} is {{}}, but {escape(expected.name_hint)} is a "
                           "size", value)  # fmt: skip
            self.let(expected, _narrow(value, expected.dtype))
            return
        wide = _narrow(expected, I64)
        ok = eq(actual, wide)
        if extent is not None:  # a stride of an axis of extent <= 1 addresses nothing
            ok = any_(extent <= 1, ok)
        if isinstance(expected, IntImm):
            self.check(ok, f"{what} expected {expected.value} but got {{}}", actual)
        else:
            self.check(ok, f"{what} expected {{}} ({escape(_text(expected))}) but got {{}}", wide,
                       actual, later=not isinstance(expected, Var))  # fmt: skip


def _fits(value: PrimExpr, t: DataType, unsigned_bits: PrimExpr) -> PrimExpr:
    """Whether the int64 slot `value` holds a number of `t` (`unsigned_bits`: it is a uint64)."""
    if t.bits == 64:
        if t.is_uint:  # a negative int64 is out of range unless the slot holds uint64 bits
            return any_(unsigned_bits, value >= 0)
        return any_(Not(unsigned_bits), value >= 0)
    return all_(Not(unsigned_bits), value >= t.min_value(), value <= t.max_value())


def _text(expr: PrimExpr) -> str:
    try:
        return str(expr)
    except Exception:  # the printer may reject a fragment; the message still shows the value
        return type(expr).__name__


__all__ = ["PACKED_PARAMS", "MakePackedAPI"]
