/* Distributed non-stationary 1-D convolution (PyLops-MPI MPINonStationaryConvolve1D): the model
 * is split along the filtered axis over the P ranks (ceil blocks, the halo operator's
 * (1, ..., P, ..., 1) grid); every rank passes all the filters. An apply extends the local block
 * by nh/2 samples on both sides from the neighbours (zeros beyond the global ends: the halo
 * operator, ops/dist/halo.c; in 1-D it trims the global ends instead), runs the local kernel (ops/local/nsconv1d.c) on the extended block
 * with the filters interpolated at the samples' global positions, and crops:
 *     A = C N E,   A^H = C N^H E,
 * E the extension, C the crop (the halo's forward and adjoint). Both are exact: an owned output
 * sample depends only on the samples within nh/2 of it, all present in the extended block with
 * their true filters. PyLops-MPI composes the same three steps (Halo^H BlockDiag Halo) with a
 * wider halo (the filter spacing plus nh/2 + 1) and, on each rank, only the filters next to its
 * block; it requires dims[axis] divisible by P and a filter on every rank. Here any split works
 * whose blocks hold at least nh/2 samples where they have a neighbour, and the values are those
 * of the one-rank operator.
 *
 * Communication per apply (forward or adjoint): one neighbour exchange, in which rank r sends
 * nh/2 * (product of the other dims) elements to each neighbour along the axis. Host memory
 * only, as the local kernel. */
#include <stdlib.h>
#include <string.h>

#include "../local/nsconv1d.h"

typedef struct {
  dlops_op H;          /* halo: extend (forward), crop (adjoint) */
  dlops_darray ex, ey; /* the extended block: input and output of the local kernel */
  dlops_nsc k;
} mnsc_data;

static void mnsc_free(mnsc_data *d) {
  if (!d) return;
  dlops_darray_destroy(&d->ex);
  dlops_darray_destroy(&d->ey);
  dlops_op_destroy(&d->H);
  free(d->k.H);
  free(d);
}
static void mnsc_destroy(dlops_op A) { mnsc_free(A->data); }

static int mnsc_run(dlops_op A, int adj, dlops_darray in, dlops_darray out) {
  mnsc_data *d = A->data;
  DLOPS_CALL(dlops_op_kernel(A->ctx, d->H, 0, in, d->ex));
  DLOPS_CALL(dlops_nsc_run(&d->k, A->dtype, adj, d->ex->data, d->ey->data));
  return dlops_op_kernel(A->ctx, d->H, 1, d->ey, out);
}
static int mnsc_fwd(dlops_op A, dlops_darray x, dlops_darray y) { return mnsc_run(A, 0, x, y); }
static int mnsc_adj(dlops_op A, dlops_darray y, dlops_darray x) { return mnsc_run(A, 1, y, x); }

