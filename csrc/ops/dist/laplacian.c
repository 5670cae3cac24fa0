/* Laplacian (PyLops-MPI MPILaplacian): sum_k weights[k] * D2(axes[k], sampling[k]), composed as
 * PyLops-MPI does, ((w0 D0 + w1 D1) + w2 D2) + ..., each term "y = D x; y *= w" and the sums
 * left-nested, so the values match it operation by operation. Second derivatives along axis 0
 * on several ranks exchange ghost rows (derivative.c); the others are rank-local. */
#include <math.h>
#include <string.h>

#include "../op_impl.h"

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
  dlops_op sum = NULL;
  for (int k = 0; k < naxes && !err; k++) {
    dlops_op D = NULL, S = NULL;
    /* the derivative checks (and agrees on) dims, sampling, kind, edge and dtype */
    err = dlops_op_create_second_derivative(ctx, ndim, dims, axes[k], sampling[k], kind, edge, dtype, &D);
    if (!err) {
      dlops_scalar w = {weights[k], 0.0};
      err = dlops_op_create_scaled(D, w, &S);
    }
    dlops_op_destroy(&D);
    if (!err && sum) {
      dlops_op T = NULL;
      err = dlops_op_create_sum(sum, S, &T);
      dlops_op_destroy(&sum);
      dlops_op_destroy(&S);
      sum = T;
    } else if (!err) {
      sum = S;
    } else {
      dlops_op_destroy(&S);
    }
  }
  if (err) {
    dlops_op_destroy(&sum);
    return err;
  }
  sum->name = "laplacian";
  *A = sum;
  return DLOPS_SUCCESS;
}
