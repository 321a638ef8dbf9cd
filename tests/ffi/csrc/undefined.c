/* Calls a function nothing defines: dlopen with RTLD_NOW must fail cleanly. */
#include "loom_abi.h"

extern int32_t loom_symbol_nobody_defines(int32_t);

const char __loom_func_names[] = "loom-funcs-v1\nf\n";

int32_t f(LoomValue* args, int32_t* codes, int32_t n, LoomValue* ret, int32_t* ret_code,
          void* resource) {
  return loom_symbol_nobody_defines(n);
}
