/* Post-stack linear modelling (PyLops PoststackLinearModelling, implicit form) and the Ricker
 * wavelet (pylops.utils.wavelets.ricker).
 *
 * The operator is the product W D of two existing operators: D, the first derivative along the
 * time axis (sampling 1, order 3, no edge stencils: PyLops' FirstDerivative(axis=0, sampling=1,
 * kind=kind) with edge=False), and W, the convolution with the wavelet centred at nwav / 2
 * (Convolve1D(h=wav, offset=len(wav)//2)). Its applies are exactly those of the product a user
 * would build (validation/ops/test_poststack checks that, bit for bit), so every memory space,
 * backend and kernel of the two carries over; this file only checks, agrees and composes. */
#include <math.h>
#include <stdlib.h>

#include "../op_impl.h"

int dlops_op_create_poststack(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int nwav, const double *wav,
                              dlops_deriv_kind kind, dlops_dtype dtype, dlops_op *A) {
  DLOPS_OP_CTX_ENTRY(ctx);
  int err = 0;
  DLOPS_CHECK_COLL(A, ctx, err, DLOPS_ERR_ARG, "poststack: null output operator pointer");
  if (A) *A = NULL;
  DLOPS_CHECK_COLL(kind == DLOPS_DERIV_CENTERED || kind == DLOPS_DERIV_FORWARD, ctx, err, DLOPS_ERR_ARG,
                   "poststack: derivative kind %d: PyLops' PoststackLinearModelling takes centered or forward",
                   (int)kind);
  DLOPS_CHECK_COLL(nwav >= 1 && wav, ctx, err, DLOPS_ERR_ARG, "poststack: need a non-empty wavelet (nwav = %d)", nwav);
  for (int k = 0; !err && k < nwav; k++)
    DLOPS_CHECK_COLL(isfinite(wav[k]), ctx, err, DLOPS_ERR_ARG, "poststack: wavelet value %d is not finite", k);
  /* every rank must model with the same wavelet and kind (dims, axis and dtype are agreed by the
   * two creators below) */
  uint64_t hash = 0;
  if (!err) {
    hash = dlops_op_hash_i64(hash, kind);
    hash = dlops_op_hash_i64(hash, nwav);
    for (int k = 0; k < nwav; k++) hash = dlops_op_hash_f64(hash, wav[k]);
  }
  err = dlops_op_agree(ctx, err, hash, DLOPS_ERR_ARG, "poststack arguments (kind or wavelet)");
  if (err) return err;
  /* the filter in dtype: real values, imaginary parts zero for complex types */
  const size_t es = dlops_dtype_size(dtype);
  void *h = es ? calloc((size_t)nwav, es) : NULL;
  for (int k = 0; h && k < nwav; k++) {
    switch (dtype) {
      case DLOPS_F32: ((float *)h)[k] = (float)wav[k]; break;
      case DLOPS_C64: ((float *)h)[2 * k] = (float)wav[k]; break;
      case DLOPS_C128: ((double *)h)[2 * k] = wav[k]; break;
      default: ((double *)h)[k] = wav[k]; break;
    }
  }
  /* a bad dtype leaves h NULL on every rank alike: the derivative's own check reports it first */
  dlops_op D = NULL, W = NULL;
  err = dlops_op_create_first_derivative(ctx, ndim, dims, axis, 1.0, kind, 3, 0, dtype, &D);
  if (!err)
    err = dlops_ctx_agree(ctx, h || !es ? 0 : DLOPS_ERROR(ctx, DLOPS_ERR_MEM, "poststack: cannot allocate the wavelet"),
                          0, NULL);
  if (!err) err = dlops_op_create_convolve1d(ctx, ndim, dims, axis, h, nwav, nwav / 2, dtype, &W);
  if (!err) err = dlops_op_create_product(W, D, A);
  free(h);
  dlops_op_destroy(&W);
  dlops_op_destroy(&D);
  return err;
}

int dlops_wavelet_ricker(int nt, double dt, double f0, double *w, int *nw) {
  DLOPS_CHECK(w && nw, NULL, DLOPS_ERR_ARG, "ricker: null output (w or nw)");
  DLOPS_CHECK(nt >= 1 && nt <= (1 << 30), NULL, DLOPS_ERR_ARG, "ricker: nt = %d must be in [1, 2^30]", nt);
  DLOPS_CHECK(isfinite(dt) && dt > 0.0, NULL, DLOPS_ERR_ARG, "ricker: dt = %g must be finite and > 0", dt);
  DLOPS_CHECK(isfinite(f0) && f0 >= 0.0, NULL, DLOPS_ERR_ARG, "ricker: f0 = %g must be finite and >= 0", f0);
  const int n = nt % 2 == 0 ? nt - 1 : nt; /* PyLops' _tcrop: an even time axis loses its last sample */
  const double pi = 3.141592653589793;     /* np.pi, the double nearest to pi */
  const double a = pi * f0;                /* numpy: (np.pi * f0 * t) ** 2, t = k * dt */
  for (int k = 0; k < n; k++) {
    const double x = a * ((double)k * dt), s = x * x, v = (1.0 - 2.0 * s) * exp(-s);
    w[n - 1 + k] = v;
    w[n - 1 - k] = v;
  }
  *nw = 2 * n - 1;
  return DLOPS_SUCCESS;
}
