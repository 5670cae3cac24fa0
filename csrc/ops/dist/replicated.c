/* A local operator applied independently on every rank to its copy of a (UNSAFE_)BROADCAST
 * array (PyLops-MPI MPILinearOperator wrapping a pylops operator). Domain and range are 1-D
 * arrays of the local operator's sizes with the chosen partition. No communication: with
 * BROADCAST vectors every replica computes the same values from the same input. */
#include <stdlib.h>

#include "localview.h"

typedef struct {
  dlops_op op;
  dlops_darray vx, vy;
} rep_data;

static void rep_free(rep_data *d) {
  if (!d) return;
  dlops_darray_destroy(&d->vx);
  dlops_darray_destroy(&d->vy);
  dlops_op_release(&d->op);
  free(d);
}
static void rep_destroy(dlops_op A) { rep_free(A->data); }

static int rep_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  rep_data *d = A->data;
  DLOPS_CHECK(d->op->apply, A->ctx, DLOPS_ERR_UNSUPPORTED, "replicated: local operator (%s) has no forward",
              d->op->name);
  dlops_lview_point(d->vx, x->data, 0);
  dlops_lview_point(d->vy, y->data, 0);
  return dlops_op_kernel(A->ctx, d->op, 0, d->vx, d->vy);
}
static int rep_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  rep_data *d = A->data;
  DLOPS_CHECK(d->op->apply_adjoint, A->ctx, DLOPS_ERR_UNSUPPORTED, "replicated: local operator (%s) has no adjoint",
              d->op->name);
  dlops_lview_point(d->vx, x->data, 0);
  dlops_lview_point(d->vy, y->data, 0);
  return dlops_op_kernel(A->ctx, d->op, 1, d->vy, d->vx);
}

int dlops_op_create_replicated(dlops_ctx ctx, dlops_op local, dlops_partition partition, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "replicated: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(partition == DLOPS_BROADCAST || partition == DLOPS_UNSAFE_BROADCAST, ctx, err, DLOPS_ERR_ARG,
                   "replicated: partition must be BROADCAST or UNSAFE_BROADCAST, not %s",
                   dlops_partition_name(partition));
  if (!err) err = dlops_lview_check_op(ctx, "replicated", 0, local);
  /* every rank must pass the same layout: local operator shape and partition (DLOPS_ERR_SIZE,
   * as for differing array layouts), then element type (DLOPS_ERR_ARG) */
  uint64_t hs = 0, ha = 0;
  if (!err) {
    hs = dlops_op_hash_i64(dlops_op_hash_i64(0, local->rng->nlocal), local->dom->nlocal);
    hs = dlops_op_hash_i64(hs, partition);
    ha = dlops_op_hash_i64(0, dlops_op_types(local));
    /* forward and adjoint available on every rank or on none: an apply some rank cannot run is
     * refused before any rank writes its output */
    ha = dlops_op_hash_i64(ha, (local->apply ? 1 : 0) | (local->apply_adjoint ? 2 : 0));
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, hs, DLOPS_ERR_SIZE, "layouts (local operator rows and cols, partition)"));
  DLOPS_CALL(dlops_op_agree(ctx, 0, ha, DLOPS_ERR_ARG, "local operator element types (or forward/adjoint availability)"));
  rep_data *d = calloc(1, sizeof *d);
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_op_vec1d(ctx, local->dom->nlocal, -1, partition, local->dom->dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, local->rng->nlocal, -1, partition, local->rng->dtype, -1, &rng);
  if (!err && !d) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "replicated: cannot allocate operator data");
  if (!err) {
    d->op = local;
    dlops_op_retain(local);
    err = dlops_lview_create(ctx, local->dom, &d->vx);
  }
  if (!err) err = dlops_lview_create(ctx, local->rng, &d->vy);
  if (!err) err = dlops_op_new("replicated", dom, rng, local->dtype, local->spaces, A);
  if (!err) (*A)->rlin |= local->rlin;
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    rep_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = rep_destroy;
  (*A)->apply = local->apply ? rep_fwd : NULL; /* the same on every rank (agreed above) */
  (*A)->apply_adjoint = local->apply_adjoint ? rep_adj : NULL;
  (*A)->ndims = local->ndims;
  (*A)->ndimsd = local->ndimsd;
  for (int k = 0; k < DLOPS_MAX_NDIM; k++) {
    (*A)->dims[k] = local->dims[k];
    (*A)->dimsd[k] = local->dimsd[k];
  }
  return DLOPS_SUCCESS;
}
