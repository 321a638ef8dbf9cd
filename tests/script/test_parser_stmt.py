"""Parsing T statements: stores, lets, control flow, asserts, allocation and no-ops."""

from loom.ir import DataType, assert_structural_equal, tir
from loom.ir.tir import Op
from loom.script import from_source


def imm(dtype, value):
    return tir.IntImm(dtype, value)


def fimm(value, dtype="float32"):
    return tir.FloatImm(dtype, value)


def buffers(func):
    return [func.buffer_map[p] for p in func.params if p in func.buffer_map]


def test_store_converts_literals_to_the_buffer_dtype():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "int8")):
            A[0] = 0
            A[1] = 0.5
            B[2] = 3
        """
    )
    a, b, c = func.body.seq
    assert_structural_equal(a.value, fimm(0.0))
    assert_structural_equal(b.value, fimm(0.5))
    assert_structural_equal(c.value, imm("int8", 3))
    assert_structural_equal(a.indices, (imm("int32", 0),))


def test_vector_store_broadcasts_a_literal():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((8,), "float32")):
            A[T.Ramp(0, 1, 4)] = 1.0
        """
    )
    store = func.body
    assert str(store.value.dtype) == "float32x4"
    assert_structural_equal(store.value, tir.Broadcast(fimm(1.0), 4))


def test_augmented_store():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "float32"), i: T.int32):
            A[i] += A[0] * 2.0
            A[i] -= 1
            A[i] //= 2
        """
    )
    (A,) = buffers(func)
    i = func.params[1]
    first, second, third = func.body.seq
    load = tir.BufferLoad(A, (i,))
    expected = tir.Add(load, tir.Mul(tir.BufferLoad(A, (imm("int32", 0),)), fimm(2.0)))
    assert_structural_equal(first, tir.BufferStore(A, expected, (i,)))
    assert_structural_equal(second.value, tir.Sub(load, fimm(1.0)))
    assert_structural_equal(third.value, tir.FloorDiv(load, fimm(2.0)))


def test_assignment_of_a_primexpr_is_a_let_over_the_rest():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int32")):
            x = A[0] + 1
            A[1] = x
            A[2] = x * 2
        """
    )
    let = func.body
    assert isinstance(let, tir.LetStmt)
    assert let.var.name_hint == "x"
    assert let.var.dtype == DataType.parse("int32")
    first, second = let.body.seq
    assert first.value is let.var
    assert second.value.a is let.var


def test_annotated_let_converts_the_value():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int64")):
            x: T.int64 = 5
            s: T.int32(is_size_var=True) = 3
            A[0] = x
        """
    )
    outer = func.body
    assert_structural_equal(outer.value, imm("int64", 5))
    assert outer.var.dtype == DataType.parse("int64")
    inner = outer.body
    assert isinstance(inner.var, tir.SizeVar)
    assert inner.var.name_hint == "s"
    assert inner.body.value is outer.var


def test_tuple_assignment_declares_each_name():
    func = from_source(
        """
        @T.prim_func
        def fn(a: T.handle):
            n, m = T.int64(), T.int32(is_size_var=True)
            A = T.match_buffer(a, (n, m), "float32")
            T.evaluate(0)
        """
    )
    (A,) = buffers(func)
    n, m = A.shape
    assert (n.name_hint, str(n.dtype), type(n)) == ("n", "int64", tir.Var)
    assert (m.name_hint, str(m.dtype), type(m)) == ("m", "int32", tir.SizeVar)


def test_if_elif_else():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int32"), x: T.int32):
            if x < 0:
                A[0] = 0
            elif x < 10:
                A[0] = 1
            else:
                A[0] = 2
            if x == 3:
                A[1] = 3
        """
    )
    first, second = func.body.seq
    assert isinstance(first, tir.IfThenElse)
    assert isinstance(first.else_case, tir.IfThenElse)
    assert first.else_case.else_case.value.value == 2
    assert isinstance(second.condition, tir.EQ)
    assert second.else_case is None


def test_literal_true_condition_stays_an_if():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int32")):
            if True:
                A[0] = 1
        """
    )
    assert isinstance(func.body, tir.IfThenElse)
    assert_structural_equal(func.body.condition, imm("bool", 1))


def test_while():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((1,), "int32")):
            while A[0] < 10:
                A[0] = A[0] + 1
        """
    )
    loop = func.body
    assert isinstance(loop, tir.While)
    assert isinstance(loop.condition, tir.LT)
    assert isinstance(loop.body, tir.BufferStore)


