/* Test operators for the solver tests, written as dlops user operators on local data.
 *   tridiag: (A x)_i = d_i x_i - c x_{i-1} - conj(c) x_{i+1}, Hermitian positive definite
 *            (d_i = 4 + (i % 3)), neighbour values through dlops_darray_add_ghost_cells.
 *   bidiag pair: R^n -> R^{2n}, (A x)_{2i} = a_i x_i + b_i x_{i+1}, (A x)_{2i+1} = e_i x_i + f_i x_{i-1},
 *            coefficients from the global index only (the global matrix does not depend on P).
 *   diag:    (A x)_i = d_i x_i with given d.
 *   stacked: block diagonal of user operators over the components of stacked arrays.
 * Real (F64, F32) and complex (C128) element types. */
#ifndef SOLVER_TEST_OPS_H
#define SOLVER_TEST_OPS_H

#include <complex.h>
#include <stdlib.h>
#include <string.h>

#include "dlops_test.h"

typedef struct {
  int kind; /* 0 tridiag, 1 bidiag pair, 2 diag, 3 stacked */
  dlops_dtype t;
  int64_t n;
  double complex c;
  double *d;     /* diag: global diagonal (n) */
  int nparts;    /* stacked */
  dlops_op parts[4];
} top;

static inline double complex tl(const void *p, dlops_dtype t, int64_t i) {
  switch (t) {
    case DLOPS_F32: return ((const float *)p)[i];
    case DLOPS_F64: return ((const double *)p)[i];
    case DLOPS_C64: return ((const float complex *)p)[i];
    default: return ((const double complex *)p)[i];
  }
}
static inline void ts(void *p, dlops_dtype t, int64_t i, double complex v) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)creal(v); break;
    case DLOPS_F64: ((double *)p)[i] = creal(v); break;
    case DLOPS_C64: ((float complex *)p)[i] = (float complex)v; break;
    default: ((double complex *)p)[i] = v; break;
  }
}
static inline int tcplx(dlops_dtype t) { return t == DLOPS_C64 || t == DLOPS_C128; }
static inline double complex tconj(dlops_dtype t, double complex v) { return tcplx(t) ? conj(v) : v; }

/* coefficients of the bidiagonal pair */
static inline double bp_a(int64_t i) { return 1.0 + 0.5 * dlops_test_rand(11, (unsigned long long)i); }
static inline double bp_b(int64_t i) { return 0.3 * dlops_test_rand(12, (unsigned long long)i); }
static inline double bp_e(int64_t i) { return 0.5 * dlops_test_rand(13, (unsigned long long)i); }
static inline double bp_f(int64_t i) { return 0.3 * dlops_test_rand(14, (unsigned long long)i); }

/* Local block with ghosts: g has front (0/1 slices of w) before and back after. */
static int tget_ghosted(dlops_darray x, int64_t w, void **g, int64_t *front, int64_t *back, int64_t *nl, int64_t *off) {
  dlops_ctx ctx;
  int rank, P;
  dlops_darray_get_ctx(x, &ctx);
  dlops_ctx_get_rank(ctx, &rank);
  dlops_ctx_get_size(ctx, &P);
  int64_t sizes[64];
  dlops_darray_get_axis_sizes(x, sizes);
  dlops_darray_get_local_size(x, nl);
  dlops_darray_get_offset(x, off);
  /* neighbours: the nearest ranks that own data */
  *front = 0;
  *back = 0;
  if (*nl > 0) {
    if (*off > 0) *front = w;
    int64_t tot = 0;
    for (int r = 0; r < P; r++) tot += sizes[r];
    if (*off + *nl < tot) *back = w;
  }
  /* PyLops-MPI ghost cells come from rank r-1 / r+1: they must own data (tests use n >= P) */
  int64_t shape[8];
  dlops_dtype t;
  dlops_darray_get_dtype(x, &t);
  int fr = rank > 0 ? (int)w : 0, bk = rank < P - 1 ? (int)w : 0;
  dlops_darray_ghost_shape(x, fr, bk, shape);
  *g = malloc((size_t)(shape[0] + 1) * dlops_dtype_size(t));
  int err = dlops_darray_add_ghost_cells(x, fr, bk, *g);
  *front = fr;
  *back = bk;
  return err;
}

