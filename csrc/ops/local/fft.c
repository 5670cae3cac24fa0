/* One-dimensional FFT along one axis of an N-D model (PyLops' FFT, signal.h).
 *
 * The transform is a kernel of the memory space (dlops_mem_ops.fft_plan/fft, csrc/mem/fft.c with
 * FFTW on the host and the emulated device); the operator holds one plan, made at creation, and
 * its applies allocate nothing. Element types: the range is complex; the domain is dtype, or real
 * with real = 1, so the operator may be mixed (a real domain and a complex range: op.h), and then
 * its adjoint keeps the real part of the inverse transform, which is the adjoint for the real
 * inner product (PyLops' rmatvec does the same).
 *
 * On one rank any axis works. On P ranks the model is split along axis 0 (N-D axis-0 split) and
 * axis must be > 0, so every rank transforms its own rows: no communication. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../op_impl.h"

typedef struct {
  dlops_mem *m; /* the memory object the plan belongs to */
  void *plan;
} fft_data;

static void fft_destroy(dlops_op A) {
  fft_data *d = A->data;
  if (!d) return;
  if (d->plan) d->m->ops->fft_free(d->m, d->plan);
  free(d);
}

static int fft_fwd(dlops_op A, dlops_darray x, dlops_darray y) {
  fft_data *d = A->data;
  return x->m->ops->fft(x->m, d->plan, 0, x->dtype, x->data, y->dtype, y->data);
}

static int fft_adj(dlops_op A, dlops_darray y, dlops_darray x) {
  fft_data *d = A->data;
  return y->m->ops->fft(y->m, d->plan, 1, y->dtype, y->data, x->dtype, x->data);
}

static int is_real(dlops_dtype t) { return t == DLOPS_F32 || t == DLOPS_F64; }

