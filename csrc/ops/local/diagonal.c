/* Diagonal operator y = d .* x (adjoint x = conj(d) .* y) on any context: 1-D SCATTER vectors
 * with the default split, each rank holding its part of d. No communication when applied. */
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  void *d;     /* this rank's diagonal entries */
  int64_t n;   /* local count */
} diag_data;

static void diag_destroy(dlops_op A) {
  diag_data *d = A->data;
  if (!d) return;
  free(d->d);
  free(d);
}

static void diag_run(dlops_dtype t, const void *dv, const void *in, void *out, int64_t n, int adj) {
  switch (t) {
    case DLOPS_F32: {
      const float *d = dv, *x = in;
      float *y = out;
      for (int64_t i = 0; i < n; i++) y[i] = d[i] * x[i];
      break;
    }
    case DLOPS_F64: {
      const double *d = dv, *x = in;
      double *y = out;
      for (int64_t i = 0; i < n; i++) y[i] = d[i] * x[i];
      break;
    }
    case DLOPS_C64: {
      const float *d = dv, *x = in;
      float *y = out;
      const float s = adj ? -1.0f : 1.0f;
      for (int64_t i = 0; i < n; i++) {
        float dr = d[2 * i], di = s * d[2 * i + 1], xr = x[2 * i], xi = x[2 * i + 1];
        y[2 * i] = dr * xr - di * xi;
        y[2 * i + 1] = dr * xi + di * xr;
      }
      break;
    }
    default: {
      const double *d = dv, *x = in;
      double *y = out;
      const double s = adj ? -1.0 : 1.0;
      for (int64_t i = 0; i < n; i++) {
        double dr = d[2 * i], di = s * d[2 * i + 1], xr = x[2 * i], xi = x[2 * i + 1];
        y[2 * i] = dr * xr - di * xi;
        y[2 * i + 1] = dr * xi + di * xr;
      }
      break;
    }
  }
}

static int diag_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  diag_data *d = A->data;
  diag_run(A->dtype, d->d, x->data, y->data, d->n, 0);
  return DLOPS_SUCCESS;
}
static int diag_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  diag_data *d = A->data;
  diag_run(A->dtype, d->d, y->data, x->data, d->n, 1);
  return DLOPS_SUCCESS;
}

int dlops_op_create_diagonal(dlops_ctx ctx, int64_t n, dlops_dtype dtype, const void *dvals, dlops_op *A) {
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "diagonal: null context");
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "diagonal: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG,
                   "diagonal: bad element type %d", (int)dtype);
  DLOPS_CHECK_COLL(n >= 0, ctx, err, DLOPS_ERR_ARG, "diagonal: negative size %lld", (long long)n);
  int64_t nl = n >= 0 ? dlops_split_size(n, ctx->size, ctx->rank) : 0;
  DLOPS_CHECK_COLL(dvals || nl == 0, ctx, err, DLOPS_ERR_ARG, "diagonal: null diagonal on rank %d (%lld local entries)",
                   ctx->rank, (long long)nl);
  diag_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    if (d) d->d = malloc((size_t)(nl > 0 ? nl : 1) * dlops_dtype_size(dtype));
    if (!d || !d->d) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "diagonal: cannot allocate %lld entries", (long long)nl);
  }
  err = dlops_comm_agree(ctx->world, err);
  dlops_darray v = NULL;
  if (!err) err = dlops_op_vec1d(ctx, n, -1, DLOPS_SCATTER, dtype, -1, &v);
  if (!err) err = dlops_op_new("diagonal", v, v, dtype, A);
  dlops_darray_destroy(&v);
  if (err) {
    if (d) free(d->d);
    free(d);
    return err;
  }
  d->n = nl;
  if (nl) memcpy(d->d, dvals, (size_t)nl * dlops_dtype_size(dtype));
  (*A)->data = d;
  (*A)->destroy = diag_destroy;
  (*A)->apply = diag_fwd;
  (*A)->apply_adjoint = diag_adj;
  return DLOPS_SUCCESS;
}
