/* Helpers shared by the .npy tests (header only).
 *
 * Test values: element k (flat C-order index) of a file is
 *   real part  ((k * 7919) % 2003 - 1001) / 8
 *   imag part  ((k * 104729) % 1009 - 504) / 16     (complex types only)
 * exact in float32 as in float64, so numpy (npy_interop.py) and C agree bit for bit.
 */
#ifndef DLOPS_NPY_COMMON_H
#define DLOPS_NPY_COMMON_H

#include <errno.h>
#include <sys/stat.h>

#include "dlops_test.h"

static inline double npy_val_re(int64_t k) { return (double)((k * 7919) % 2003 - 1001) / 8.0; }
static inline double npy_val_im(int64_t k) { return (double)((k * 104729) % 1009 - 504) / 16.0; }

/* Fill n elements of dtype with the formula (flat indices 0..n-1). */
static inline void npy_fill_formula(void *buf, int64_t n, dlops_dtype t) {
  for (int64_t k = 0; k < n; k++) {
    double a = npy_val_re(k), b = npy_val_im(k);
    switch (t) {
      case DLOPS_F32: ((float *)buf)[k] = (float)a; break;
      case DLOPS_F64: ((double *)buf)[k] = a; break;
      case DLOPS_C64: ((float *)buf)[2 * k] = (float)a; ((float *)buf)[2 * k + 1] = (float)b; break;
      case DLOPS_C128: ((double *)buf)[2 * k] = a; ((double *)buf)[2 * k + 1] = b; break;
      default: break;
    }
  }
}

static inline int64_t npy_prod(int ndim, const int64_t *s) {
  int64_t p = 1;
  for (int d = 0; d < ndim; d++) p *= s[d];
  return p;
}

/* numpy's name of a dtype */
static inline const char *npy_descr_of(dlops_dtype t) {
  static const char *const d[] = {"<f4", "<f8", "<c8", "<c16"};
  return d[t];
}

/* mkdir -p for one level (the parent must exist); fine if it exists already. */
static inline int npy_mkdir(const char *path) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST) return 0;
  return -1;
}

/* Read a whole file (rank-local). Returns malloc'ed bytes (NUL-terminated), size in *n, NULL if
 * unreadable. */
static inline char *npy_slurp(const char *path, int64_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = sz >= 0 ? malloc((size_t)sz + 1) : NULL;
  if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
    free(b);
    b = NULL;
  }
  if (b) b[sz] = '\0'; /* text files can be used as strings */
  fclose(f);
  *n = sz;
  return b;
}

/* Name of the context's backend, for unique file names. */
/* Tag for file and folder names: the backend, and "_emu" on the emulated device, whose runs may
 * go on at the same time as the host runs of the same backend and rank count (the numpy check
 * reads the host run's folder). */
static inline const char *npy_backend(dlops_ctx ctx) {
  static char tag[32];
  const char *b = "?";
  dlops_memspace ms = DLOPS_MEM_HOST;
  dlops_ctx_get_backend(ctx, &b);
  dlops_ctx_get_memspace(ctx, &ms);
  snprintf(tag, sizeof tag, "%s%s", b, ms == DLOPS_MEM_HOST ? "" : "_emu");
  return tag;
}

#endif
