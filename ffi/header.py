"""The Loom C ABI as C declarations, for hand-written C that follows `loom.ffi.abi`.

Tests compile this header and compare its layout with the ctypes mirror, so the two cannot drift.
"""

C_HEADER = r"""/* loom_abi.h: the Loom packed-function ABI (see loom/ffi/abi.py). */
#ifndef LOOM_ABI_H_
#define LOOM_ABI_H_
#include <stdint.h>

typedef union { int64_t v_int64; double v_float64; void* v_handle; } LoomValue;

enum {
  kLoomInt = 0, kLoomUInt = 1, kLoomFloat = 2, kLoomHandle = 3, kLoomNull = 4,
  kLoomDataType = 5, kLoomDevice = 6, kLoomDLTensor = 7, kLoomObject = 8,
  kLoomPackedFunc = 10, kLoomStr = 11, kLoomBool = 12
};

typedef struct { int32_t device_type; int32_t device_id; } DLDevice;
typedef struct { uint8_t code; uint8_t bits; uint16_t lanes; } DLDataType;
typedef struct {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
} DLTensor;
enum { kDLCPU = 1, kDLCUDA = 2 };
enum { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLOpaqueHandle = 3, kDLBfloat = 4, kDLBool = 6 };

typedef int32_t (*LoomPackedCFunc)(LoomValue* args, int32_t* type_codes, int32_t num_args,
                                   LoomValue* ret, int32_t* ret_type_code, void* resource_handle);
typedef struct { LoomPackedCFunc fn; void* resource_handle; } LoomFunc;

enum { kLoomObjectOpaque = 0, kLoomObjectShape = 1, kLoomObjectModule = 2 };
typedef struct { int32_t type_index; int32_t reserved; } LoomObject;
typedef struct { int32_t type_index; int32_t ndim; int64_t* dims; } LoomShape;

/* Runtime functions: a shared library calls them through these pointer variables, which the
   loader fills before any of the library's functions runs. Expand the macro once per library,
   at file scope. */
#define LOOM_RUNTIME_POINTERS                                                                   \
  void (*__loom_fp_LoomSetLastError)(const char*) = 0;                                         \
  int32_t (*__loom_fp_LoomCallPacked)(const char*, LoomValue*, int32_t*, int32_t, LoomValue*,  \
                                      int32_t*) = 0;                                           \
  int32_t (*__loom_fp_LoomGetGlobalFunc)(const char*, LoomFunc**) = 0;                        \
  int32_t (*__loom_fp_LoomFuncCall)(LoomFunc*, LoomValue*, int32_t*, int32_t, LoomValue*,      \
                                    int32_t*) = 0;                                             \
  int32_t (*__loom_fp_LoomModuleGetFunction)(LoomObject*, const char*, int32_t, LoomFunc**) = 0; \
  int32_t (*__loom_fp_LoomObjectRetain)(void*) = 0;                                            \
  int32_t (*__loom_fp_LoomObjectFree)(void*) = 0;                                              \
  void* __loom_module_ctx = 0;

#endif  /* LOOM_ABI_H_ */
"""
