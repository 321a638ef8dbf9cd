"""Random, well-scoped TIR expressions, statements, prim_funcs and modules for the round trip."""

from __future__ import annotations

# =============================================================================================
# TIR statements and functions (round trip)
#
# Random, well-scoped prim_funcs for the printer/parser round trip: every expression node kind
# (constants of every dtype, negative ones, casts, selects, intrinsic calls, loads, lets,
# vectors) and every statement kind (stores, loops of every kind, blocks with iteration
# variables, if/else, while, let, assert, allocate, decl_buffer, sequences, with the binding
# statements both last in a sequence and before other statements). A variable is used only
# where it is bound; a block's body does not use the enclosing loop variables.
import dataclasses as _dataclasses

import ml_dtypes as _ml_dtypes
from hypothesis import strategies as _st

from loom.ir import DataType as _DataType
from loom.ir import IRModule as _IRModule
from loom.ir import Map as _Map
from loom.ir import tir as _tir

TIR_INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
TIR_FLOAT_DTYPES = ("float16", "float32", "float64", "bfloat16")
TIR_DTYPES = (*TIR_INT_DTYPES, *TIR_FLOAT_DTYPES, "bool")
# Hints that the namer must repair or deduplicate: keywords, script names, clashes, junk.
TIR_NAME_HINTS = (
    *("i", "j", "x", "n", "v", "A", "buf", "i", "for", "T", "I", "range", "None", "lambda"),
    *("1st", "a.b", "", "_", "data", "v_1", "π", "x y", "True"),
)
THREAD_TAGS = ("blockIdx.x", "blockIdx.y", "threadIdx.x", "threadIdx.y", "vthread")
_BINARY_INT = (
    *(_tir.Add, _tir.Sub, _tir.Mul, _tir.Div, _tir.Mod, _tir.FloorDiv, _tir.FloorMod),
    *(_tir.Min, _tir.Max),
)
_BINARY_FLOAT = (_tir.Add, _tir.Sub, _tir.Mul, _tir.Div, _tir.Min, _tir.Max)
_COMPARE = (_tir.EQ, _tir.NE, _tir.LT, _tir.LE, _tir.GT, _tir.GE)
_SAME_BITS = {
    **{"int32": "float32", "int64": "float64", "int16": "float16", "uint16": "bfloat16"},
    **{"float32": "int32", "float64": "int64", "float16": "int16", "bfloat16": "uint16"},
}


def _t(name: str) -> _DataType:
    return _DataType.parse(name)


@_dataclasses.dataclass(frozen=True)
class TirScope:
    """What generated code may refer to: scalar variables and buffers, by where they are bound."""

    vars: tuple = ()
    buffers: tuple = ()
    loops: tuple = ()  # loop variables among `vars`: a block's body may not use them

    def with_vars(self, *variables: _tir.Var) -> TirScope:
        return _dataclasses.replace(self, vars=(*self.vars, *variables))

    def with_loop(self, var: _tir.Var) -> TirScope:
        return _dataclasses.replace(self, vars=(*self.vars, var), loops=(*self.loops, var))

    def without_loops(self) -> TirScope:
        kept = tuple(v for v in self.vars if not any(v is loop for loop in self.loops))
        return _dataclasses.replace(self, vars=kept, loops=())

    def with_buffers(self, *buffers: _tir.Buffer) -> TirScope:
        return _dataclasses.replace(self, buffers=(*self.buffers, *buffers))

    def of_dtype(self, t: _DataType) -> list:
        return [v for v in self.vars if v.dtype == t]


def tir_name_hints() -> _st.SearchStrategy[str]:
    """Name hints, including ones that are not valid or not free Python identifiers."""
    return _st.sampled_from(TIR_NAME_HINTS)


def _float_values(t: _DataType) -> _st.SearchStrategy[float]:
    if t.kind == "bfloat":
        finite = _st.floats(allow_nan=False, allow_infinity=False, width=32).map(
            lambda v: float(_ml_dtypes.bfloat16(v))
        )
    else:
        finite = _st.floats(allow_nan=False, allow_infinity=False, width=t.bits)
    special = _st.sampled_from(
        [0.0, -0.0, 0.5, -2.5, 1e-5, float("inf"), float("-inf"), float("nan")]
    )
    return _st.one_of(special, finite)


