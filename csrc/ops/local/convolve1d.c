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
  void *h;
  int64_t nh, off;
  int64_t outer, n, ny, inner; /* local block: outer x n x inner (model), outer x ny x inner (data) */
} conv_data;

static void conv_destroy(dlops_op A) {
  conv_data *d = A->data;
  if (!d) return;
  free(d->h);
  free(d);
}

static inline int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

/* Real kernels: forward y = h * x, adjoint x = h (*) y (correlation). */
#define CONV_REAL(S, T)                                                                              \
  static void conv_fwd_##S(const conv_data *d, const T *h, const T *x, T *y) {                       \
    for (int64_t o = 0; o < d->outer; o++)                                                           \
      for (int64_t i = 0; i < d->ny; i++) {                                                          \
        T *yr = y + (o * d->ny + i) * d->inner;                                                      \
        for (int64_t k = 0; k < d->inner; k++) yr[k] = 0;                                            \
        int64_t jlo = imax(0, i + d->off - d->n + 1), jhi = imin(d->nh - 1, i + d->off);              \
        for (int64_t j = jlo; j <= jhi; j++) {                                                       \
          const T *xr = x + (o * d->n + i + d->off - j) * d->inner;                                  \
          const T hj = h[j];                                                                         \
          for (int64_t k = 0; k < d->inner; k++) yr[k] += hj * xr[k];                                \
        }                                                                                            \
      }                                                                                              \
  }                                                                                                  \
  static void conv_adj_##S(const conv_data *d, const T *h, const T *y, T *x) {                       \
    for (int64_t o = 0; o < d->outer; o++)                                                           \
      for (int64_t q = 0; q < d->n; q++) {                                                           \
        T *xr = x + (o * d->n + q) * d->inner;                                                       \
        for (int64_t k = 0; k < d->inner; k++) xr[k] = 0;                                            \
        int64_t jlo = imax(0, d->off - q), jhi = imin(d->nh - 1, d->ny - 1 + d->off - q);             \
        for (int64_t j = jlo; j <= jhi; j++) {                                                       \
          const T *yr = y + (o * d->ny + q - d->off + j) * d->inner;                                 \
          const T hj = h[j];                                                                         \
          for (int64_t k = 0; k < d->inner; k++) xr[k] += hj * yr[k];                                \
        }                                                                                            \
      }                                                                                              \
  }

/* Complex kernels on (re, im) pairs; the adjoint uses conj(h). */
#define CONV_CPLX(S, T)                                                                              \
  static void conv_fwd_##S(const conv_data *d, const T *h, const T *x, T *y) {                       \
    for (int64_t o = 0; o < d->outer; o++)                                                           \
      for (int64_t i = 0; i < d->ny; i++) {                                                          \
        T *yr = y + 2 * (o * d->ny + i) * d->inner;                                                  \
        for (int64_t k = 0; k < 2 * d->inner; k++) yr[k] = 0;                                        \
        int64_t jlo = imax(0, i + d->off - d->n + 1), jhi = imin(d->nh - 1, i + d->off);              \
        for (int64_t j = jlo; j <= jhi; j++) {                                                       \
          const T *xr = x + 2 * (o * d->n + i + d->off - j) * d->inner;                              \
          const T hr = h[2 * j], hi = h[2 * j + 1];                                                  \
          for (int64_t k = 0; k < d->inner; k++) {                                                   \
            yr[2 * k] += hr * xr[2 * k] - hi * xr[2 * k + 1];                                        \
            yr[2 * k + 1] += hr * xr[2 * k + 1] + hi * xr[2 * k];                                    \
          }                                                                                          \
        }                                                                                            \
      }                                                                                              \
  }                                                                                                  \
  static void conv_adj_##S(const conv_data *d, const T *h, const T *y, T *x) {                       \
    for (int64_t o = 0; o < d->outer; o++)                                                           \
      for (int64_t q = 0; q < d->n; q++) {                                                           \
        T *xr = x + 2 * (o * d->n + q) * d->inner;                                                   \
        for (int64_t k = 0; k < 2 * d->inner; k++) xr[k] = 0;                                       \
        int64_t jlo = imax(0, d->off - q), jhi = imin(d->nh - 1, d->ny - 1 + d->off - q);             \
        for (int64_t j = jlo; j <= jhi; j++) {                                                       \
          const T *yr = y + 2 * (o * d->ny + q - d->off + j) * d->inner;                             \
          const T hr = h[2 * j], hi = -h[2 * j + 1];                                                 \
          for (int64_t k = 0; k < d->inner; k++) {                                                   \
            xr[2 * k] += hr * yr[2 * k] - hi * yr[2 * k + 1];                                        \
            xr[2 * k + 1] += hr * yr[2 * k + 1] + hi * yr[2 * k];                                    \
          }                                                                                          \
        }                                                                                            \
      }                                                                                              \
  }

