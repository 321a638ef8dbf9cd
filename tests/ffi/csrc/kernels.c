/* Test kernels that follow the Loom packed ABI by hand (loom/ffi/abi.py), as the codegen will. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "loom_abi.h"

LOOM_RUNTIME_POINTERS

const char __loom_func_names[] =
    "loom-funcs-v1\n"
    "add_f32\n"
    "empty\n"
    "call_global\n"
    "call_handle\n"
    "call_by_lookup\n"
    "fail\n"
    "echo\n"
    "shape_sum\n"
    "static_str\n"
    "static_tensor\n"
    "module_call\n"
    "renamed\tloom_renamed_impl\n";

static int32_t error(const char* fmt, ...) {
  static __thread char message[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  __loom_fp_LoomSetLastError(message);
  return -1;
}

static int64_t numel(const DLTensor* t) {
  int64_t n = 1;
  for (int i = 0; i < t->ndim; ++i) n *= t->shape[i];
  return n;
}

/* add_f32(a, b, c): c = a + b, elementwise, for compact float32 tensors of one shape. */
int32_t add_f32(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
                void* resource) {
  if (n != 3) return error("add_f32: expected 3 arguments, got %d", n);
  for (int i = 0; i < 3; ++i)
    if (codes[i] != kLoomDLTensor)
      return error("add_f32: argument %d must be a tensor, got type code %d", i, codes[i]);
  DLTensor* t[3];
  for (int i = 0; i < 3; ++i) {
    t[i] = (DLTensor*)args[i].v_handle;
    if (t[i]->dtype.code != kDLFloat || t[i]->dtype.bits != 32 || t[i]->dtype.lanes != 1)
      return error("add_f32: argument %d must be float32 (dtype code %d)", i, t[i]->dtype.code);
    if (t[i]->strides != NULL) return error("add_f32: argument %d is not compact", i);
    if (t[i]->device.device_type != kDLCPU) return error("add_f32: argument %d not on cpu", i);
    if (t[i]->ndim != t[0]->ndim) return error("add_f32: rank of argument %d is %d", i, t[i]->ndim);
    for (int d = 0; d < t[0]->ndim; ++d)
      if (t[i]->shape[d] != t[0]->shape[d]) return error("add_f32: argument %d differs in dim %d", i, d);
  }
  const float* a = (const float*)((char*)t[0]->data + t[0]->byte_offset);
  const float* b = (const float*)((char*)t[1]->data + t[1]->byte_offset);
  float* c = (float*)((char*)t[2]->data + t[2]->byte_offset);
  for (int64_t k = 0, e = numel(t[0]); k < e; ++k) c[k] = a[k] + b[k];
  return 0;
}

int32_t empty(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
              void* resource) {
  return 0;
}

/* call_global(name, *rest): LoomCallPacked(name, rest) and return its result. */
int32_t call_global(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
                    void* resource) {
  if (n < 1 || codes[0] != kLoomStr) return error("call_global: first argument must be a name");
  return __loom_fp_LoomCallPacked((const char*)args[0].v_handle, args + 1, codes + 1, n - 1, ret,
                                  ret_code);
}

/* call_handle(f, *rest): call the function handle f directly through its LoomFunc. */
int32_t call_handle(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
                    void* resource) {
  if (n < 1 || codes[0] != kLoomPackedFunc)
    return error("call_handle: first argument must be a function, got code %d", n ? codes[0] : -1);
  LoomFunc* f = (LoomFunc*)args[0].v_handle;
  return f->fn(args + 1, codes + 1, n - 1, ret, ret_code, f->resource_handle);
}

/* call_by_lookup(name, *rest): LoomGetGlobalFunc once, then LoomFuncCall. */
int32_t call_by_lookup(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret,
                       int32_t* ret_code, void* resource) {
  LoomFunc* f = NULL;
  if (__loom_fp_LoomGetGlobalFunc((const char*)args[0].v_handle, &f) != 0) return -1;
  return __loom_fp_LoomFuncCall(f, args + 1, codes + 1, n - 1, ret, ret_code);
}

int32_t fail(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
             void* resource) {
  if (n == 1 && codes[0] == kLoomStr) __loom_fp_LoomSetLastError((const char*)args[0].v_handle);
  else __loom_fp_LoomSetLastError("fail: this kernel always fails");
  return -1;
}

/* echo(x): return x; a handle is retained first, since a result carries a reference. */
int32_t echo(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
             void* resource) {
  if (n != 1) return error("echo: expected 1 argument, got %d", n);
  if (codes[0] == kLoomDLTensor || codes[0] == kLoomObject || codes[0] == kLoomPackedFunc)
    if (__loom_fp_LoomObjectRetain(args[0].v_handle) != 0) return -1;
  *ret = args[0];
  *ret_code = codes[0];
  return 0;
}

/* shape_sum(shape): the sum of a shape's dimensions, as INT. */
int32_t shape_sum(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
                  void* resource) {
  if (n != 1 || codes[0] != kLoomObject) return error("shape_sum: expected a shape");
  LoomShape* s = (LoomShape*)args[0].v_handle;
  if (s->type_index != kLoomObjectShape) return error("shape_sum: object type %d is not a shape", s->type_index);
  int64_t sum = 0;
  for (int i = 0; i < s->ndim; ++i) sum += s->dims[i];
  ret->v_int64 = sum;
  *ret_code = kLoomInt;
  return 0;
}

int32_t static_str(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
                   void* resource) {
  ret->v_handle = (void*)"hello from C";
  *ret_code = kLoomStr;
  return 0;
}

/* static_tensor(): a DLTensor the runtime never saw; the Python caller copies it. */
int32_t static_tensor(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret,
                      int32_t* ret_code, void* resource) {
  static int32_t data[4] = {1, 2, 3, 4};
  static int64_t shape[2] = {2, 2};
  static DLTensor t;
  t.data = data;
  t.device.device_type = kDLCPU;
  t.device.device_id = 0;
  t.ndim = 2;
  t.dtype.code = kDLInt;
  t.dtype.bits = 32;
  t.dtype.lanes = 1;
  t.shape = shape;
  t.strides = NULL;
  t.byte_offset = 0;
  ret->v_handle = &t;
  *ret_code = kLoomDLTensor;
  return 0;
}

/* module_call(name, *rest): find name in this module (through __loom_module_ctx) and call it. */
int32_t module_call(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
                    void* resource) {
  if (resource != __loom_module_ctx) return error("module_call: resource handle is not the module");
  LoomFunc* f = NULL;
  if (__loom_fp_LoomModuleGetFunction((LoomObject*)__loom_module_ctx,
                                      (const char*)args[0].v_handle, 1, &f) != 0)
    return -1;
  if (f == NULL) return error("module_call: no such function");
  return f->fn(args + 1, codes + 1, n - 1, ret, ret_code, f->resource_handle);
}

/* Exported as "renamed": ret = 2 * x for an INT or a FLOAT x. */
int32_t loom_renamed_impl(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret,
                          int32_t* ret_code, void* resource) {
  if (n != 1) return error("renamed: expected 1 argument, got %d", n);
  if (codes[0] == kLoomInt) ret->v_int64 = 2 * args[0].v_int64;
  else if (codes[0] == kLoomFloat) ret->v_float64 = 2 * args[0].v_float64;
  else return error("renamed: expected a number, got type code %d", codes[0]);
  *ret_code = codes[0];
  return 0;
}
