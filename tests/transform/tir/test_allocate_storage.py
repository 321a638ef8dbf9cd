"""AllocateStorage: small constant-size allocations go on the stack, the rest on the heap."""

from loom.ir import assert_structural_equal
from loom.script import tir as T
from loom.transform.tir import AllocateStorage


def test_small_constant_allocations_are_stack_and_others_heap():
    @T.prim_func
    def before(A: T.Buffer((4,), "float32"), n: T.int32):
        small = T.allocate([256], "float32", "global")  # noqa: F841
        big = T.allocate([257], "float32", "global")  # noqa: F841
        dynamic = T.allocate([n], "int8", "local")  # noqa: F841
        A[0] = T.float32(0)

    @T.prim_func
    def expected(A: T.Buffer((4,), "float32"), n: T.int32):
        small = T.allocate([256], "float32", "global", annotations={"storage": "stack"})  # noqa: F841
        big = T.allocate([257], "float32", "global", annotations={"storage": "heap"})  # noqa: F841
        dynamic = T.allocate([n], "int8", "local", annotations={"storage": "heap"})  # noqa: F841
        A[0] = T.float32(0)

    assert_structural_equal(AllocateStorage()(before), expected)


def test_the_limit_is_configurable_and_vector_elements_count(verified_context):
    @T.prim_func
    def before(A: T.Buffer((4,), "float32")):
        data = T.allocate([8], "float32x4", "local", annotations={"note": 1})  # noqa: F841
        A[0] = T.float32(0)

    @T.prim_func
    def expected(A: T.Buffer((4,), "float32")):
        data = T.allocate([8], "float32x4", "local", annotations={"note": 1, "storage": "heap"})  # noqa: F841
        A[0] = T.float32(0)

    with verified_context(config={"tir.stack_limit_bytes": 64}):
        assert_structural_equal(AllocateStorage()(before), expected)
    assert AllocateStorage(stack_limit=128)(before).body.annotations["storage"] == "stack"
