"""well_formed: variables defined before use and once, buffers declared, as the docstring says."""

import pytest

from loom.ir import IRModule, WellFormedError, replace
from loom.ir.tir import (
    Allocate,
    BufferStore,
    DeclBuffer,
    For,
    ForKind,
    IntImm,
    LetStmt,
    PrimFunc,
    Var,
    decl_buffer,
    seq,
    well_formed,
)
from loom.script import tir as T


def _func(body, *params, buffer_map=None, name="f"):
    return PrimFunc(params, body, buffer_map or {}, {"global_symbol": name})


def test_programs_with_every_kind_of_definition_are_well_formed():
    @T.prim_func
    def func(a: T.handle, B: T.Buffer((4,), "float32"), k: T.int32):
        n = T.int32()
        s = T.int32()
        y = T.float32()
        A = T.match_buffer(a, (n, 4), "float32")
        for i in range(4):
            x: T.float32 = A[0, i]
            with T.block("blk"):
                vi = T.axis.spatial(4, i)
                tile = T.match_buffer(A[0, 0:4], (4,), strides=(s,))
                tmp = T.alloc_buffer((4,), "float32")
                tmp[vi] = tile[vi] + x
                B[vi] = tmp[vi] + T.Cast("float32", k + s)
        data = T.allocate([n], "float32", "global")
        C = T.decl_buffer((n,), "float32", data=data)
        for j in range(n):
            C[j] = T.Let(y + T.float32(1), where={y: B[0]})

    well_formed(func)
    well_formed(IRModule.from_functions({"f": func}), allow_undeclared_views=False)


def test_a_variable_used_where_nothing_defines_it():
    @T.prim_func
    def func(A: T.Buffer((4,), "int32")):
        n = T.int32()
        for i in range(n):
            A[i] = 0

    with pytest.raises(WellFormedError, match="function main: variable n is used where nothing"):
        well_formed(func)


def test_a_loop_variable_used_after_its_loop():
    i = Var("i")
    buffer = decl_buffer((4,), "int32", "A")
    handle = Var("A", "handle")
    store = BufferStore(buffer, IntImm("int32", 0), (i,))
    loop = For(i, IntImm("int32", 0), IntImm("int32", 4), ForKind.SERIAL, store)
    func = _func(seq(loop, store), handle, buffer_map={handle: buffer})
    with pytest.raises(WellFormedError, match="variable i is used where nothing defines it"):
        well_formed(func)


def test_a_variable_defined_twice():
    i = Var("i")
    buffer = decl_buffer((4,), "int32", "A")
    handle = Var("A", "handle")
    store = BufferStore(buffer, IntImm("int32", 0), (i,))
    loop = For(i, IntImm("int32", 0), IntImm("int32", 4), ForKind.SERIAL, store)
    func = _func(seq(loop, loop), handle, buffer_map={handle: buffer})
    with pytest.raises(WellFormedError, match="variable i is defined twice"):
        well_formed(func)
    let = LetStmt(handle, Var("other", "handle"), store)
    with pytest.raises(WellFormedError):
        well_formed(_func(let, handle, buffer_map={handle: buffer}))


def test_buffers_must_be_declared_in_scope():
    data = Var("data", "handle")
    buffer = decl_buffer((4,), "int32", "B", data=data)
    store = BufferStore(buffer, IntImm("int32", 1), (IntImm("int32", 0),))
    view = Allocate(data, buffer.dtype, (IntImm("int32", 4),), IntImm("bool", 1), store)
    well_formed(_func(view))  # an undeclared view over memory in scope
    with pytest.raises(WellFormedError, match="buffer B is used but not declared"):
        well_formed(_func(view), allow_undeclared_views=False)
    declared = replace(view, body=DeclBuffer(buffer, store))
    well_formed(_func(declared), allow_undeclared_views=False)
    with pytest.raises(WellFormedError, match="neither declared nor backed by memory"):
        well_formed(_func(store))
    twice = replace(view, body=DeclBuffer(buffer, DeclBuffer(buffer, store)))
    with pytest.raises(WellFormedError, match="buffer B is declared twice"):
        well_formed(_func(twice))


def test_decl_buffer_needs_its_data_in_scope():
    buffer = decl_buffer((4,), "int32", "B")
    store = BufferStore(buffer, IntImm("int32", 1), (IntImm("int32", 0),))
    with pytest.raises(WellFormedError, match="DeclBuffer B: its data variable"):
        well_formed(_func(DeclBuffer(buffer, store)))


def test_buffer_map_keys_are_params():
    buffer = decl_buffer((4,), "int32", "B")
    store = BufferStore(buffer, IntImm("int32", 1), (IntImm("int32", 0),))
    with pytest.raises(WellFormedError, match="buffer_map key b"):
        well_formed(_func(store, buffer_map={Var("b", "handle"): buffer}))


def test_only_prim_funcs_and_modules_are_checked():
    with pytest.raises(WellFormedError, match="checks a PrimFunc or IRModule"):
        well_formed("not a function")