def test_assert_scopes_the_rest():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int32"), n: T.int32):
            assert n > 0, "n must be positive"
            A[0] = n
            A[1] = n
        """
    )
    check = func.body
    assert isinstance(check, tir.AssertStmt)
    assert check.message == "n must be positive"
    assert isinstance(check.body, tir.SeqStmt)
    assert len(check.body.seq) == 2


def test_scoped_with_forms():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "int32"), n: T.int32):
            with T.LetStmt(n + 1) as x:
                A[0] = x
            with T.Assert(n > 0, "positive"):
                A[1] = n
            with T.allocate([4], "int32", "local") as buf:
                B = T.decl_buffer((4,), "int32", data=buf, scope="local")
                B[0] = 1
            with T.decl_buffer((2,), "float32") as C:
                C[0] = T.float32(1)
            A[3] = 0
        """
    )
    let, check, alloc, decl, store = func.body.seq
    assert isinstance(let, tir.LetStmt)
    assert let.body.value is let.var
    assert isinstance(check, tir.AssertStmt)
    assert check.message == "positive"
    assert isinstance(alloc, tir.Allocate)
    assert alloc.scope == "local"
    assert isinstance(alloc.body, tir.DeclBuffer)
    assert alloc.body.buffer.data is alloc.buffer_var
    assert isinstance(decl, tir.Allocate)
    assert isinstance(decl.body, tir.DeclBuffer)
    assert decl.body.buffer.data is decl.buffer_var
    assert isinstance(store, tir.BufferStore)


def test_flat_allocate_and_decl_buffer():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((16,), "float32")):
            buf = T.allocate([16], "float32", "global", annotations={"k": 1})
            tmp = T.decl_buffer((16,), "float32", data=buf)
            tmp[0] = A[0]
            A[1] = tmp[0]
        """
    )
    alloc = func.body
    assert isinstance(alloc, tir.Allocate)
    assert alloc.buffer_var.name_hint == "buf"
    assert alloc.buffer_var.dtype.is_handle
    assert_structural_equal(alloc.extents, (imm("int32", 16),))
    assert dict(alloc.annotations) == {"k": 1}
    assert_structural_equal(alloc.condition, imm("bool", 1))
    decl = alloc.body
    assert isinstance(decl, tir.DeclBuffer)
    assert decl.buffer.name == "tmp"
    assert decl.buffer.data is alloc.buffer_var
    assert len(decl.body.seq) == 2


def test_allocate_handle_subscript_reads_its_memory():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((4,), "float32")):
            buf = T.allocate([4], "float32", "global")
            buf[0] = A[0]
        """
    )
    store = func.body.body
    assert store.buffer.data is func.body.buffer_var
    assert_structural_equal(store.buffer.shape, (imm("int32", 4),))


def test_buffer_statement_declares_without_a_node():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((16,), "float32")):
            A_2d = T.Buffer((4, 4), "float32", data=A.data)
            A_2d[1, 1] = T.float32(0)
        """
    )
    store = func.body
    assert isinstance(store, tir.BufferStore)
    assert store.buffer.name == "A_2d"
    assert store.buffer.data is buffers(func)[0].data


def test_evaluate_pass_and_expression_statements():
    func = from_source(
        """
        @T.prim_func
        def fn(x: T.int32):
            T.evaluate(0)
            pass
            T.call_extern("int32", "f", x)
            x + 1
        """
    )
    first, second, call, add = func.body.seq
    for stmt in (first, second):
        assert isinstance(stmt, tir.Evaluate)
        assert_structural_equal(stmt.value, imm("int32", 0))
    assert isinstance(call, tir.Evaluate)
    assert call.value.op is Op.get("call_extern")
    assert isinstance(add.value, tir.Add)


def test_empty_body_is_a_noop_and_docstring_is_skipped():
    func = from_source(
        '''
        @T.prim_func
        def fn():
            """Nothing to do."""
        '''
    )
    assert isinstance(func.body, tir.Evaluate)
    assert_structural_equal(func.body.value, imm("int32", 0))


def test_zero_dimensional_buffer_and_vector_params():
    func = from_source(
        """
        @T.prim_func
        def fn(A: T.Buffer((), "float32"), v: T.float32x4):
            A[()] = A[()] + T.float32(1)
        """
    )
    (A,) = buffers(func)
    assert A.shape == ()
    assert func.body.indices == ()
    assert func.params[1].dtype == DataType.parse("float32x4")