def tir_constants(t: _DataType) -> _st.SearchStrategy[_tir.PrimExpr]:
    """A constant of dtype `t`: small and extreme values, negative ones, inf and nan."""
    if t.is_bool:
        return _st.booleans().map(lambda b: _tir.IntImm(t, b))
    if t.is_integer:
        lo, hi = t.min_value(), t.max_value()
        small = _st.integers(max(lo, -9), min(hi, 9))
        values = _st.one_of(small, small, _st.integers(lo, hi), _st.sampled_from([lo, hi]))
        return values.map(lambda v: _tir.IntImm(t, v))
    return _float_values(t).map(lambda v: _tir.FloatImm(t, v))


def _fresh_var(draw, t: _DataType) -> _tir.Var:
    return _tir.Var(draw(tir_name_hints()), t)


_INT_KINDS = (
    *("binary", "select", "cast", "bitwise", "bitwise_not", "let", "if_then_else", "limit"),
    *("extern", "packed"),
)
_FLOAT_KINDS = (
    *("binary", "select", "cast", "unary", "pow", "let", "if_then_else", "limit", "extern"),
    "floordiv",
)


def _int_kinds(t: _DataType) -> list[str]:
    return [*_INT_KINDS, *(["reinterpret"] if str(t) in _SAME_BITS else [])]


def _float_kinds(t: _DataType) -> list[str]:
    return [*_FLOAT_KINDS, *(["reinterpret"] if str(t) in _SAME_BITS else [])]


_BOOL_KINDS = ["compare", "logic", "not", "likely", "select", "cast", "let"]


@_st.composite
def tir_exprs(draw, t: _DataType, scope: TirScope = TirScope(), depth: int = 3) -> _tir.PrimExpr:
    """A random expression of dtype `t` over the variables and buffers of `scope`."""
    leaves = ["const"]
    if scope.of_dtype(t):
        leaves += ["var", "var"]
    if any(b.dtype == t for b in scope.buffers):
        leaves.append("load")
    kinds = list(leaves)
    if depth > 0:
        kinds += _BOOL_KINDS if t.is_bool else _int_kinds(t) if t.is_integer else _float_kinds(t)
    kind = draw(_st.sampled_from(kinds))
    return _build_expr(draw, kind, t, scope, depth - 1)


def _sub(draw, t: _DataType, scope: TirScope, depth: int) -> _tir.PrimExpr:
    return draw(tir_exprs(t, scope, max(depth, 0)))


def _index(draw, scope: TirScope, depth: int) -> _tir.PrimExpr:
    return _sub(draw, _t(draw(_st.sampled_from(["int32", "int32", "int64"]))), scope, min(depth, 1))


