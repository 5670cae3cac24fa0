/* Laplacian (PyLops-MPI MPILaplacian): sum_k weights[k] * D2(axes[k], sampling[k]), summed as
 * PyLops-MPI does, ((w0 D0 + w1 D1) + w2 D2) + ..., each term "y = D x; y *= w" and the sums
 * left-nested, in the same order; each statement is scaled by w / h once instead of PyLops'
 * division and scaling, so the values agree to a few ulps of the largest term (stencil.h). It
 * is applied in one pass over memory: the stencil
 * kernel evaluates every term on a cache-sized chunk of the output and adds them there
 * (dlops_deriv_sum_apply), instead of PyLops' one array pass per derivative, scaling and sum.
 * Second derivatives along axis 0 on several ranks exchange ghost rows (derivative.c); the
 * others are rank-local. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../local/deriv.h"

typedef struct {
  int n;
  dlops_op D[DLOPS_MAX_NDIM];
  double w[DLOPS_MAX_NDIM];
} lap_data;

static void lap_free(lap_data *d) {
  if (!d) return;
  for (int k = 0; k < d->n; k++) dlops_op_destroy(&d->D[k]);
  free(d);
}
static void lap_destroy(dlops_op A) { lap_free(A->data); }

static int lap_run(dlops_op A, dlops_darray x, dlops_darray y, int adj) {
  lap_data *d = A->data;
  dlops_darray xs[DLOPS_MAX_NDIM];
  for (int k = 0; k < d->n; k++) xs[k] = x;
  return dlops_deriv_sum_apply(d->n, d->D, d->w, xs, y, adj);
}
static int lap_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return lap_run(A, x, y, 0); }
static int lap_adj(dlops_op A, dlops_darray y, dlops_darray x) { return lap_run(A, y, x, 1); }

int dlops_op_create_laplacian(dlops_ctx ctx, int ndim, const int64_t *dims, int naxes, const int *axes,
                              const double *weights, const double *sampling, dlops_deriv_kind kind, int edge,
                              dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "laplacian: null output pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM, ctx, err, DLOPS_ERR_ARG, "laplacian: ndim %d out of range [1,%d]",
                   ndim, DLOPS_MAX_NDIM);
  DLOPS_CHECK_COLL(err || (naxes >= 1 && naxes <= ndim), ctx, err, DLOPS_ERR_ARG,
                   "laplacian: naxes %d out of range [1,%d] (at most one term per dimension)", naxes, ndim);
  DLOPS_CHECK_COLL(axes && weights && sampling, ctx, err, DLOPS_ERR_ARG, "laplacian: null axes, weights or sampling");
  for (int k = 0; !err && k < naxes; k++) {
    DLOPS_CHECK_COLL(axes[k] >= -ndim && axes[k] < ndim, ctx, err, DLOPS_ERR_ARG,
                     "laplacian: axes[%d] = %d out of range for %d dimensions", k, axes[k], ndim);
    DLOPS_CHECK_COLL(isfinite(weights[k]), ctx, err, DLOPS_ERR_ARG, "laplacian: weights[%d] is not finite", k);
  }
  /* the number of terms, their axes, weights and samplings must be the same on every rank (the
   * derivatives agree on dims, kind, edge and dtype) */
  uint64_t h = 0;
  if (!err) {
    h = dlops_op_hash_i64(0, naxes);
    for (int k = 0; k < naxes; k++) {
      h = dlops_op_hash_i64(h, axes[k] < 0 ? axes[k] + ndim : axes[k]);
      h = dlops_op_hash_f64(h, weights[k]);
      h = dlops_op_hash_f64(h, sampling[k]);
    }
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, h, DLOPS_ERR_ARG, "laplacian terms (naxes, axes, weights or sampling)"));
  lap_data *d = calloc(1, sizeof *d);
  if (!d) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "laplacian: cannot allocate operator data");
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    free(d);
    return err;
  }
  for (int k = 0; k < naxes && !err; k++) {
    /* the derivative checks (and agrees on) dims, sampling, kind, edge and dtype */
    err = dlops_op_create_second_derivative(ctx, ndim, dims, axes[k], sampling[k], kind, edge, dtype, &d->D[k]);
    if (!err) {
      d->w[k] = weights[k];
      d->n = k + 1;
    }
  }
  if (!err) err = dlops_op_new("laplacian", d->D[0]->dom, d->D[0]->rng, dtype, d->D[0]->spaces, A);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    lap_free(d);
    return err;
  }
  dlops_op op = *A;
  for (int k = 0; k < d->n; k++) { /* the terms' checksums and weights (agreed above) */
    op->sig = dlops_op_hash_i64(op->sig, (int64_t)d->D[k]->sig);
    op->sig = dlops_op_hash_f64(op->sig, d->w[k]);
    op->flops += d->D[k]->flops; /* log_view estimate: its terms' (a fused stencil) */
  }
  op->data = d;
  op->destroy = lap_destroy;
  op->apply = lap_fwd;
  op->apply_adjoint = lap_adj;
  op->ndims = op->ndimsd = ndim;
  memcpy(op->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy(op->dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