static int top_apply_(void *user, dlops_darray in, dlops_darray out, int adj) {
  top *T = user;
  if (T->kind == 3) {
    for (int i = 0; i < T->nparts; i++) {
      dlops_darray a, b;
      dlops_darray_stacked_get(in, i, &a);
      dlops_darray_stacked_get(out, i, &b);
      int e = adj ? dlops_op_apply_adjoint(T->parts[i], a, b) : dlops_op_apply(T->parts[i], a, b);
      if (e) return e;
    }
    return 0;
  }
  int64_t w = T->kind == 1 && adj ? 2 : (T->kind == 2 ? 0 : 1);
  void *g = NULL, *po = NULL;
  int64_t fr = 0, bk = 0, nl = 0, off = 0;
  int err = 0;
  if (w > 0) {
    err = tget_ghosted(in, w, &g, &fr, &bk, &nl, &off);
  } else {
    void *pi;
    dlops_darray_get_local_size(in, &nl);
    dlops_darray_get_offset(in, &off);
    g = malloc((size_t)(nl + 1) * dlops_dtype_size(T->t));
    dlops_darray_get_local(in, DLOPS_MEM_HOST, &pi);
    memcpy(g, pi, (size_t)nl * dlops_dtype_size(T->t));
    dlops_darray_restore_local(in, &pi);
  }
  if (err) {
    free(g);
    return err;
  }
  int64_t nout = 0, ooff = 0;
  dlops_darray_get_local_size(out, &nout);
  dlops_darray_get_offset(out, &ooff);
  dlops_darray_get_local(out, DLOPS_MEM_HOST, &po);
  const dlops_dtype t = T->t;
  if (T->kind == 0) {
    int64_t nin = nl;
    for (int64_t l = 0; l < nout; l++) {
      int64_t i = ooff + l, k = l + fr;
      double complex v = (4.0 + (double)(i % 3)) * tl(g, t, k);
      double complex c = tcplx(t) ? T->c : 1.0;
      if (l > 0 || fr) v -= c * tl(g, t, k - 1);
      if (l < nin - 1 || bk) v -= tconj(t, c) * tl(g, t, k + 1);
      ts(po, t, l, v);
    }
  } else if (T->kind == 2) {
    for (int64_t l = 0; l < nout; l++) ts(po, t, l, T->d[ooff + l] * tl(g, t, l));
  } else if (!adj) {
    /* in: x (local nl from off), out: y (2 nl) */
    for (int64_t l = 0; l < nl; l++) {
      int64_t i = off + l, k = l + fr;
      double complex x0 = tl(g, t, k);
      double complex xn = (l < nl - 1 || bk) ? tl(g, t, k + 1) : 0.0;
      double complex xp = (l > 0 || fr) ? tl(g, t, k - 1) : 0.0;
      ts(po, t, 2 * l, bp_a(i) * x0 + bp_b(i) * xn);
      ts(po, t, 2 * l + 1, bp_e(i) * x0 + bp_f(i) * xp);
    }
  } else {
    /* in: y (2 nout local, ghosts of 2), out: x (nout): x_i = a_i y_2i + b_{i-1} y_{2i-2} + e_i y_{2i+1} + f_{i+1} y_{2i+3} */
    int64_t ny = 2 * nout;
    for (int64_t l = 0; l < nout; l++) {
      int64_t i = ooff + l, k = 2 * l + fr;
      double complex v = bp_a(i) * tl(g, t, k) + bp_e(i) * tl(g, t, k + 1);
      if (l > 0 || fr) v += bp_b(i - 1) * tl(g, t, k - 2);
      if (l < nout - 1 || bk) v += bp_f(i + 1) * tl(g, t, k + 3);
      (void)ny;
      ts(po, t, l, v);
    }
  }
  dlops_darray_restore_local(out, &po);
  free(g);
  return 0;
}
static int top_fwd(void *u, dlops_darray in, dlops_darray out) { return top_apply_(u, in, out, 0); }
static int top_adj(void *u, dlops_darray in, dlops_darray out) { return top_apply_(u, in, out, 1); }
static void top_free(void *u) {
  top *T = u;
  for (int i = 0; i < T->nparts; i++) dlops_op_destroy(&T->parts[i]);
  free(T->d);
  free(T);
}