int dlops_op_create_mpi_nonstationary_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis,
                                                 int64_t nfilts, int64_t nh, const void *hs, const int64_t *ih,
                                                 dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  const char *who = "mpi_nonstationary_convolve1d";
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "%s: null output operator pointer", who);
  if (A) *A = NULL;
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG, "%s: bad element type %d",
                   who, (int)dtype);
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM && dims, ctx, err, DLOPS_ERR_ARG,
                   "%s: ndim = %d must be in [1, %d] with non-null dims", who, ndim, DLOPS_MAX_NDIM);
  if (!err && axis < 0) axis += ndim;
  DLOPS_CHECK_COLL(err || (axis >= 0 && axis < ndim), ctx, err, DLOPS_ERR_ARG, "%s: axis out of range for %d dimensions",
                   who, ndim);
  int64_t total = 1;
  for (int k = 0; k < ndim && !err; k++) {
    DLOPS_CHECK_COLL(dims[k] >= 1 && total <= INT64_MAX / 16 / dims[k], ctx, err, DLOPS_ERR_ARG,
                     "%s: dims[%d] = %lld must be >= 1 (and the model within a 64-bit byte count)", who, k,
                     (long long)dims[k]);
    if (!err) total *= dims[k];
  }
  DLOPS_CHECK_COLL(nh >= 1 && nh % 2 == 1 && nh <= (1 << 24), ctx, err, DLOPS_ERR_ARG,
                   "%s: the filters must have an odd length (nh = %lld; at most 2^24)", who, (long long)nh);
  DLOPS_CHECK_COLL(nfilts >= 2 && nfilts <= (1 << 24), ctx, err, DLOPS_ERR_ARG,
                   "%s: nfilts = %lld: need at least 2 filters (at most 2^24)", who, (long long)nfilts);
  DLOPS_CHECK_COLL(hs && ih, ctx, err, DLOPS_ERR_ARG, "%s: null filters hs or positions ih", who);
  if (!err) {
    const int64_t n = dims[axis], dh = ih[1] - ih[0];
    for (int64_t k = 0; k < nfilts && !err; k++) {
      DLOPS_CHECK_COLL(ih[k] >= 0 && ih[k] < n, ctx, err, DLOPS_ERR_ARG,
                       "%s: ih[%lld] = %lld must be in [0, dims[axis] = %lld)", who, (long long)k, (long long)ih[k],
                       (long long)n);
      DLOPS_CHECK_COLL(err || k == 0 || (ih[k] - ih[k - 1] == dh && dh > 0), ctx, err, DLOPS_ERR_ARG,
                       "%s: the filter positions ih must be regularly sampled and increasing", who);
    }
  }
  /* the same operator on every rank, filter values included */
  uint64_t hash = 0;
  if (!err) {
    hash = dlops_op_hash_i64(0, ndim);
    for (int k = 0; k < ndim; k++) hash = dlops_op_hash_i64(hash, dims[k]);
    hash = dlops_op_hash_i64(hash, axis);
    hash = dlops_op_hash_i64(hash, nfilts);
    hash = dlops_op_hash_i64(hash, nh);
    for (int64_t k = 0; k < nfilts; k++) hash = dlops_op_hash_i64(hash, ih[k]);
    hash = dlops_op_hash_i64(hash, dtype);
    hash = dlops_hash_bytes(hash, hs, (size_t)(nfilts * nh) * dlops_dtype_size(dtype));
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, hash, DLOPS_ERR_ARG, "mpi_nonstationary_convolve1d arguments (dims, axis, "
                                                           "nfilts, nh, ih, the filters or dtype)"));
  const int64_t hh = nh / 2;
  int64_t widths[2 * DLOPS_MAX_NDIM] = {0};
  int grid[DLOPS_MAX_NDIM];
  for (int k = 0; k < ndim; k++) grid[k] = k == axis ? ctx->size : 1;
  widths[2 * axis] = widths[2 * axis + 1] = hh;
  mnsc_data *d = calloc(1, sizeof *d);
  err = d ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "%s: cannot allocate operator data", who);
  err = dlops_comm_agree(ctx->world, err);
  if (err) return err;
  /* the halo's checks (a block shorter than nh/2 next to a neighbour: DLOPS_ERR_SIZE) are collective */
  err = dlops_op_create_halo(ctx, ndim, dims, widths, grid, dtype, &d->H);
  if (!err) err = dlops_op_create_vecs(d->H, NULL, &d->ex);
  if (!err) err = dlops_op_create_vecs(d->H, NULL, &d->ey);
  int64_t start = 0, len = 0;
  if (!err) {
    dlops_ceil_block(dims[axis], ctx->size, ctx->rank, &start, &len);
    /* the halo keeps both sides (zeros beyond the global ends) when the widths differ between
     * axes; in 1-D they are all equal (PyLops-MPI's scalar halo) and the global ends are
     * trimmed, so the first rank's block starts at sample 0 */
    const int64_t hm = (ndim == 1 && ctx->rank == 0) ? 0 : hh, hp = (ndim == 1 && ctx->rank == ctx->size - 1) ? 0 : hh;
    d->k.n = len + hm + hp;
    d->k.nh = nh;
    d->k.outer = 1;
    d->k.inner = 1;
    for (int k = 0; k < axis; k++) d->k.outer *= dims[k];
    for (int k = axis + 1; k < ndim; k++) d->k.inner *= dims[k];
    if (d->k.outer * d->k.n * d->k.inner != d->ex->nlocal)
      err = DLOPS_ERROR(ctx, DLOPS_ERR_INTERNAL, "%s: extended block of %lld elements, the halo's has %lld", who,
                        (long long)(d->k.outer * d->k.n * d->k.inner), (long long)d->ex->nlocal);
    start -= hm;
    if (!err) {
      d->k.H = dlops_nsc_interp(d->k.n, start, nfilts, nh, hs, ih[0], ih[1] - ih[0], dtype);
      if (!d->k.H) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "%s: cannot allocate the filters", who);
    }
  }
  if (!err) err = dlops_op_new(who, d->H->dom, d->H->dom, dtype, DLOPS_SPACES_HOST, A);
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    mnsc_free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = mnsc_destroy;
  (*A)->apply = mnsc_fwd;
  (*A)->apply_adjoint = mnsc_adj;
  (*A)->ndims = ndim;
  (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