def _build_expr(draw, kind: str, t: _DataType, scope: TirScope, depth: int) -> _tir.PrimExpr:
    sub = lambda tt: _sub(draw, tt, scope, depth)  # noqa: E731
    any_dtype = lambda: _t(draw(_st.sampled_from(TIR_DTYPES)))  # noqa: E731
    if kind == "const":
        return draw(tir_constants(t))
    if kind == "var":
        return draw(_st.sampled_from(scope.of_dtype(t)))
    if kind == "load":
        buffer = draw(_st.sampled_from([b for b in scope.buffers if b.dtype == t]))
        return _tir.BufferLoad(buffer, tuple(_index(draw, scope, depth) for _ in buffer.shape))
    if kind == "binary":
        cls = draw(_st.sampled_from(_BINARY_INT if t.is_integer else _BINARY_FLOAT))
        return cls(sub(t), sub(t))
    if kind == "floordiv":
        return draw(_st.sampled_from([_tir.FloorDiv, _tir.FloorMod, _tir.Mod]))(sub(t), sub(t))
    if kind == "select":
        return _tir.Select(sub(_t("bool")), sub(t), sub(t))
    if kind == "cast":
        return _tir.Cast(t, sub(any_dtype()))
    if kind == "bitwise":
        name = draw(
            _st.sampled_from(
                ["bitwise_and", "bitwise_or", "bitwise_xor", "shift_left", "shift_right"]
            )
        )
        return _tir.call_intrin(t, name, sub(t), sub(t))
    if kind == "bitwise_not":
        return _tir.call_intrin(t, "bitwise_not", sub(t))
    if kind == "unary":
        return _tir.call_intrin(t, draw(_st.sampled_from(_tir.FLOAT_UNARY)), sub(t))
    if kind == "pow":
        return _tir.call_intrin(t, "pow", sub(t), sub(t))
    if kind == "if_then_else":
        return _tir.call_intrin(t, "if_then_else", sub(_t("bool")), sub(t), sub(t))
    if kind == "limit":
        return _tir.call_intrin(t, draw(_st.sampled_from(["max_value", "min_value"])))
    if kind == "reinterpret":
        return _tir.call_intrin(t, "reinterpret", sub(_t(_SAME_BITS[str(t)])))
    if kind in ("extern", "packed"):
        args = [sub(any_dtype()) for _ in range(draw(_st.integers(0, 2)))]
        if scope.buffers and draw(_st.booleans()):
            args.append(draw(_st.sampled_from(scope.buffers)).data)
        name = draw(_st.sampled_from(["f", "tvm.contrib.sort", "my_func"]))
        if kind == "extern":
            return _tir.call_extern(t, name, *args)
        return _tir.call_packed(name, *args, dtype_=t)
    if kind == "let":
        var = _fresh_var(draw, _t(draw(_st.sampled_from(["int32", "int64", "float32", "bool"]))))
        value = sub(var.dtype)
        return _tir.Let(var, value, _sub(draw, t, scope.with_vars(var), depth))
    if kind == "compare":
        operand = _t(draw(_st.sampled_from(["int32", "int64", "float32", "uint8", "float16"])))
        return draw(_st.sampled_from(_COMPARE))(sub(operand), sub(operand))
    if kind == "logic":
        return draw(_st.sampled_from([_tir.And, _tir.Or]))(sub(t), sub(t))
    if kind == "not":
        return _tir.Not(sub(t))
    if kind == "likely":
        return _tir.call_intrin(t, "likely", sub(t))
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------------------
# Statements


_STMT_KINDS = (
    *("store", "store", "store", "evaluate", "if", "if", "for", "for", "for", "nest", "nest"),
    *("while", "seq", "seq", "seq", "block", "vector", "let", "let", "assert", "allocate"),
    *("decl_alias", "vector_eval"),
)
_BINDING_KINDS = ("let", "assert", "allocate", "decl_alias")


@_st.composite
def tir_stmts(draw, scope: TirScope, depth: int = 3, kinds: tuple = _STMT_KINDS) -> _tir.Stmt:
    """A random statement over `scope`, of one of `kinds` (leaves only at depth 0)."""
    kinds = ["store", "evaluate"] if depth <= 0 else list(kinds)
    if not any(b.ndim and not b.dtype.is_bool for b in scope.buffers):
        kinds = [k for k in kinds if k != "vector"]
    if not scope.buffers:
        kinds = [k for k in kinds if k not in ("store", "vector", "decl_alias", "block")]
    kind = draw(_st.sampled_from(kinds))
    return _build_stmt(draw, kind, scope, depth - 1)


def _body(draw, scope: TirScope, depth: int) -> _tir.Stmt:
    return draw(tir_stmts(scope, depth))


def _build_stmt(draw, kind: str, scope: TirScope, depth: int) -> _tir.Stmt:
    expr = lambda t, d=2: draw(tir_exprs(t, scope, d))  # noqa: E731
    boolean = _t("bool")
    if kind == "store":
        buffer = draw(_st.sampled_from(scope.buffers))
        indices = tuple(_index(draw, scope, 1) for _ in buffer.shape)
        return _tir.BufferStore(buffer, expr(buffer.dtype), indices)
    if kind == "evaluate":
        t = _t(draw(_st.sampled_from(TIR_DTYPES)))
        return _tir.Evaluate(expr(t, draw(_st.integers(0, 2))))
    if kind == "vector_eval":
        return _tir.Evaluate(_build_vector_expr(draw, scope))
    if kind == "if":
        orelse = draw(_st.one_of(_st.none(), tir_stmts(scope, depth), tir_stmts(scope, 1, ("if",))))
        return _tir.IfThenElse(expr(boolean), _body(draw, scope, depth), orelse)
    if kind == "while":
        return _tir.While(expr(boolean), _body(draw, scope, depth))
    if kind == "for":
        return _build_for(draw, scope, depth)
    if kind == "seq":
        # a binding statement first often: it prints as a `with` scope when not last
        first = draw(_st.sampled_from([_STMT_KINDS, _BINDING_KINDS]))
        rest = [draw(tir_stmts(scope, depth)) for _ in range(draw(_st.integers(1, 2)))]
        return _tir.seq(draw(tir_stmts(scope, depth + 1, first)), *rest)
    if kind == "block":
        return draw(tir_block_realizes(scope, depth))
    if kind == "nest":
        return _build_nest(draw, scope, depth)
    if kind == "vector":
        return _build_vector_store(draw, scope)
    if kind == "let":
        var = _fresh_var(draw, _t(draw(_st.sampled_from(["int32", "int64", "float32", "bool"]))))
        return _tir.LetStmt(var, expr(var.dtype), _body(draw, scope.with_vars(var), depth))
    if kind == "assert":
        message = draw(_st.text(alphabet=_st.characters(codec="utf-8"), max_size=12))
        return _tir.AssertStmt(expr(boolean), message, _body(draw, scope, depth))
    if kind == "allocate":
        return _build_allocate(draw, scope, depth)
    if kind == "decl_alias":
        source = draw(_st.sampled_from(scope.buffers))
        alias = draw(tir_buffers(scope, data=source.data))
        return _tir.DeclBuffer(alias, _body(draw, scope.with_buffers(alias), depth))
    raise AssertionError(kind)


