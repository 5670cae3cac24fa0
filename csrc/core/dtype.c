/* Element types of base.h: names and sizes (every layer uses them). */
#include "error.h"

static const char *const dtype_names[] = {"f32", "f64", "c64", "c128"};

const char *dlops_dtype_name(dlops_dtype t) {
  if ((int)t < 0 || t >= DLOPS_NUM_DTYPES) return "?";
  return dtype_names[t];
}

size_t dlops_dtype_size(dlops_dtype t) {
  static const size_t s[] = {4, 8, 8, 16};
  if ((int)t < 0 || t >= DLOPS_NUM_DTYPES) return 0;
  return s[t];
}
