/* Non-stationary 1-D convolution (PyLops pylops.signalprocessing.NonStationaryConvolve1D).
 *
 * Filters hs[nfilts][nh] (nh odd) sit at regularly spaced samples ih[0] < ih[1] < ... of the
 * axis; the filter at sample i (0 <= i < n = dims[axis]) is PyLops' _interpolate_h:
 *     c = floor((i - oh) / dh), w = (i - oh) / dh - c  (oh = ih[0], dh = ih[1] - ih[0]),
 *     h_i = hs[0] (c < 0), hs[nfilts - 1] (c >= nfilts - 1), else (1 - w) hs[c] + w hs[c + 1]
 * (w rounded to the element precision first, as numpy's scalar times array). All n filters are
 * interpolated once at creation. Along axis, with hh = nh / 2,
 *     forward: y[j] = sum_i x[i] h_i[j - i + hh]   (each x[i] spread by its own filter),
 *     adjoint: x[i] = sum_k conj(h_i[k]) y[i - hh + k],
 * over the samples inside the axis; the data has the model's shape. The forward adds the
 * contributions in ascending i as PyLops does. PyLops' rmatvec does not conjugate a complex
 * filter (it is the transpose); here the adjoint is exact, as dlops' Convolve1D.
 *
 * Host memory only: the kernel reads and writes the vectors on the host (a context of the
 * device or the emulated device is refused with DLOPS_ERR_UNSUPPORTED by dlops_op_new). On one
 * rank any axis works; on P ranks the model is split along axis 0 and axis must be > 0 (every
 * rank filters its own rows, no communication), as Convolve1D. The model split along the
 * filtered axis itself (PyLops-MPI's MPINonStationaryConvolve1D, a halo exchange) is
 * ops/dist/nsconv1d_mpi.c, which runs this file's kernel on the extended blocks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nsconv1d.h"

typedef dlops_nsc nsc_data;

static void nsc_destroy(dlops_op A) {
  nsc_data *d = A->data;
  if (!d) return;
  free(d->H);
  free(d);
}

#define NSC_REAL(S, T)                                                                                \
  static void nsc_fwd_##S(const nsc_data *d, const T *H, const T *x, T *y) {                          \
    const int64_t n = d->n, in = d->inner, nh = d->nh, hh = nh / 2;                                   \
    memset(y, 0, sizeof(T) * (size_t)(d->outer * n * in));                                            \
    for (int64_t o = 0; o < d->outer; o++) {                                                          \
      const T *xo = x + o * n * in;                                                                   \
      T *yo = y + o * n * in;                                                                         \
      for (int64_t i = 0; i < n; i++) {                                                               \
        const int64_t klo = i < hh ? hh - i : 0, khi = i + hh >= n ? n - 1 - i + hh : nh - 1;         \
        const T *h = H + i * nh;                                                                      \
        if (in == 1) { /* the last axis: contiguous taps */                                           \
          const T xv = xo[i];                                                                         \
          T *yr = yo + i - hh;                                                                        \
          for (int64_t k = klo; k <= khi; k++) yr[k] += xv * h[k];                                    \
        } else {                                                                                      \
          for (int64_t k = klo; k <= khi; k++) {                                                      \
            const T hk = h[k], *xr = xo + i * in;                                                     \
            T *yr = yo + (i - hh + k) * in;                                                           \
            for (int64_t c = 0; c < in; c++) yr[c] += xr[c] * hk;                                     \
          }                                                                                           \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
  static void nsc_adj_##S(const nsc_data *d, const T *H, const T *y, T *x) {                          \
    const int64_t n = d->n, in = d->inner, nh = d->nh, hh = nh / 2;                                   \
    for (int64_t o = 0; o < d->outer; o++) {                                                          \
      const T *yo = y + o * n * in;                                                                   \
      T *xo = x + o * n * in;                                                                         \
      for (int64_t i = 0; i < n; i++) {                                                               \
        const int64_t klo = i < hh ? hh - i : 0, khi = i + hh >= n ? n - 1 - i + hh : nh - 1;         \
        const T *h = H + i * nh;                                                                      \
        T *xr = xo + i * in;                                                                          \
        for (int64_t c = 0; c < in; c++) xr[c] = 0;                                                   \
        for (int64_t k = klo; k <= khi; k++) {                                                        \
          const T hk = h[k], *yr = yo + (i - hh + k) * in;                                            \
          for (int64_t c = 0; c < in; c++) xr[c] += hk * yr[c];                                       \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }
#define NSC_CPLX(S, T)                                                                                \
  static void nsc_fwd_##S(const nsc_data *d, const T *H, const T *x, T *y) {                          \
    const int64_t n = d->n, in = d->inner, nh = d->nh, hh = nh / 2;                                   \
    memset(y, 0, 2 * sizeof(T) * (size_t)(d->outer * n * in));                                        \
    for (int64_t o = 0; o < d->outer; o++) {                                                          \
      const T *xo = x + 2 * o * n * in;                                                               \
      T *yo = y + 2 * o * n * in;                                                                     \
      for (int64_t i = 0; i < n; i++) {                                                               \
        const int64_t klo = i < hh ? hh - i : 0, khi = i + hh >= n ? n - 1 - i + hh : nh - 1;         \
        const T *h = H + 2 * i * nh;                                                                  \
        for (int64_t k = klo; k <= khi; k++) {                                                        \
          const T hr = h[2 * k], hi = h[2 * k + 1], *xr = xo + 2 * i * in;                            \
          T *yr = yo + 2 * (i - hh + k) * in;                                                         \
          for (int64_t c = 0; c < in; c++) {                                                          \
            yr[2 * c] += xr[2 * c] * hr - xr[2 * c + 1] * hi;                                         \
            yr[2 * c + 1] += xr[2 * c] * hi + xr[2 * c + 1] * hr;                                     \
          }                                                                                           \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }                                                                                                   \
  static void nsc_adj_##S(const nsc_data *d, const T *H, const T *y, T *x) {                          \
    const int64_t n = d->n, in = d->inner, nh = d->nh, hh = nh / 2;                                   \
    for (int64_t o = 0; o < d->outer; o++) {                                                          \
      const T *yo = y + 2 * o * n * in;                                                               \
      T *xo = x + 2 * o * n * in;                                                                     \
      for (int64_t i = 0; i < n; i++) {                                                               \
        const int64_t klo = i < hh ? hh - i : 0, khi = i + hh >= n ? n - 1 - i + hh : nh - 1;         \
        const T *h = H + 2 * i * nh;                                                                  \
        T *xr = xo + 2 * i * in;                                                                      \
        for (int64_t c = 0; c < 2 * in; c++) xr[c] = 0;                                              \
        for (int64_t k = klo; k <= khi; k++) {                                                        \
          const T hr = h[2 * k], hi = -h[2 * k + 1], *yr = yo + 2 * (i - hh + k) * in;                \
          for (int64_t c = 0; c < in; c++) {                                                          \
            xr[2 * c] += hr * yr[2 * c] - hi * yr[2 * c + 1];                                         \
            xr[2 * c + 1] += hr * yr[2 * c + 1] + hi * yr[2 * c];                                     \
          }                                                                                           \
        }                                                                                             \
      }                                                                                               \
    }                                                                                                 \
  }

NSC_REAL(s, float)
NSC_REAL(d, double)
NSC_CPLX(c, float)
NSC_CPLX(z, double)

int dlops_nsc_run(const dlops_nsc *d, dlops_dtype t, int adj, const void *in, void *out) {
  switch (t) {
    case DLOPS_F32: adj ? nsc_adj_s(d, d->H, in, out) : nsc_fwd_s(d, d->H, in, out); break;
    case DLOPS_F64: adj ? nsc_adj_d(d, d->H, in, out) : nsc_fwd_d(d, d->H, in, out); break;
    case DLOPS_C64: adj ? nsc_adj_c(d, d->H, in, out) : nsc_fwd_c(d, d->H, in, out); break;
    default: adj ? nsc_adj_z(d, d->H, in, out) : nsc_fwd_z(d, d->H, in, out); break;
  }
  return DLOPS_SUCCESS;
}
static int nsc_apply(dlops_op A, dlops_darray x, dlops_darray y) { return dlops_nsc_run(A->data, A->dtype, 0, x->data, y->data); }
static int nsc_apply_adjoint(dlops_op A, dlops_darray y, dlops_darray x) {
  return dlops_nsc_run(A->data, A->dtype, 1, y->data, x->data);
}

void *dlops_nsc_interp(int64_t n, int64_t shift, int64_t nfilts, int64_t nh, const void *hs, int64_t oh, int64_t dh,
                       dlops_dtype t) {
  const int cplx = t == DLOPS_C64 || t == DLOPS_C128, sgl = t == DLOPS_F32 || t == DLOPS_C64;
  const int64_t m = (cplx ? 2 : 1) * nh; /* real values per filter */
  void *H = malloc(dlops_dtype_size(t) * (size_t)(n * nh > 0 ? n * nh : 1));
  if (!H) return NULL;
  for (int64_t i = 0; i < n; i++) {
    const double q = (double)(i + shift - oh) / (double)dh; /* numpy: (ix - oh) / dh */
    const int64_t c = (int64_t)floor(q);
    const int64_t lo = c < 0 ? 0 : c >= nfilts - 1 ? nfilts - 1 : c;
    const double w = q - (double)c;
    const int mix = c >= 0 && c < nfilts - 1;
    for (int64_t k = 0; k < m; k++) {
      if (sgl) {
        const float *h = hs;
        float v = h[lo * m + k];
        if (mix) v = (float)(1.0 - w) * h[c * m + k] + (float)w * h[(c + 1) * m + k];
        ((float *)H)[i * m + k] = v;
      } else {
        const double *h = hs;
        double v = h[lo * m + k];
        if (mix) v = (1.0 - w) * h[c * m + k] + w * h[(c + 1) * m + k];
        ((double *)H)[i * m + k] = v;
      }
    }
  }
  return H;
}

int dlops_op_create_nonstationary_convolve1d(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int64_t nfilts,
                                             int64_t nh, const void *hs, const int64_t *ih, dlops_dtype dtype,
                                             dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "nonstationary_convolve1d: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG,
                   "nonstationary_convolve1d: bad element type %d", (int)dtype);
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM && dims, ctx, err, DLOPS_ERR_ARG,
                   "nonstationary_convolve1d: ndim = %d must be in [1, %d] with non-null dims", ndim, DLOPS_MAX_NDIM);
  if (!err && axis < 0) axis += ndim;
  DLOPS_CHECK_COLL(err || (axis >= 0 && axis < ndim), ctx, err, DLOPS_ERR_ARG,
                   "nonstationary_convolve1d: axis out of range for %d dimensions", ndim);
  int64_t total = 1;
  for (int k = 0; k < ndim && !err; k++) {
    DLOPS_CHECK_COLL(dims[k] >= 0 && (dims[k] == 0 || total <= INT64_MAX / 16 / dims[k]), ctx, err, DLOPS_ERR_ARG,
                     "nonstationary_convolve1d: dims[%d] = %lld is negative or the model overflows a byte count", k,
                     (long long)dims[k]);
    if (!err) total *= dims[k];
  }
  DLOPS_CHECK_COLL(err || dims[axis] >= 1, ctx, err, DLOPS_ERR_ARG, "nonstationary_convolve1d: dims[axis] must be >= 1");
  DLOPS_CHECK_COLL(err || ctx->size == 1 || axis > 0, ctx, err, DLOPS_ERR_ARG,
                   "nonstationary_convolve1d: on %d ranks the model is split along axis 0, so the convolution axis "
                   "must be > 0 (or use a one-rank context)",
                   ctx->size);
  DLOPS_CHECK_COLL(nh >= 1 && nh % 2 == 1 && nh <= (1 << 24), ctx, err, DLOPS_ERR_ARG,
                   "nonstationary_convolve1d: the filters must have an odd length (nh = %lld; at most 2^24)",
                   (long long)nh);
  DLOPS_CHECK_COLL(nfilts >= 2 && nfilts <= (1 << 24), ctx, err, DLOPS_ERR_ARG,
                   "nonstationary_convolve1d: nfilts = %lld: need at least 2 filters (PyLops reads ih[1]; at most 2^24)",
                   (long long)nfilts);
  DLOPS_CHECK_COLL(hs && ih, ctx, err, DLOPS_ERR_ARG, "nonstationary_convolve1d: null filters hs or positions ih");
  const int64_t n = err ? 1 : dims[axis];
  if (!err) {
    const int64_t dh = ih[1] - ih[0];
    for (int64_t k = 0; k < nfilts && !err; k++) {
      DLOPS_CHECK_COLL(ih[k] >= 0 && ih[k] < n, ctx, err, DLOPS_ERR_ARG,
                       "nonstationary_convolve1d: ih[%lld] = %lld must be in [0, dims[axis] = %lld)", (long long)k,
                       (long long)ih[k], (long long)n);
      DLOPS_CHECK_COLL(err || k == 0 || (ih[k] - ih[k - 1] == dh && dh > 0), ctx, err, DLOPS_ERR_ARG,
                       "nonstationary_convolve1d: the filter positions ih must be regularly sampled and increasing "
                       "(ih[%lld] - ih[%lld] = %lld, ih[1] - ih[0] = %lld)",
                       (long long)k, (long long)k - 1, (long long)(ih[k] - ih[k - 1]), (long long)dh);
    }
  }
  uint64_t hash = 0;
  if (!err) {
    hash = dlops_op_hash_i64(0, ndim);
    for (int k = 0; k < ndim; k++) hash = dlops_op_hash_i64(hash, dims[k]);
    hash = dlops_op_hash_i64(hash, axis);
    hash = dlops_op_hash_i64(hash, nfilts);
    hash = dlops_op_hash_i64(hash, nh);
    for (int64_t k = 0; k < nfilts; k++) hash = dlops_op_hash_i64(hash, ih[k]);
    hash = dlops_op_hash_i64(hash, dtype);
  }
  err = dlops_op_agree(ctx, err, hash, DLOPS_ERR_ARG,
                       "nonstationary_convolve1d arguments (dims, axis, nfilts, nh, ih or dtype)");
  if (err) return err;
  nsc_data *d = calloc(1, sizeof *d);
  if (d) d->H = dlops_nsc_interp(n, 0, nfilts, nh, hs, ih[0], ih[1] - ih[0], dtype);
  err = d && d->H ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "nonstationary_convolve1d: cannot allocate the filters");
  int64_t rows = 0, nm = 0, gm = 1;
  dlops_darray dom = NULL, rng = NULL;
  if (!err) {
    dlops_nd_split(ctx, ndim, dims, &rows, NULL, &nm);
    for (int k = 0; k < ndim; k++) gm *= dims[k];
    d->n = n;
    d->nh = nh;
    d->outer = 1;
    d->inner = 1;
    for (int k = 0; k < axis; k++) d->outer *= k == 0 ? rows : dims[k];
    for (int k = axis + 1; k < ndim; k++) d->inner *= dims[k];
  }
  /* the vector creations are collective: every rank takes part (a failed one passes an error) */
  err = dlops_comm_agree(ctx->world, err);
  if (!err) err = dlops_op_vec1d(ctx, gm, nm, DLOPS_SCATTER, dtype, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, gm, nm, DLOPS_SCATTER, dtype, -1, &rng);
  if (!err) err = dlops_op_new("nonstationary_convolve1d", dom, rng, dtype, DLOPS_SPACES_HOST, A);
  err = dlops_comm_agree(ctx->world, err);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    if (A && *A) dlops_op_destroy(A);
    if (d) free(d->H);
    free(d);
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = nsc_destroy;
  (*A)->apply = nsc_apply;
  (*A)->apply_adjoint = nsc_apply_adjoint;
  (*A)->ndims = ndim;
  (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}