def tir_attr_values(scope: TirScope = TirScope()) -> _st.SearchStrategy:
    """Values of attribute dicts: Python scalars, typed constants, variables, nested lists."""
    scalars = _st.one_of(
        _st.integers(-5, 64),
        _st.booleans(),
        _st.none(),
        _st.sampled_from(["s", 'q"t\n']),
        _st.sampled_from([0.5, -1.25]),
        tir_constants(_t("int32")),
        tir_constants(_t("bool")),
        _st.sampled_from(scope.vars or (_tir.IntImm("int64", 7),)),
    )
    return _st.one_of(scalars, _st.lists(scalars, max_size=2))


def _annotations(draw, scope: TirScope = TirScope()) -> _Map:
    keys = _st.sampled_from(["pragma_unroll", "pragma_auto_unroll_max_step", "note", "key"])
    return _Map(draw(_st.dictionaries(keys, tir_attr_values(scope), max_size=2)))


def _build_for(draw, scope: TirScope, depth: int) -> _tir.For:
    t = _t(draw(_st.sampled_from(["int32", "int32", "int64"])))
    var = _fresh_var(draw, t)
    kind = draw(_st.sampled_from([_tir.ForKind.SERIAL, *_tir.ForKind]))
    start = _tir.IntImm(t, 0) if draw(_st.booleans()) else draw(tir_exprs(t, scope, 1))
    extent = draw(_st.one_of(tir_constants(t), tir_exprs(t, scope, 1)))
    binding = None
    if kind is _tir.ForKind.THREAD_BINDING:
        tag = draw(_st.sampled_from(THREAD_TAGS))
        binding = _tir.IterVar(var, _tir.Range(start, extent), _tir.IterType.THREAD_INDEX, tag)
    annotations = _annotations(draw, scope) if draw(_st.booleans()) else _Map()
    body = _body(draw, scope.with_loop(var), depth)
    return _tir.For(var, start, extent, kind, body, binding, annotations)