static inline dlops_darray tvec(dlops_ctx ctx, int64_t n, int64_t local_n, dlops_dtype t) {
  dlops_darray x = NULL;
  T_REQUIRE(dlops_darray_create_ext(ctx, 1, &n, 0, DLOPS_SCATTER, t, local_n, -1, dlops_test_mem, &x));
  return x;
}

/* Hermitian positive definite tridiagonal n x n. */
static inline dlops_op make_tridiag(dlops_ctx ctx, int64_t n, dlops_dtype t) {
  top *T = calloc(1, sizeof *T);
  T->kind = 0;
  T->t = t;
  T->n = n;
  T->c = 0.6 + 0.8 * I;
  dlops_darray x = tvec(ctx, n, -1, t);
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(x, x, top_fwd, top_adj, T, top_free, &A));
  dlops_darray_destroy(&x);
  return A;
}

/* Diagonal with global diagonal d[n] (copied). */
static inline dlops_op make_diag(dlops_ctx ctx, int64_t n, dlops_dtype t, const double *d) {
  top *T = calloc(1, sizeof *T);
  T->kind = 2;
  T->t = t;
  T->n = n;
  T->d = malloc(sizeof(double) * (size_t)n);
  memcpy(T->d, d, sizeof(double) * (size_t)n);
  dlops_darray x = tvec(ctx, n, -1, t);
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(x, x, top_fwd, top_fwd, T, top_free, &A));
  dlops_darray_destroy(&x);
  return A;
}

/* Bidiagonal pair R^n -> R^{2n}. */
static inline dlops_op make_bidiag(dlops_ctx ctx, int64_t n, dlops_dtype t) {
  top *T = calloc(1, sizeof *T);
  T->kind = 1;
  T->t = t;
  T->n = n;
  dlops_darray x = tvec(ctx, n, -1, t);
  int64_t nl = 0;
  dlops_darray_get_local_size(x, &nl);
  dlops_darray y = tvec(ctx, 2 * n, 2 * nl, t);
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(x, y, top_fwd, top_adj, T, top_free, &A));
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  return A;
}

/* Block diagonal over stacked arrays of the given operators (references kept). */
static inline dlops_op make_stacked(int n, dlops_op *ops) {
  top *T = calloc(1, sizeof *T);
  T->kind = 3;
  T->nparts = n;
  dlops_darray xs[4], ys[4], X = NULL, Y = NULL;
  for (int i = 0; i < n; i++) {
    T_REQUIRE(dlops_op_create_scaled(ops[i], (dlops_scalar){1.0, 0.0}, &T->parts[i]));
    T_REQUIRE(dlops_op_create_vecs(ops[i], &xs[i], &ys[i]));
  }
  dlops_op_get_dtype(ops[0], &T->t);
  T_REQUIRE(dlops_darray_create_stacked(n, xs, &X));
  T_REQUIRE(dlops_darray_create_stacked(n, ys, &Y));
  dlops_op A = NULL;
  T_REQUIRE(dlops_op_create_user(X, Y, top_fwd, top_adj, T, top_free, &A));
  for (int i = 0; i < n; i++) {
    dlops_darray_destroy(&xs[i]);
    dlops_darray_destroy(&ys[i]);
  }
  dlops_darray_destroy(&X);
  dlops_darray_destroy(&Y);
  return A;
}

/* Dense global matrix (rows x cols, row-major, complex) of a plain 1-D operator, by applying it to
 * unit vectors (collective; for small test sizes). */
static inline double complex *dense_of(dlops_op A) {
  int64_t m, n;
  dlops_op_get_shape(A, &m, &n);
  dlops_dtype t;
  dlops_op_get_dtype(A, &t);
  size_t es = dlops_dtype_size(t);
  double complex *M = calloc((size_t)(m * n), sizeof(double complex));
  void *e = calloc((size_t)n, es), *col = calloc((size_t)m, es);
  dlops_darray x, y;
  T_REQUIRE(dlops_op_create_vecs(A, &x, &y));
  for (int64_t j = 0; j < n; j++) {
    memset(e, 0, (size_t)n * es);
    ts(e, t, j, 1.0);
    T_REQUIRE(dlops_darray_scatter(x, e, -1));
    T_REQUIRE(dlops_op_apply(A, x, y));
    T_REQUIRE(dlops_darray_gather(y, col, -1));
    for (int64_t i = 0; i < m; i++) M[i * n + j] = tl(col, t, i);
  }
  free(e);
  free(col);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  return M;
}

#endif
