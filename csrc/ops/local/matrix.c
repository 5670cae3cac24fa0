/* Dense matrix operator on a one-rank context (local operator), applied with BLAS gemv.
 *
 * The matrix is stored row-major (nrows x ncols) as the caller gives it. Seen from column-major
 * BLAS this buffer is F = A^T (ncols x nrows, lda = ncols), so
 *   y = A x    = F^T x             gemv('T')
 *   x = A^H y  = conj(F conj(y))   gemv('N') on a conjugated copy of y (complex), F y (real).
 * The conjugated copy lives in a workspace allocated at creation. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

/* Fortran BLAS (LP64), with gfortran's hidden character-length arguments at the end. */
typedef struct {
  float re, im;
} fcplx;
typedef struct {
  double re, im;
} dcplx;
extern void sgemv_(const char *trans, const int *m, const int *n, const float *alpha, const float *a, const int *lda,
                   const float *x, const int *incx, const float *beta, float *y, const int *incy, size_t ltrans);
extern void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
                   const int *lda, const double *x, const int *incx, const double *beta, double *y, const int *incy,
                   size_t ltrans);
extern void cgemv_(const char *trans, const int *m, const int *n, const fcplx *alpha, const fcplx *a, const int *lda,
                   const fcplx *x, const int *incx, const fcplx *beta, fcplx *y, const int *incy, size_t ltrans);
extern void zgemv_(const char *trans, const int *m, const int *n, const dcplx *alpha, const dcplx *a, const int *lda,
                   const dcplx *x, const int *incx, const dcplx *beta, dcplx *y, const int *incy, size_t ltrans);

typedef struct {
  int m, n; /* BLAS view: F is m x n = ncols x nrows */
  void *a;  /* row-major copy of A */
  void *w;  /* nrows elements: conj(y) for complex adjoints */
} mat_data;

static void mat_destroy(dlops_op A) {
  mat_data *d = A->data;
  if (!d) return;
  free(d->a);
  free(d->w);
  free(d);
}

/* out = op(F) in, trans = 'T' (forward) or 'N' (adjoint of a real matrix / transpose). */
static void gemv(dlops_dtype t, char trans, const mat_data *d, const void *in, void *out) {
  const int one = 1;
  switch (t) {
    case DLOPS_F32: {
      const float a = 1.0f, b = 0.0f;
      sgemv_(&trans, &d->m, &d->n, &a, d->a, &d->m, in, &one, &b, out, &one, 1);
      break;
    }
    case DLOPS_F64: {
      const double a = 1.0, b = 0.0;
      dgemv_(&trans, &d->m, &d->n, &a, d->a, &d->m, in, &one, &b, out, &one, 1);
      break;
    }
    case DLOPS_C64: {
      const fcplx a = {1.0f, 0.0f}, b = {0.0f, 0.0f};
      cgemv_(&trans, &d->m, &d->n, &a, d->a, &d->m, in, &one, &b, out, &one, 1);
      break;
    }
    default: {
      const dcplx a = {1.0, 0.0}, b = {0.0, 0.0};
      zgemv_(&trans, &d->m, &d->n, &a, d->a, &d->m, in, &one, &b, out, &one, 1);
      break;
    }
  }
}

/* Negate the imaginary parts of n complex elements (real types: nothing). */
static void conj_buf(dlops_dtype t, void *p, int64_t n) {
  if (t == DLOPS_C64)
    for (int64_t i = 0; i < n; i++) ((float *)p)[2 * i + 1] = -((float *)p)[2 * i + 1];
  else if (t == DLOPS_C128)
    for (int64_t i = 0; i < n; i++) ((double *)p)[2 * i + 1] = -((double *)p)[2 * i + 1];
}

static int mat_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  mat_data *d = A->data;
  if (d->n == 0) return DLOPS_SUCCESS; /* no rows: nothing to write */
  if (d->m == 0) {
    memset(y->data, 0, (size_t)d->n * dlops_dtype_size(A->dtype));
    return DLOPS_SUCCESS;
  }
  gemv(A->dtype, 'T', d, x->data, y->data);
  return DLOPS_SUCCESS;
}

static int mat_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  mat_data *d = A->data;
  size_t es = dlops_dtype_size(A->dtype);
  if (d->m == 0) return DLOPS_SUCCESS;
  if (d->n == 0) {
    memset(x->data, 0, (size_t)d->m * es);
    return DLOPS_SUCCESS;
  }
  if (A->dtype == DLOPS_C64 || A->dtype == DLOPS_C128) {
    memcpy(d->w, y->data, (size_t)d->n * es);
    conj_buf(A->dtype, d->w, d->n);
    gemv(A->dtype, 'N', d, d->w, x->data);
    conj_buf(A->dtype, x->data, d->m);
  } else {
    gemv(A->dtype, 'N', d, y->data, x->data);
  }
  return DLOPS_SUCCESS;
}

int dlops_op_create_matrix(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, const void *a,
                           dlops_op *A) {
  DLOPS_CHECK(A, ctx, DLOPS_ERR_ARG, "null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "null context");
  DLOPS_CHECK(ctx->size == 1, ctx, DLOPS_ERR_ARG,
              "matrix: a dense matrix is a local operator: create it on a one-rank context (this one has %d ranks)",
              ctx->size);
  DLOPS_CHECK((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, DLOPS_ERR_ARG, "matrix: bad element type %d", (int)dtype);
  DLOPS_CHECK(nrows >= 0 && ncols >= 0, ctx, DLOPS_ERR_ARG, "matrix: negative shape (%lld x %lld)", (long long)nrows,
              (long long)ncols);
  DLOPS_CHECK(nrows <= INT_MAX && ncols <= INT_MAX, ctx,
              DLOPS_ERR_UNSUPPORTED, "matrix: %lld x %lld exceeds the 32-bit BLAS interface", (long long)nrows,
              (long long)ncols);
  DLOPS_CHECK(a || nrows * ncols == 0, ctx, DLOPS_ERR_ARG, "matrix: null matrix data");
  size_t es = dlops_dtype_size(dtype);
  mat_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK(d, ctx, DLOPS_ERR_MEM, "matrix: cannot allocate operator data");
  d->m = (int)ncols;
  d->n = (int)nrows;
  d->a = malloc((size_t)(nrows * ncols > 0 ? nrows * ncols : 1) * es);
  d->w = malloc((size_t)(nrows > 0 ? nrows : 1) * es);
  if (!d->a || !d->w) {
    free(d->a);
    free(d->w);
    free(d);
    return DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "matrix: cannot allocate %lld x %lld elements", (long long)nrows,
                       (long long)ncols);
  }
  if (nrows * ncols > 0) memcpy(d->a, a, (size_t)(nrows * ncols) * es);
  dlops_darray dom = NULL, rng = NULL;
  int err = dlops_op_vec1d(ctx, ncols, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, nrows, -1, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) err = dlops_op_new("matrix", dom, rng, dtype, A);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    mat_destroy(&(struct dlops_op_s){.data = d});
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = mat_destroy;
  (*A)->apply = mat_fwd;
  (*A)->apply_adjoint = mat_adj;
  return DLOPS_SUCCESS;
}