def _build_nest(draw, scope: TirScope, depth: int) -> _tir.For:
    """Perfectly nested serial loops (``T.grid``) around a block bound by ``T.axis.remap``."""
    int32 = _t("int32")
    sizes = scope.without_loops().of_dtype(int32)
    extents = [
        draw(
            _st.one_of(
                _st.integers(1, 128).map(lambda v: _tir.IntImm(int32, v)),
                _st.sampled_from(sizes or [_tir.IntImm(int32, 16)]),
            )
        )
        for _ in range(draw(_st.integers(1, 3)))
    ]
    loops = [_fresh_var(draw, int32) for _ in extents]
    kinds = _st.sampled_from([_tir.IterType.DATA_PAR, _tir.IterType.COMM_REDUCE])
    iter_vars = [
        _tir.IterVar(_fresh_var(draw, int32), _tir.Range(_tir.IntImm(int32, 0), e), draw(kinds))
        for e in extents
    ]
    inner = scope.without_loops().with_vars(*(iv.var for iv in iter_vars))
    target = draw(_st.sampled_from(scope.buffers))
    indices = tuple(draw(_st.sampled_from([iv.var for iv in iter_vars])) for _ in target.shape)
    point = tuple(_tir.Range(index, _tir.IntImm(int32, 1)) for index in indices)
    writes = (_tir.BufferRegion(target, point),)
    reads = tuple(
        _region(draw, b, inner)
        for b in draw(_st.lists(_st.sampled_from(scope.buffers), max_size=2))
    )
    value = draw(tir_exprs(target.dtype, inner, 2))
    body = _tir.BufferStore(target, value, indices)
    if draw(_st.booleans()):
        body = _tir.seq(body, draw(tir_stmts(inner, depth)))
    init = None
    if any(iv.iter_type is _tir.IterType.COMM_REDUCE for iv in iter_vars) and draw(_st.booleans()):
        init = _tir.BufferStore(target, draw(tir_constants(target.dtype)), indices)
    block = _tir.Block(
        tuple(iter_vars), reads, writes, draw(_st.sampled_from(["C", "update"])), body, init
    )
    stmt = _tir.BlockRealize(tuple(loops), _tir.IntImm("bool", True), block)
    for loop, extent in reversed(list(zip(loops, extents))):
        stmt = _tir.For(loop, _tir.IntImm(int32, 0), extent, _tir.ForKind.SERIAL, stmt)
    return stmt


def _build_vector_expr(draw, scope: TirScope) -> _tir.PrimExpr:
    """A vector expression: ramps, broadcasts, and arithmetic, compares and selects on them."""
    lanes = draw(_st.sampled_from([2, 4, 16]))
    int32 = _t("int32")
    ramp = _tir.Ramp(draw(tir_exprs(int32, scope, 1)), draw(tir_exprs(int32, scope, 1)), lanes)
    splat = _tir.Broadcast(draw(tir_exprs(int32, scope, 1)), lanes)
    kind = draw(_st.sampled_from(["ramp", "splat", "arith", "compare", "select", "cast"]))
    if kind == "ramp":
        return ramp
    if kind == "splat":
        return _tir.Broadcast(
            draw(tir_exprs(_t(draw(_st.sampled_from(TIR_DTYPES))), scope, 1)), lanes
        )
    if kind == "arith":
        return draw(_st.sampled_from(_BINARY_INT))(ramp, splat)
    if kind == "compare":
        return draw(_st.sampled_from(_COMPARE))(splat, ramp)
    if kind == "select":
        condition = _tir.Broadcast(draw(tir_exprs(_t("bool"), scope, 1)), lanes)
        return _tir.Select(condition, ramp, splat)
    return _tir.Cast(_t("float32").with_lanes(lanes), ramp)


def _build_vector_store(draw, scope: TirScope) -> _tir.BufferStore:
    buffer = draw(_st.sampled_from([b for b in scope.buffers if b.ndim and not b.dtype.is_bool]))
    lanes = draw(_st.sampled_from([2, 4, 8]))
    base = draw(tir_exprs(_t("int32"), scope, 1))
    ramp = _tir.Ramp(base, draw(tir_constants(_t("int32"))), lanes)
    indices = (*(_index(draw, scope, 1) for _ in buffer.shape[1:]), ramp)
    scalar = draw(tir_exprs(buffer.dtype, scope, 1))
    value = _tir.Broadcast(scalar, lanes)
    if draw(_st.booleans()):
        value = _tir.Add(_tir.BufferLoad(buffer, indices), value)
    return _tir.BufferStore(buffer, value, indices)


def _build_allocate(draw, scope: TirScope, depth: int) -> _tir.Allocate:
    t = _t(draw(_st.sampled_from(["float32", "int32", "float16", "int8"])))
    data = _tir.Var(draw(tir_name_hints()), "handle")
    extents = tuple(draw(_st.lists(_st.integers(1, 64), min_size=1, max_size=2)))
    scope_name = draw(_st.sampled_from(["global", "shared", "local"]))
    condition = draw(
        _st.one_of(_st.just(_tir.IntImm("bool", True)), tir_exprs(_t("bool"), scope, 1))
    )
    buffer = _tir.decl_buffer(extents, t, draw(tir_name_hints()), data=data, scope=scope_name)
    body = _tir.DeclBuffer(buffer, _body(draw, scope.with_buffers(buffer), depth))
    annotations = _annotations(draw, scope) if draw(_st.booleans()) else _Map()
    return _tir.Allocate(data, t, extents, condition, body, scope_name, annotations)


