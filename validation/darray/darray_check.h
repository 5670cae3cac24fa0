/* Helpers shared by the distributed-array tests: serial reference layouts and slices, local
 * data snapshots, tolerant comparisons. Everything here is computed independently of the
 * library (no call into dlops' own split or copy code), so a test compares dlops against a
 * second, deliberately simple implementation. */
#ifndef DLOPS_DARRAY_CHECK_H
#define DLOPS_DARRAY_CHECK_H

#include "dlops_test.h"

static const dlops_dtype t_dtypes[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};

static inline int t_is_complex(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }

static inline int64_t t_prod(const int64_t *s, int n) {
  int64_t p = 1;
  for (int d = 0; d < n; d++) p *= s[d];
  return p;
}

/* PyLops-MPI's default split, written as plainly as possible. */
static inline int64_t t_split_size(int64_t n, int P, int r) { return n / P + (r < n % P ? 1 : 0); }
static inline int64_t t_split_off(int64_t n, int P, int r) {
  int64_t o = 0;
  for (int q = 0; q < r; q++) o += t_split_size(n, P, q);
  return o;
}

/* Mask group of rank r under colours[P]: group size and index within the group. */
static inline void t_group(const int *colors, int P, int r, int *gs, int *gi) {
  *gs = 0;
  *gi = 0;
  for (int q = 0; q < P; q++)
    if (colors[q] == colors[r]) {
      if (q < r) (*gi)++;
      (*gs)++;
    }
}

/* Copy the slab [off, off+len) along axis of a C-ordered global array into out, element by
 * element through multi-indices (a different algorithm from dlops' box copies). */
static inline void t_extract(const void *global, int ndim, const int64_t *gshape, int axis, int64_t off, int64_t len,
                             size_t es, void *out) {
  int64_t ls[DLOPS_MAX_NDIM];
  memcpy(ls, gshape, sizeof(int64_t) * (size_t)ndim);
  ls[axis] = len;
  int64_t n = t_prod(ls, ndim);
  for (int64_t k = 0; k < n; k++) {
    int64_t rem = k, idx[DLOPS_MAX_NDIM], g = 0;
    for (int d = ndim - 1; d >= 0; d--) {
      idx[d] = rem % ls[d];
      rem /= ls[d];
    }
    idx[axis] += off;
    for (int d = 0; d < ndim; d++) g = g * gshape[d] + idx[d];
    memcpy((char *)out + (size_t)k * es, (const char *)global + (size_t)g * es, es);
  }
}

/* A freshly allocated random global array of n elements (never NULL). */
static inline void *t_global(int64_t n, dlops_dtype t, unsigned long long seed) {
  void *g = malloc((size_t)(n > 0 ? n : 1) * dlops_dtype_size(t));
  dlops_test_fill(g, n, t, seed);
  return g;
}

/* Bytes of the local block(s) of x (leaves of a stacked array concatenated). */
static inline size_t t_local_bytes(dlops_darray x) {
  int stacked = 0;
  dlops_darray_is_stacked(x, &stacked);
  if (stacked) {
    int cnt = 0;
    size_t s = 0;
    dlops_darray_stacked_count(x, &cnt);
    for (int i = 0; i < cnt; i++) {
      dlops_darray c;
      dlops_darray_stacked_get(x, i, &c);
      s += t_local_bytes(c);
    }
    return s;
  }
  dlops_dtype t;
  int64_t nl = 0;
  dlops_darray_get_dtype(x, &t);
  dlops_darray_get_local_size(x, &nl);
  return (size_t)nl * dlops_dtype_size(t);
}

/* Append the local block(s) of x at dst; returns the bytes written. */
static inline size_t t_copy_local(dlops_darray x, char *dst) {
  int stacked = 0;
  dlops_darray_is_stacked(x, &stacked);
  if (stacked) {
    int cnt = 0;
    size_t s = 0;
    dlops_darray_stacked_count(x, &cnt);
    for (int i = 0; i < cnt; i++) {
      dlops_darray c;
      dlops_darray_stacked_get(x, i, &c);
      s += t_copy_local(c, dst + s);
    }
    return s;
  }
  size_t b = t_local_bytes(x);
  void *p = NULL;
  if (dlops_darray_get_local(x, DLOPS_MEM_HOST, &p) == DLOPS_SUCCESS) {
    memcpy(dst, p, b);
    dlops_darray_restore_local(x, &p);
  }
  return b;
}

/* Snapshot of the local block(s) (malloc'd, never NULL); *bytes gets its size. */
static inline void *t_snapshot(dlops_darray x, size_t *bytes) {
  size_t b = t_local_bytes(x);
  char *s = calloc(b > 0 ? b : 1, 1);
  t_copy_local(x, s);
  *bytes = b;
  return s;
}

/* 1 if the local block(s) of x equal the snapshot s (taken with t_snapshot). */
static inline int t_same_as_snapshot(dlops_darray x, const void *s, size_t bytes) {
  size_t m = 0;
  void *now = t_snapshot(x, &m);
  int same = m == bytes && memcmp(now, s, bytes) == 0;
  free(now);
  return same;
}

/* Write buf (nlocal elements) into the local block of a plain array. */
static inline int t_write_local(dlops_darray x, const void *buf) {
  dlops_dtype t;
  int64_t nl;
  void *p = NULL;
  dlops_darray_get_dtype(x, &t);
  dlops_darray_get_local_size(x, &nl);
  int e = dlops_darray_get_local(x, DLOPS_MEM_HOST, &p);
  if (e) return e;
  memcpy(p, buf, (size_t)nl * dlops_dtype_size(t));
  return dlops_darray_restore_local(x, &p);
}

/* Element i of a buffer as (re, im) doubles. */
static inline void t_load(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}
static inline void t_store(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re; ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re; ((double *)p)[2 * i + 1] = im; break;
  }
}

/* Largest |a_i - b_i| / (1 + |b_i|) over n elements of dtype t (both buffers of type t). */
static inline double t_maxerr(const void *a, const void *b, int64_t n, dlops_dtype t) {
  double m = 0;
  for (int64_t i = 0; i < n; i++) {
    double ar, ai, br, bi;
    t_load(a, t, i, &ar, &ai);
    t_load(b, t, i, &br, &bi);
    double e = hypot(ar - br, ai - bi) / (1.0 + hypot(br, bi));
    if (!(e <= m)) m = e; /* NaN propagates */
  }
  return m;
}

/* Relative closeness of two scalars: |a-b| <= tol * max(1, |b|). */
static inline int t_close(double a, double b, double tol) {
  if (isinf(b)) return a == b;
  double s = fabs(b) > 1 ? fabs(b) : 1;
  return fabs(a - b) <= tol * s;
}

/* Reads a counter; returns calls (and bytes through *bytes if not NULL). */
static inline int64_t t_calls(dlops_ctx ctx, dlops_comm_kind k, int64_t *bytes) {
  dlops_comm_counter c;
  memset(&c, 0, sizeof c);
  dlops_ctx_get_counter(ctx, k, &c);
  if (bytes) *bytes = c.bytes;
  return c.calls;
}

#endif