int dlops_op_create_fft(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int64_t nfft, dlops_fft_norm norm,
                        int real, int ifftshift_before, int fftshift_after, dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "fft: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL((int)dtype >= 0 && (int)dtype < DLOPS_NUM_DTYPES, ctx, err, DLOPS_ERR_ARG, "fft: bad element type %d",
                   (int)dtype);
  DLOPS_CHECK_COLL(norm == DLOPS_FFT_ORTHO || norm == DLOPS_FFT_NONE || norm == DLOPS_FFT_ONE_OVER_N, ctx, err,
                   DLOPS_ERR_ARG, "fft: unknown norm %d (DLOPS_FFT_ORTHO, DLOPS_FFT_NONE or DLOPS_FFT_ONE_OVER_N)",
                   (int)norm);
  DLOPS_CHECK_COLL(ndim >= 1 && ndim <= DLOPS_MAX_NDIM && dims, ctx, err, DLOPS_ERR_ARG,
                   "fft: ndim = %d must be in [1, %d] with non-null dims", ndim, DLOPS_MAX_NDIM);
  if (!err && axis < 0) axis += ndim;
  DLOPS_CHECK_COLL(err || (axis >= 0 && axis < ndim), ctx, err, DLOPS_ERR_ARG, "fft: axis out of range for %d dimensions",
                   ndim);
  for (int k = 0; k < ndim && !err; k++)
    DLOPS_CHECK_COLL(dims[k] >= 0, ctx, err, DLOPS_ERR_ARG, "fft: dims[%d] = %lld is negative", k, (long long)dims[k]);
  DLOPS_CHECK_COLL(err || dims[axis] >= 1, ctx, err, DLOPS_ERR_ARG, "fft: dims[axis] must be >= 1");
  DLOPS_CHECK_COLL(err || ctx->size == 1 || axis > 0, ctx, err, DLOPS_ERR_ARG,
                   "fft: on %d ranks the model is split along axis 0, so the transform axis must be > 0 (or use a "
                   "one-rank context)",
                   ctx->size);
  dlops_mem *m = ctx->mems[ctx->mem];
  DLOPS_CHECK_COLL(err || (m->ops->fft_plan && m->ops->fft), ctx, err, DLOPS_ERR_UNSUPPORTED,
                   "fft: the %s memory space has no FFT in this version (create the operator on a context with "
                   "mem=host)",
                   m->ops->name);
  const int64_t n = err ? 1 : dims[axis];
  if (nfft <= 0) nfft = n;
  uint64_t hash = 0;
  if (!err) {
    hash = dlops_op_hash_i64(0, ndim);
    for (int k = 0; k < ndim; k++) hash = dlops_op_hash_i64(hash, dims[k]);
    const int64_t v[7] = {axis, nfft, norm, real != 0, ifftshift_before != 0, fftshift_after != 0, dtype};
    for (int k = 0; k < 7; k++) hash = dlops_op_hash_i64(hash, v[k]);
  }
  DLOPS_CALL(dlops_op_agree(ctx, err, hash, DLOPS_ERR_ARG,
                            "fft arguments (dims, axis, nfft, norm, real, shifts or dtype)"));
  /* types: complex data of dtype's precision; a real model with real = 1 or a real dtype */
  const int single = dtype == DLOPS_F32 || dtype == DLOPS_C64;
  const dlops_dtype tc = single ? DLOPS_C64 : DLOPS_C128, tr = single ? DLOPS_F32 : DLOPS_F64;
  const dlops_dtype tdom = real || is_real(dtype) ? tr : tc;
  dlops_mem_fft g = {0};
  g.n = n;
  g.nfft = nfft;
  g.real = real != 0;
  g.nf = g.real ? nfft / 2 + 1 : nfft;
  g.shift_in = ifftshift_before != 0;
  g.shift_out = fftshift_after != 0;
  g.scale = norm == DLOPS_FFT_ORTHO ? 1.0 / sqrt((double)nfft) : norm == DLOPS_FFT_ONE_OVER_N ? 1.0 / (double)nfft : 1.0;
  g.adj_scale = norm == DLOPS_FFT_NONE ? 1.0 : g.scale;
  int64_t dimsd[DLOPS_MAX_NDIM];
  memcpy(dimsd, dims, sizeof(int64_t) * (size_t)ndim);
  dimsd[axis] = g.nf;
  int64_t rows, nm, nd, gm = 1, gd = 1;
  dlops_nd_split(ctx, ndim, dims, &rows, NULL, &nm);
  dlops_nd_split(ctx, ndim, dimsd, NULL, NULL, &nd);
  for (int k = 0; k < ndim; k++) {
    gm *= dims[k];
    gd *= dimsd[k];
  }
  g.outer = 1;
  g.inner = 1;
  for (int k = 0; k < axis; k++) g.outer *= k == 0 ? rows : dims[k];
  for (int k = axis + 1; k < ndim; k++) g.inner *= dims[k];
  fft_data *d = calloc(1, sizeof *d);
  if (!d) err = DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "fft: cannot allocate operator data");
  dlops_darray dom = NULL, rng = NULL;
  if (!err) err = dlops_op_vec1d(ctx, gm, nm, DLOPS_SCATTER, tdom, -1, &dom);
  if (!err) err = dlops_op_vec1d(ctx, gd, nd, DLOPS_SCATTER, tc, -1, &rng);
  if (!err) {
    d->m = dom->m;
    err = d->m->ops->fft_plan(d->m, tc, &g, &d->plan);
  }
  if (!err) err = dlops_op_new("fft", dom, rng, tc, DLOPS_SPACES_ALL, A);
  err = dlops_comm_agree(ctx->world, err);
  dlops_darray_destroy(&dom);
  dlops_darray_destroy(&rng);
  if (err) {
    if (A && *A) {
      (*A)->data = d;
      (*A)->destroy = fft_destroy;
      dlops_op_destroy(A);
    } else if (d) {
      if (d->plan) d->m->ops->fft_free(d->m, d->plan);
      free(d);
    }
    return err;
  }
  (*A)->data = d;
  (*A)->destroy = fft_destroy;
  (*A)->apply = fft_fwd;
  /* log_view estimate: 5 nfft log2 nfft per complex transform (half for a real one) */
  (*A)->flops = (g.real ? 2.5 : 5.0) * (double)nfft * log2((double)(nfft > 1 ? nfft : 2)) * (double)g.outer *
                (double)g.inner;
  (*A)->apply_adjoint = fft_adj;
  (*A)->ndims = ndim;
  (*A)->ndimsd = ndim;
  memcpy((*A)->dims, dims, sizeof(int64_t) * (size_t)ndim);
  memcpy((*A)->dimsd, dimsd, sizeof(int64_t) * (size_t)ndim);
  return DLOPS_SUCCESS;
}

int dlops_fft_freqs(int64_t nfft, double sampling, int real, int fftshift_after, double *f, int64_t *nf) {
  DLOPS_CHECK(f && nf, NULL, DLOPS_ERR_ARG, "fft_freqs: null output pointer");
  DLOPS_CHECK(nfft >= 1, NULL, DLOPS_ERR_ARG, "fft_freqs: nfft = %lld must be >= 1", (long long)nfft);
  DLOPS_CHECK(isfinite(sampling) && sampling != 0.0, NULL, DLOPS_ERR_ARG,
              "fft_freqs: sampling %g must be finite and nonzero", sampling);
  const double df = 1.0 / ((double)nfft * sampling);
  const int64_t n = real ? nfft / 2 + 1 : nfft;
  /* numpy: fftfreq = [0, 1, ..., (n-1)/2, -(n/2), ..., -1] / (n d); rfftfreq = [0 .. n/2] / (n d) */
  for (int64_t j = 0; j < n; j++) {
    const int64_t q = fftshift_after ? (j + (n + 1) / 2) % n : j;
    const int64_t k = real || q <= (nfft - 1) / 2 ? q : q - nfft;
    f[j] = (double)k * df;
  }
  *nf = n;
  return DLOPS_SUCCESS;
}