CONV_REAL(s, float)
CONV_REAL(d, double)
CONV_CPLX(c, float)
CONV_CPLX(z, double)

static int conv_apply(dlops_op A, dlops_darray x, dlops_darray y) {
  const conv_data *d = A->data;
  switch (A->dtype) {
    case DLOPS_F32: conv_fwd_s(d, d->h, x->data, y->data); break;
    case DLOPS_F64: conv_fwd_d(d, d->h, x->data, y->data); break;
    case DLOPS_C64: conv_fwd_c(d, d->h, x->data, y->data); break;
    default: conv_fwd_z(d, d->h, x->data, y->data); break;
  }
  return DLOPS_SUCCESS;
}

static int conv_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x) {
  const conv_data *d = A->data;
  switch (A->dtype) {
    case DLOPS_F32: conv_adj_s(d, d->h, y->data, x->data); break;
    case DLOPS_F64: conv_adj_d(d, d->h, y->data, x->data); break;
    case DLOPS_C64: conv_adj_c(d, d->h, y->data, x->data); break;
    default: conv_adj_z(d, d->h, y->data, x->data); break;
  }
  return DLOPS_SUCCESS;
}

int dlops_op_create_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, const void *h, int64_t nh,
                               int64_t offset, dlops_dtype dtype, dlops_op *A) {
  DLOPS_CHECK(ctx, NULL, DLOPS_ERR_ARG, "convolve1d: null context");
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
  DLOPS_CHECK_COLL(err || offset <= limit, ctx, err, DLOPS_ERR_ARG,
                   "convolve1d: offset %lld must be <= %lld (%s filter, nh = %lld, dims[axis] = %lld)",
                   (long long)offset, (long long)limit, nh <= n ? "short" : "long", (long long)nh, (long long)n);
  conv_data *d = NULL;
  if (!err) {
    d = calloc(1, sizeof *d);
    if (d) d->h = malloc((size_t)nh * dlops_dtype_size(dtype));
    if (!d || !d->h) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "convolve1d: cannot allocate the filter");
  }
  err = dlops_comm_agree(ctx->world, err);
  if (err) {
    if (d) free(d->h);
    free(d);
    return err;
  }
  memcpy(d->h, h, (size_t)nh * dlops_dtype_size(dtype));
  d->nh = nh;
  d->off = offset;
  d->n = n;
  d->ny = nh > n ? nh : n;
  int64_t dimsd[DLOPS_MAX_NDIM];
  memcpy(dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  dimsd[axis] = d->ny;
  int64_t rows, nm, nd, gm = 1, gd = 1;
  dlops_nd_split(ctx, ndim, dims, &rows, NULL, &nm);
  dlops_nd_split(ctx, ndim, dimsd, NULL, NULL, &nd);
  for (int k = 0; k < ndim; k++) {
    gm *= dims[k];
    gd *= dimsd[k];
  }
  d->outer = 1;
  d->inner = 1;
  for (int k = 0; k < axis; k++) d->outer *= k == 0 ? rows : dims[k];
  for (int k = axis + 1; k < ndim; k++) d->inner *= dims[k];
  dlops_darray dom = NULL, rng = NULL;
  err = dlops_op_vec1d(ctx, gm, nm, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, gd, nd, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) err = dlops_op_new("convolve1d", dom, rng, dtype, A);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    free(d->h);
    free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = conv_destroy;
  (*A)->apply = conv_apply;
  (*A)->apply_adjoint = conv_apply_adjoint;
  (*A)->ndims = ndim;
  (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, dimsd, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