@_st.composite
def tir_buffers(
    draw, scope: TirScope = TirScope(), data: _tir.Var | None = None, symbolic: bool = False
) -> _tir.Buffer:
    """A buffer with random dtype, shape and layout keywords (shape variables from `scope`)."""
    t = _t(draw(_st.sampled_from(TIR_DTYPES)))
    extents = []
    for _ in range(draw(_st.sampled_from([0, 1, 1, 2, 2, 3]))):
        candidates = scope.of_dtype(_t("int32")) if symbolic else []
        if candidates and draw(_st.booleans()):
            extents.append(draw(_st.sampled_from(candidates)))
        else:
            index_t = draw(_st.sampled_from(["int32", "int32", "int32", "int64"]))
            extents.append(_tir.IntImm(index_t, draw(_st.integers(1, 128))))
    strides = ()
    if draw(_st.integers(0, 3)) == 0:
        strides = tuple(draw(_st.integers(1, 512)) for _ in extents)
    keywords = draw(
        _st.fixed_dictionaries(
            {},
            optional={
                "elem_offset": _st.integers(0, 64),
                "scope": _st.sampled_from(["global", "shared", "local", "global.texture"]),
                "align": _st.sampled_from([8, 16, 128]),
                "offset_factor": _st.sampled_from([0, 2, 16]),
            },
        )
    )
    return _tir.decl_buffer(
        extents, t, draw(tir_name_hints()), data=data, strides=strides, **keywords
    )


# ---------------------------------------------------------------------------------------------
# Blocks


def _region(draw, buffer: _tir.Buffer, scope: TirScope) -> _tir.BufferRegion:
    ranges = []
    for extent in buffer.shape:
        index_t = extent.dtype
        start = draw(_st.one_of(tir_constants(index_t), tir_exprs(index_t, scope, 1)))
        length = draw(
            _st.one_of(
                _st.just(_tir.IntImm(index_t, 1)),
                tir_constants(index_t),
                tir_exprs(index_t, scope, 1),
            )
        )
        ranges.append(_tir.Range(start, length))
    return _tir.BufferRegion(buffer, tuple(ranges))


@_st.composite
def tir_block_realizes(draw, scope: TirScope, depth: int = 2) -> _tir.BlockRealize:
    """A block instance: iteration variables bound to expressions of the enclosing loops."""
    iter_vars, values = [], []
    int_vars = scope.of_dtype(_t("int32"))
    for _ in range(draw(_st.integers(0, 3))):
        var = _fresh_var(draw, _t("int32"))
        start = draw(_st.one_of(_st.just(0), _st.integers(-4, 4)))
        extent = draw(_st.one_of(_st.integers(1, 64), _st.sampled_from(int_vars or [16])))
        kind = draw(
            _st.sampled_from(
                [
                    _tir.IterType.DATA_PAR,
                    _tir.IterType.COMM_REDUCE,
                    _tir.IterType.ORDERED,
                    _tir.IterType.OPAQUE,
                ]
            )
        )
        iter_vars.append(_tir.IterVar(var, _tir.Range(_tir.IntImm("int32", start), extent), kind))
        if int_vars and draw(_st.booleans()):
            values.append(draw(_st.sampled_from(int_vars)))
        else:
            values.append(draw(tir_exprs(_t("int32"), scope, 1)))
    inner = scope.without_loops().with_vars(*(iv.var for iv in iter_vars))
    some_buffers = _st.lists(_st.sampled_from(scope.buffers), max_size=2)
    reads = tuple(_region(draw, b, inner) for b in draw(some_buffers))
    writes = tuple(_region(draw, b, inner) for b in draw(some_buffers))
    allocs = tuple(draw(_st.lists(tir_buffers(), max_size=1)))
    matches = ()
    if draw(_st.integers(0, 3)) == 0:
        region = _region(draw, draw(_st.sampled_from(scope.buffers)), inner)
        view = draw(tir_buffers())
        view = _dataclasses.replace(view, dtype=region.buffer.dtype)
        matches = (_tir.MatchBufferRegion(view, region),)
    body_scope = inner.with_buffers(*allocs, *(m.buffer for m in matches))
    init = None
    if any(iv.iter_type is _tir.IterType.COMM_REDUCE for iv in iter_vars) and draw(_st.booleans()):
        init = draw(tir_stmts(body_scope, 0))
    body = draw(tir_stmts(body_scope, depth))
    predicate = draw(
        _st.one_of(_st.just(_tir.IntImm("bool", True)), tir_exprs(_t("bool"), scope, 1))
    )
    annotations = _annotations(draw, inner) if draw(_st.booleans()) else _Map()
    name = draw(_st.sampled_from(["", "root", "C", "C"]))
    block = _tir.Block(
        tuple(iter_vars), reads, writes, name, body, init, allocs, matches, annotations
    )
    return _tir.BlockRealize(tuple(values), predicate, block)


