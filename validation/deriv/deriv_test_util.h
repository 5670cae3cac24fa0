/* Helpers shared by the derivative-family tests. */
#ifndef DERIV_TEST_UTIL_H
#define DERIV_TEST_UTIL_H

#include "dlops_test.h"

static const dlops_dtype all_dtypes[4] = {DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128};

/* Max |a - b| / max(max|b|, tiny) over n elements of dtype t. */
static inline double rel_diff(const void *a, const void *b, int64_t n, dlops_dtype t) {
  int64_t m = (t == DLOPS_C64 || t == DLOPS_C128) ? 2 * n : n;
  double md = 0, mb = 0;
  for (int64_t i = 0; i < m; i++) {
    double x = (t == DLOPS_F32 || t == DLOPS_C64) ? ((const float *)a)[i] : ((const double *)a)[i];
    double y = (t == DLOPS_F32 || t == DLOPS_C64) ? ((const float *)b)[i] : ((const double *)b)[i];
    if (fabs(x - y) > md || x != x) md = x != x ? INFINITY : fabs(x - y);
    if (fabs(y) > mb) mb = fabs(y);
  }
  return md / (mb > 1e-300 ? mb : 1e-300);
}

/* Apply A (forward or adjoint) to the global array gin on A's context and gather the global
 * result into gout on every rank. */
static inline int apply_global(dlops_op A, int adj, const void *gin, void *gout) {
  dlops_darray x = NULL, y = NULL;
  int err = dlops_op_create_vecs(A, &x, &y);
  if (err) return err;
  dlops_darray in = adj ? y : x, out = adj ? x : y;
  int stacked = 0;
  dlops_darray_is_stacked(in, &stacked);
  if (stacked) {
    int n = 0;
    dlops_darray_stacked_count(in, &n);
    int64_t off = 0;
    for (int k = 0; k < n && !err; k++) {
      dlops_darray p = NULL;
      dlops_darray_stacked_get(in, k, &p);
      int64_t g = 0;
      dlops_dtype t;
      dlops_darray_get_global_size(p, &g);
      dlops_darray_get_dtype(p, &t);
      err = dlops_darray_scatter(p, (const char *)gin + (size_t)off * dlops_dtype_size(t), -1);
      off += g;
    }
  } else {
    err = dlops_darray_scatter(in, gin, -1);
  }
  if (!err) err = adj ? dlops_op_apply_adjoint(A, in, out) : dlops_op_apply(A, in, out);
  if (!err) err = dlops_darray_gather(out, gout, -1);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  return err;
}

/* Dot test, NP-rank vs one-rank results (forward and adjoint) of A (on the test context) and A1
 * (the same operator on a one-rank context). */
static inline void check_op(dlops_op A, dlops_op A1, dlops_dtype t, const char *label) {
  int passed = 0;
  double rel = 0;
  double dtol = (t == DLOPS_F32 || t == DLOPS_C64) ? 1e-4 : 1e-11;
  T_CALL(dlops_op_dottest(A, dtol, 1234, &passed, &rel));
  T_CHECK(passed, "%s: dot test failed (relerr %g)", label, rel);
  int64_t nr, nc;
  T_CALL(dlops_op_get_shape(A, &nr, &nc));
  int64_t mx = nr > nc ? nr : nc;
  size_t es = dlops_dtype_size(t);
  void *in = malloc((size_t)mx * es), *o1 = calloc((size_t)mx, es), *oP = calloc((size_t)mx, es);
  for (int adj = 0; adj < 2; adj++) {
    dlops_test_fill(in, adj ? nr : nc, t, 77 + adj);
    T_CALL(apply_global(A, adj, in, oP));
    T_CALL(apply_global(A1, adj, in, o1));
    double r = rel_diff(oP, o1, adj ? nc : nr, t);
    /* the same arithmetic in the same order: identical up to (at most) rounding ties */
    T_CHECK(r <= 1e-14, "%s: %s NP-rank result differs from the one-rank result (rel %g)", label,
            adj ? "adjoint" : "forward", r);
  }
  free(in);
  free(o1);
  free(oP);
}

#endif
