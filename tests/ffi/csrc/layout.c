/* Prints the layout of the ABI's C types, for comparison with loom.ffi.abi's ctypes mirror. */
#include <stddef.h>
#include <stdio.h>

#include "loom_abi.h"

#define FIELD(T, f) printf(#T "." #f " %zu\n", offsetof(T, f))
#define SIZE(T) printf(#T " %zu\n", sizeof(T))

int main(void) {
  SIZE(LoomValue);
  SIZE(DLDevice);
  SIZE(DLDataType);
  SIZE(DLTensor);
  FIELD(DLTensor, data);
  FIELD(DLTensor, device);
  FIELD(DLTensor, ndim);
  FIELD(DLTensor, dtype);
  FIELD(DLTensor, shape);
  FIELD(DLTensor, strides);
  FIELD(DLTensor, byte_offset);
  SIZE(LoomFunc);
  FIELD(LoomFunc, fn);
  FIELD(LoomFunc, resource_handle);
  SIZE(LoomObject);
  SIZE(LoomShape);
  FIELD(LoomShape, ndim);
  FIELD(LoomShape, dims);
  return 0;
}
