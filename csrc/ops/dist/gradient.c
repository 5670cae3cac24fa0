/* Gradient (PyLops-MPI MPIGradient): the first derivatives (order 3) along every axis, stacked.
 * Domain: the 1-D SCATTER array of the N-D axis-0 split of dims; range: a stacked array of ndim
 * components with that same layout. Forward y_k = D_k x; adjoint
 * x = ((D_0^H y_0 + D_1^H y_1) + D_2^H y_2) + ... (PyLops-MPI MPIStackedVStack order). Only the
 * axis-0 derivative communicates (ghost rows, derivative.c). */
#include <stdlib.h>
#include <string.h>

#include "../local/deriv.h"

typedef struct {
  int n;
  dlops_op D[DLOPS_MAX_NDIM];
} grad_data;

static void grad_destroy(dlops_op A) {
  grad_data *d = A->data;
  if (!d) return;
  for (int k = 0; k < d->n; k++) dlops_op_destroy(&d->D[k]);
  free(d);
}

static int grad_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  int err = 0; /* a failing step is marked on the context; later steps still communicate */
  grad_data *d = A->data;
  for (int k = 0; k < d->n; k++) DLOPS_STEP(A->ctx, err, dlops_op_kernel(A->ctx, d->D[k], 0, x, y->parts[k]));
  return err;
}

/* x = ((D_0^H y_0 + D_1^H y_1) + D_2^H y_2) + ..., in one pass over x (dlops_deriv_sum_apply). */
static int grad_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  grad_data *d = A->data;
  return dlops_deriv_sum_apply(d->n, d->D, NULL, y->parts, x, 1);
}

int dlops_op_create_gradient(dlops_ctx ctx, int ndim, const int64_t *dims, const double *sampling,
                             dlops_deriv_kind kind, int edge, dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "gradient: null output pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM, ctx, err, DLOPS_ERR_ARG, "gradient: ndim %d out of range [1,%d]",
                   ndim, DLOPS_MAX_NDIM);
  DLOPS_CHECK_COLL(sampling != NULL, ctx, err, DLOPS_ERR_ARG, "gradient: null sampling (ndim values)");
  grad_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    DLOPS_CHECK_COLL(d, ctx, err, DLOPS_ERR_MEM, "gradient: cannot allocate operator data");
  }
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    free(d);
    return err;
  }
  for (int k = 0; k < ndim && !err; k++) {
    /* the derivatives check (and agree on) dims, sampling, kind, edge and dtype */
    err = dlops_op_create_first_derivative(ctx, ndim, dims, k, sampling[k], kind, 3, edge, dtype, &d->D[k]);
    if (!err) d->n = k + 1;
  }
  dlops_darray rng = NULL;
  if (!err) {
    dlops_darray parts[DLOPS_MAX_NDIM];
    for (int k = 0; k < ndim; k++) parts[k] = d->D[0]->dom;
    err = dlops_darray_create_stacked(ndim, parts, &rng);
  }
  if (!err) err = dlops_op_new("gradient", d->D[0]->dom, rng, dtype, d->D[0]->spaces, A);
  dlops_darray_destroy(&rng);
  if (err) {
    for (int k = 0; k < d->n; k++) dlops_op_destroy(&d->D[k]);
    free(d);
    return err;
  }
  dlops_op op = *A;
  op->data = d;
  op->destroy = grad_destroy;
  op->apply = grad_fwd;
  op->apply_adjoint = grad_adj;
  op->ndims = ndim;
  memcpy(op->dims, dims, sizeof(int64_t) * (size_t)ndim);
  int64_t total = 1;
  for (int k = 0; k < ndim; k++) total *= dims[k];
  op->ndimsd = 1; /* PyLops-MPI: dimsd = (ndim * prod(dims),) */
  op->dimsd[0] = ndim * total;
  return DLOPS_SUCCESS;
}
