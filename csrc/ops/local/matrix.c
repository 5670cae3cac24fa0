/* Dense matrix operator on a one-rank context (local operator), applied with gemv of the memory
 * space the vectors live in (BLAS on the host).
 *
 * The matrix is stored row-major (nrows x ncols) as the caller gives it, in the vectors' space:
 *   y = A x    = gemv('N')
 *   x = A^H y  = gemv('C') (complex), gemv('T') (real). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  int rows, cols;
  void *a; /* row-major copy of A, in the vectors' space */
} mat_data;

static void mat_free(dlops_darray t, mat_data *d) {
  if (!d) return;
  dlops_op_free_like(t, d->a);
  free(d);
}
static void mat_destroy(dlops_op A) { mat_free(A->dom, A->data); }

static const dlops_scalar ONE = {1.0, 0.0}, ZERO = {0.0, 0.0};

static int mat_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  mat_data *d = A->data;
  if (d->rows == 0) return DLOPS_SUCCESS; /* no rows: nothing to write */
  if (d->cols == 0) return dlops_darray_fill(y, ZERO);
  return x->m->ops->gemv(x->m, A->dtype, 'N', d->rows, d->cols, ONE, d->a, d->cols, x->data, ZERO, y->data);
}

static int mat_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  mat_data *d = A->data;
  if (d->cols == 0) return DLOPS_SUCCESS;
  if (d->rows == 0) return dlops_darray_fill(x, ZERO);
  const char op = (A->dtype == DLOPS_C64 || A->dtype == DLOPS_C128) ? 'C' : 'T';
  return y->m->ops->gemv(y->m, A->dtype, op, d->rows, d->cols, ONE, d->a, d->cols, y->data, ZERO, x->data);
}

int dlops_op_create_matrix(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, const void *a,
                           dlops_op *A) {
  DLOPS_CALL(dlops_ctx_check(ctx)); /* local: NULL is ARG, a destroyed context STATE */
  DLOPS_CHECK(A, ctx, DLOPS_ERR_ARG, "null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(ctx->size == 1, ctx, DLOPS_ERR_ARG,
              "matrix: a dense matrix is a local operator: create it on a one-rank context (this one has %d ranks)",
              ctx->size);
  DLOPS_CHECK((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, DLOPS_ERR_ARG, "matrix: bad element type %d", (int)dtype);
  DLOPS_CHECK(nrows >= 0 && ncols >= 0, ctx, DLOPS_ERR_ARG, "matrix: negative shape (%lld x %lld)", (long long)nrows,
              (long long)ncols);
  DLOPS_CHECK(nrows <= INT_MAX && ncols <= INT_MAX, ctx,
              DLOPS_ERR_UNSUPPORTED, "matrix: %lld x %lld exceeds the 32-bit BLAS interface", (long long)nrows,
              (long long)ncols);
  /* nrows * ncols < 2^62 here; its bytes must fit the 64-bit byte counts of the arrays */
  DLOPS_CHECK(nrows * ncols <= INT64_MAX / 16, ctx, DLOPS_ERR_SIZE,
              "matrix: %lld x %lld %s elements overflow a 64-bit byte count", (long long)nrows, (long long)ncols,
              dlops_dtype_name(dtype));
  DLOPS_CHECK(a || nrows * ncols == 0, ctx, DLOPS_ERR_ARG, "matrix: null matrix data");
  mat_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK(d, ctx, DLOPS_ERR_MEM, "matrix: cannot allocate operator data");
  d->rows = (int)nrows;
  d->cols = (int)ncols;
  dlops_darray dom = NULL, rng = NULL;
  int err = dlops_op_vec1d(ctx, ncols, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, nrows, -1, DLOPS_SCATTER, dtype, -1, &rng);
  /* the matrix lives where the vectors live */
  if (!err) err = dlops_op_alloc_like(dom, dtype, nrows * ncols, a, &d->a);
  if (!err) err = dlops_op_new("matrix", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  if (err) mat_free(dom, d);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) return err;
  (*A)->data = d;
  (*A)->destroy = mat_destroy;
  (*A)->apply = mat_fwd;
  /* log_view estimate: a gemv, 2 flops (8 complex) per local matrix element */
  (*A)->flops = (dtype == DLOPS_C64 || dtype == DLOPS_C128 ? 8.0 : 2.0) * (double)d->rows * (double)d->cols;
  (*A)->apply_adjoint = mat_adj;
  return DLOPS_SUCCESS;
}
