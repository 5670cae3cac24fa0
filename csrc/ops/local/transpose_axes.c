/* Transpose of the axes of an N-D model on a one-rank context: y = x.transpose(perm), so
 * dimsd[k] = dims[perm[k]]. The adjoint is the inverse permutation (a permutation is real and
 * orthogonal). */
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  int ndim;
  int64_t oshape[2][DLOPS_MAX_NDIM];  /* output shape: [0] forward (dimsd), [1] adjoint (dims) */
  int64_t istride[2][DLOPS_MAX_NDIM]; /* stride in the input of each output axis */
} tr_data;

/* Walk the output in C order; the input element of output index (i_0..i_{n-1}) is at
 * sum_k i_k * istride[k]. */
static void permute(const tr_data *d, int dir, size_t es, const char *in, char *out) {
  const int nd = d->ndim;
  const int64_t *shape = d->oshape[dir], *st = d->istride[dir];
  int64_t total = 1;
  for (int k = 0; k < nd; k++) total *= shape[k];
  if (total == 0) return;
  int64_t idx[DLOPS_MAX_NDIM] = {0};
  const int64_t last = shape[nd - 1], lst = st[nd - 1];
  int64_t base = 0; /* input offset of (idx[0..nd-2], 0) */
  for (int64_t o = 0; o < total; o += last) {
    const char *src = in + (size_t)base * es;
    char *dst = out + (size_t)o * es;
    switch (es) {
      case 4:
        for (int64_t i = 0; i < last; i++) memcpy(dst + 4 * i, src + (size_t)(i * lst) * 4, 4);
        break;
      case 8:
        for (int64_t i = 0; i < last; i++) memcpy(dst + 8 * i, src + (size_t)(i * lst) * 8, 8);
        break;
      default:
        for (int64_t i = 0; i < last; i++) memcpy(dst + 16 * i, src + (size_t)(i * lst) * 16, 16);
        break;
    }
    /* advance the multi-index over axes nd-2 .. 0 */
    for (int k = nd - 2; k >= 0; k--) {
      idx[k]++;
      base += st[k];
      if (idx[k] < shape[k]) break;
      base -= idx[k] * st[k];
      idx[k] = 0;
    }
  }
}

static int tr_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  permute(A->data, 0, dlops_dtype_size(A->dtype), x->data, y->data);
  return DLOPS_SUCCESS;
}
static int tr_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  permute(A->data, 1, dlops_dtype_size(A->dtype), y->data, x->data);
  return DLOPS_SUCCESS;
}
static void tr_destroy(dlops_op A) { free(A->data); }

int dlops_op_create_transpose_axes(dlops_ctx ctx, int ndim, const int64_t *dims, const int *perm, dlops_dtype dtype,
                                   dlops_op *A) {
  DLOPS_CHECK(A, ctx, DLOPS_ERR_ARG, "transpose_axes: null output operator pointer");
  *A = NULL;
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "transpose_axes: null context");
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
  d->ndim = ndim;
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
  for (int k = 0; k < ndim; k++) {
    d->oshape[0][k] = dimsd[k];
    d->istride[0][k] = sx[perm[k]];
    d->oshape[1][k] = dims[k];
    d->istride[1][k] = sy[inv[k]];
  }
  dlops_darray dom = NULL, rng = NULL;
  int err = dlops_op_vec1d(ctx, n, -1, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, n, -1, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) err = dlops_op_new("transpose_axes", dom, rng, dtype, A);
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