# ---------------------------------------------------------------------------------------------
# Functions and modules


@_st.composite
def tir_prim_funcs(draw, depth: int = 3) -> _tir.PrimFunc:
    """A prim_func with scalar and buffer params (constant and symbolic shapes) and a body."""
    scalar_dtypes = _st.sampled_from(["int32", "int64", "float32", "bool", "handle"])
    scalars = [
        _tir.Var(draw(tir_name_hints()), t) for t in draw(_st.lists(scalar_dtypes, max_size=3))
    ]
    shape_vars = [
        draw(_st.sampled_from([_tir.Var, _tir.SizeVar]))(draw(tir_name_hints()), "int32")
        for _ in range(draw(_st.integers(0, 2)))
    ]
    free = [_tir.Var(draw(tir_name_hints()), "int32")] if draw(_st.booleans()) else []
    shape_scope = TirScope(tuple(shape_vars))
    buffers = draw(_st.lists(tir_buffers(shape_scope, symbolic=True), min_size=1, max_size=3))
    handles = [_tir.Var(draw(tir_name_hints()), "handle") for _ in buffers]
    params = [*scalars, *handles]
    params = draw(_st.permutations(params))
    scope = TirScope((*scalars, *shape_vars, *free), tuple(buffers))
    scope = _dataclasses.replace(scope, vars=tuple(v for v in scope.vars if not v.dtype.is_handle))
    body = draw(tir_stmts(scope, depth))
    keys = _st.sampled_from(["global_symbol", "tir.noalias", "target", "opt", 'a "key"'])
    values = _st.one_of(
        _st.sampled_from(["main", "f", "cuda"]),
        tir_attr_values(scope),
        _st.dictionaries(_st.sampled_from(["k", "l"]), tir_attr_values(scope), max_size=2),
    )
    attrs = draw(_st.dictionaries(keys, values, max_size=2))
    # buffer_map in param order, as the parser builds it (structural equality sees map order)
    by_handle = dict(zip(handles, buffers))
    buffer_map = _Map({p: by_handle[p] for p in params if p in by_handle})
    return _tir.PrimFunc(tuple(params), body, buffer_map, _Map(attrs))


@_st.composite
def tir_expr_funcs(draw) -> _tir.PrimFunc:
    """A prim_func storing one random expression: the round trip of expressions alone."""
    t = _t(draw(_st.sampled_from(TIR_DTYPES)))
    variables = tuple(_fresh_var(draw, _t(d)) for d in ("int32", "int64", "float32", "bool"))
    out = _tir.decl_buffer((4,), t, "out")
    src = _tir.decl_buffer((8, 8), draw(_st.sampled_from(TIR_DTYPES)), "src")
    handles = (_tir.Var("out", "handle"), _tir.Var("src", "handle"))
    scope = TirScope(variables, (src,))
    value = draw(tir_exprs(t, scope, 4))
    body = _tir.BufferStore(out, value, (_tir.IntImm("int32", 0),))
    params = (*variables, *handles)
    return _tir.PrimFunc(params, body, _Map(dict(zip(handles, (out, src)))))


@_st.composite
def tir_modules(draw) -> _IRModule:
    """A module of one to three random prim_funcs, with or without module attributes."""
    funcs = draw(_st.lists(tir_prim_funcs(depth=2), min_size=1, max_size=3))
    names = [f"func_{k}" for k in range(len(funcs))]
    keys = _st.sampled_from(["runtime", "opt_level"])
    attrs = draw(
        _st.dictionaries(keys, _st.one_of(_st.integers(0, 3), _st.just("cpu")), max_size=2)
    )
    return _IRModule.from_functions(dict(zip(names, funcs)), attrs)
