/* Transpose of the axes of an N-D model on a one-rank context: y = x.transpose(perm), so
 * dimsd[k] = dims[perm[k]]. The adjoint is the inverse permutation (a permutation is real and
 * orthogonal). */
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

/* y = x.transpose(perm) is a strided copy: y is walked contiguously (C order of dimsd) and x
 * with the permuted strides; the adjoint is the inverse permutation. */
typedef struct {
  dlops_mem_strided s[2]; /* [0] forward, [1] adjoint */
} tr_data;

static int tr_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  const tr_data *d = A->data;
  return x->m->ops->strided(x->m, dlops_dtype_size(A->dtype), &d->s[0], y->data, x->data);
}
static int tr_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  const tr_data *d = A->data;
  return y->m->ops->strided(y->m, dlops_dtype_size(A->dtype), &d->s[1], x->data, y->data);
}
static void tr_destroy(dlops_op A) { free(A->data); }

int dlops_op_create_transpose_axes(dlops_ctx ctx, int ndim, const int64_t *dims, const int *perm, dlops_dtype dtype,
                                   dlops_op *A) {
  DLOPS_CALL(dlops_ctx_check(ctx)); /* local: NULL is ARG, a destroyed context STATE */
  DLOPS_CHECK(A, ctx, DLOPS_ERR_ARG, "transpose_axes: null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(ctx->size == 1, ctx, DLOPS_ERR_ARG,
              "transpose_axes is a local operator: create it on a one-rank context (this one has %d ranks)",
              ctx->size);
  DLOPS_CHECK((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, DLOPS_ERR_ARG,
              "transpose_axes: bad element type %d", (int)dtype);
  DLOPS_CHECK(ndim >= 1 && ndim <= DLOPS_MAX_NDIM && dims && perm, ctx, DLOPS_ERR_ARG,
              "transpose_axes: ndim = %d must be in [1, %d] with non-null dims and perm", ndim, DLOPS_MAX_NDIM);
  int seen[DLOPS_MAX_NDIM] = {0}, inv[DLOPS_MAX_NDIM];
  for (int k = 0; k < ndim; k++) {
    DLOPS_CHECK(dims[k] >= 0, ctx, DLOPS_ERR_ARG, "transpose_axes: dims[%d] = %lld is negative", k,
                (long long)dims[k]);
    DLOPS_CHECK(perm[k] >= 0 && perm[k] < ndim && !seen[perm[k]], ctx, DLOPS_ERR_ARG,
                "transpose_axes: perm is not a permutation of 0..%d (perm[%d] = %d)", ndim - 1, k, perm[k]);
    seen[perm[k]] = 1;
    inv[perm[k]] = k;
  }
  tr_data *d = calloc(1, sizeof *d);
  DLOPS_CHECK(d, ctx, DLOPS_ERR_MEM, "transpose_axes: cannot allocate operator data");
  int64_t sx[DLOPS_MAX_NDIM], sy[DLOPS_MAX_NDIM], dimsd[DLOPS_MAX_NDIM], n = 1;
  for (int k = 0; k < ndim; k++) {
    dimsd[k] = dims[perm[k]];
    n *= dims[k];
  }
  sx[ndim - 1] = sy[ndim - 1] = 1;
  for (int k = ndim - 2; k >= 0; k--) {
    sx[k] = sx[k + 1] * dims[k + 1];
    sy[k] = sy[k + 1] * dimsd[k + 1];
  }
  d->s[0].ndim = d->s[1].ndim = ndim;
  for (int k = 0; k < ndim; k++) {
    d->s[0].shape[k] = dimsd[k]; /* forward: walk y = (dimsd) in C order */
    d->s[0].dst_stride[k] = sy[k];
    d->s[0].src_stride[k] = sx[perm[k]];
    d->s[1].shape[k] = dims[k]; /* adjoint: walk x = (dims) in C order */
    d->s[1].dst_stride[k] = sx[k];
    d->s[1].src_stride[k] = sy[inv[k]];
  }
  dlops_darray dom = NULL, rng = NULL;
  int err = dlops_op_vec1d(ctx, n, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, n, -1, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) err = dlops_op_new("transpose_axes", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = tr_destroy;
  (*A)->apply = tr_fwd;
  (*A)->apply_adjoint = tr_adj;
  (*A)->ndims = (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, dimsd, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
