/* Identity (PyLops Identity(N, M)) and zero operators.
 *
 * identity nrows x ncols: y[:k] = x[:k] with k = min(nrows, ncols), the rest of y is zero; the
 * adjoint swaps the roles. Rectangular identities are local operators (one-rank context); on
 * P ranks the identity is square and copies the local block (1-D SCATTER, default split).
 * zero nrows x ncols: any context, 1-D SCATTER vectors with the default split. */
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

/* Copy min(nin, nout) leading elements and zero the rest of the output, in the arrays' space. */
static int copy_pad(dlops_dtype t, dlops_darray in, dlops_darray out) {
  size_t es = dlops_dtype_size(t);
  int64_t k = in->nlocal < out->nlocal ? in->nlocal : out->nlocal;
  DLOPS_CALL(dlops_mem_copy(out->m, out->data, in->m, in->data, (size_t)k * es, 0));
  if (out->nlocal > k) {
    const dlops_scalar zero = {0.0, 0.0};
    DLOPS_CALL(out->m->ops->fill(out->m, t, out->nlocal - k, zero, (char *)out->data + (size_t)k * es));
  }
  return DLOPS_SUCCESS;
}

static int id_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return copy_pad(A->dtype, x, y); }
static int id_adj(dlops_op A, dlops_darray y, dlops_darray x) { return copy_pad(A->dtype, y, x); }
static int zero_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  (void)A;
  (void)x;
  return dlops_darray_fill(y, (dlops_scalar){0.0, 0.0});
}
static int zero_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  (void)A;
  (void)y;
  return dlops_darray_fill(x, (dlops_scalar){0.0, 0.0});
}

static int create(const char *name, dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, int is_id,
                  dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "%s: null output operator pointer", name);
  if (A) *A = NULL;
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG,
                   "%s: bad element type %d", name, (int)dtype);
  DLOPS_CHECK_COLL(nrows >= 0 && ncols >= 0, ctx, err, DLOPS_ERR_ARG, "%s: negative shape (%lld x %lld)", name,
                   (long long)nrows, (long long)ncols);
  if (is_id)
    DLOPS_CHECK_COLL(ctx->size == 1 || nrows == ncols, ctx, err, DLOPS_ERR_ARG,
                     "identity: a rectangular identity (%lld x %lld) is a local operator: create it on a one-rank "
                     "context (this one has %d ranks)",
                     (long long)nrows, (long long)ncols, ctx->size);
  DLOPS_CALL(dlops_comm_agree(ctx->world, err));
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_op_vec1d(ctx, ncols, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, nrows, -1, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) err = dlops_op_new(name, dom, rng, dtype, DLOPS_SPACES_ALL, A);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  DLOPS_CALL(err);
  (*A)->apply = is_id ? id_fwd : zero_fwd;
  (*A)->apply_adjoint = is_id ? id_adj : zero_adj;
  return DLOPS_SUCCESS;
}

int dlops_op_create_identity(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, dlops_op *A) {
  return create("identity", ctx, nrows, ncols, dtype, 1, A);
}

int dlops_op_create_zero(dlops_ctx ctx, int64_t nrows, int64_t ncols, dlops_dtype dtype, dlops_op *A) {
  return create("zero", ctx, nrows, ncols, dtype, 0, A);
}
