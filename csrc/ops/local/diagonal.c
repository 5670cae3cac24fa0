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
  dlops_op_free_like(A->dom, d->d);
  free(d);
}

/* y = d .* x, adjoint x = conj(d) .* y, where the data lives */
static int diag_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  diag_data *d = A->data;
  return x->m->ops->mult(x->m, A->dtype, d->n, d->d, 0, x->data, y->data);
}
static int diag_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  diag_data *d = A->data;
  return y->m->ops->mult(y->m, A->dtype, d->n, d->d, 1, y->data, x->data);
}

int dlops_op_create_diagonal(dlops_ctx ctx, int64_t n, dlops_dtype dtype, const void *dvals, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
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
    if (!d) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "diagonal: cannot allocate operator data");
  }
  /* the element type must be the same on every rank (DLOPS_ERR_ARG); a differing n is found by
   * the creation of the vectors (DLOPS_ERR_SIZE, as for any layout) */
  err = dlops_op_agree(ctx, err, err ? 0 : dlops_op_hash_i64(0, dtype), DLOPS_ERR_ARG, "element types");
  dlops_darray v = NULL;
  if (!err) err = dlops_op_vec1d(ctx, n, -1, DLOPS_SCATTER, dtype, -1, &v);
  /* the entries live where the vectors live */
  if (!err) err = dlops_op_alloc_like(v, dtype, nl, dvals, &d->d);
  if (!err) err = dlops_op_new("diagonal", v, v, dtype, DLOPS_SPACES_ALL, A);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (d) dlops_op_free_like(v, d->d);
    free(d);
    dlops_darray_destroy(&v);
    if (A && *A) dlops_op_destroy(A);
    return err;
  }
  dlops_darray_destroy(&v);
  d->n = nl;
  (*A)->data = d;
  (*A)->destroy = diag_destroy;
  (*A)->apply = diag_fwd;
  (*A)->flops = (dtype == DLOPS_C64 || dtype == DLOPS_C128 ? 6.0 : 1.0) * (double)nl; /* log_view estimate */
  (*A)->apply_adjoint = diag_adj;
  return DLOPS_SUCCESS;
}
