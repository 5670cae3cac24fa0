/* 1-D convolution along one axis of an N-D model (PyLops Convolve1D, "direct" method).
 *
 * With n = dims[axis], a filter h[nh] centred at offset, PyLops pads the filter (short filter,
 * nh <= n) or the model (long filter, nh > n) so that both cases reduce to
 *     y[i] = sum_q x[q] h[i + offset - q],   0 <= i < ny = max(n, nh), 0 <= q < n,
 * taken independently for every 1-D slice along axis; dimsd = dims with dimsd[axis] = ny. The
 * adjoint is the correlation x[q] = sum_i conj(h[i + offset - q]) y[i] (PyLops flips the filter
 * without conjugating it, which is the transpose, not the adjoint, for complex filters: here
 * the adjoint is exact). offset must be <= nh - 1 (short) or <= n - 1 (long), as in PyLops.
 *
 * On a one-rank context any axis works. On P ranks the model is split along axis 0 (N-D axis-0
 * split) and axis must be > 0, so every rank convolves its own rows: no communication. */
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  void *h;             /* the filter, in the vectors' memory space */
  dlops_mem_conv g;    /* local blocks: outer x n x inner (model), outer x ny x inner (data) */
} conv_data;

static void conv_free(dlops_darray t, conv_data *d) {
  if (!d) return;
  dlops_op_free_like(t, d->h);
  free(d);
}
static void conv_destroy(dlops_op A) { conv_free(A->dom, A->data); }

static int conv_apply(dlops_op A, dlops_darray x, dlops_darray y) {
  const conv_data *d = A->data;
  return x->m->ops->conv1d(x->m, A->dtype, 0, &d->g, d->h, x->data, y->data);
}

static int conv_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x) {
  const conv_data *d = A->data;
  return y->m->ops->conv1d(y->m, A->dtype, 1, &d->g, d->h, y->data, x->data);
}

int dlops_op_create_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, const void *h, int64_t nh,
                               int64_t offset, dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "convolve1d: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG,
                   "convolve1d: bad element type %d", (int)dtype);
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM && dims, ctx, err, DLOPS_ERR_ARG,
                   "convolve1d: ndim = %d must be in [1, %d] with non-null dims", ndim, DLOPS_MAX_NDIM);
  if (!err && axis < 0) axis += ndim;
  DLOPS_CHECK_COLL(err || (axis >= 0 && axis < ndim), ctx, err, DLOPS_ERR_ARG,
                   "convolve1d: axis out of range for %d dimensions", ndim);
  for (int k = 0; k < ndim && !err; k++)
    DLOPS_CHECK_COLL(dims[k] >= 0, ctx, err, DLOPS_ERR_ARG, "convolve1d: dims[%d] = %lld is negative", k,
                     (long long)dims[k]);
  DLOPS_CHECK_COLL(err || dims[axis] >= 1, ctx, err, DLOPS_ERR_ARG, "convolve1d: dims[axis] must be >= 1");
  DLOPS_CHECK_COLL(nh >= 1 && h, ctx, err, DLOPS_ERR_ARG, "convolve1d: need a non-empty filter (nh = %lld)",
                   (long long)nh);
  DLOPS_CHECK_COLL(err || ctx->size == 1 || axis > 0, ctx, err, DLOPS_ERR_ARG,
                   "convolve1d: on %d ranks the model is split along axis 0, so the convolution axis must be > 0 "
                   "(or use a one-rank context)",
                   ctx->size);
  int64_t n = err ? 1 : dims[axis];
  int64_t limit = nh <= n ? nh - 1 : n - 1;
  /* negative offsets are valid (the output shifts); the bound only keeps index arithmetic in range */
  DLOPS_CHECK_COLL(err || (offset >= -(INT64_MAX / 4) && offset <= limit), ctx, err, DLOPS_ERR_ARG,
                   "convolve1d: offset %lld must be in [-2^61, %lld] (%s filter, nh = %lld, dims[axis] = %lld)",
                   (long long)offset, (long long)limit, nh <= n ? "short" : "long", (long long)nh, (long long)n);
  conv_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    if (!d) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "convolve1d: cannot allocate operator data");
  }
  /* every rank must describe the same operator (the filter values are this rank's own) */
  uint64_t hash = 0;
  if (!err) {
    hash = dlops_op_hash_i64(0, ndim);
    for (int k = 0; k < ndim; k++) hash = dlops_op_hash_i64(hash, dims[k]);
    hash = dlops_op_hash_i64(hash, axis);
    hash = dlops_op_hash_i64(hash, nh);
    hash = dlops_op_hash_i64(hash, offset);
    hash = dlops_op_hash_i64(hash, dtype);
  }
  err = dlops_op_agree(ctx, err, hash, DLOPS_ERR_ARG, "convolve1d arguments (dims, axis, nh, offset or dtype)");
  if (err) {
    free(d);
    return err;
  }
  d->g.nh = nh;
  d->g.off = offset;
  d->g.n = n;
  d->g.ny = nh > n ? nh : n;
  int64_t dimsd[DLOPS_MAX_NDIM];
  memcpy(dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  dimsd[axis] = d->g.ny;
  int64_t rows, nm, nd, gm = 1, gd = 1;
  dlops_nd_split(ctx, ndim, dims, &rows, NULL, &nm);
  dlops_nd_split(ctx, ndim, dimsd, NULL, NULL, &nd);
  for (int k = 0; k < ndim; k++) {
    gm *= dims[k];
    gd *= dimsd[k];
  }
  d->g.outer = 1;
  d->g.inner = 1;
  for (int k = 0; k < axis; k++) d->g.outer *= k == 0 ? rows : dims[k];
  for (int k = axis + 1; k < ndim; k++) d->g.inner *= dims[k];
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_op_vec1d(ctx, gm, nm, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, gd, nd, DLOPS_SCATTER, dtype, -1, &rng);
  /* the filter lives where the vectors live */
  if (!err) err = dlops_op_alloc_like(dom, dtype, nh, h, &d->h);
  if (!err) err = dlops_op_new("convolve1d", dom, rng, dtype, DLOPS_SPACES_ALL, A);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    conv_free(dom, d);
  }
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) return err;
  (*A)->data = d;
  (*A)->destroy = conv_destroy;
  (*A)->apply = conv_apply;
  /* log_view estimate: a direct convolution, 2 flops (8 complex) per model sample and filter tap */
  (*A)->flops = (dtype == DLOPS_C64 || dtype == DLOPS_C128 ? 8.0 : 2.0) * (double)nm * (double)nh;
  (*A)->apply_adjoint = conv_apply_adjoint;
  (*A)->ndims = ndim;
  (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, dimsd, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
