/* The FFT operator (dlops_op_create_fft, labels ops, dottest) and dlops_fft_freqs:
 *   - forward and adjoint against a dense matrix built from a naive DFT with PyLops' rules
 *     (ifftshift of the model, zero padding or truncation to nfft, the norm's factor, sqrt(2) on
 *     the bins 1..(nfft-1)/2 of a real transform, fftshift of the data); the adjoint reference is
 *     the conjugate transpose, real part for a real model;
 *   - every dtype (f32, f64: real model, complex data; c64, c128 with real = 0 and 1), the three
 *     norms, nfft equal to, above and below dims[axis], even and odd, both shifts, the transform
 *     on the first, a middle and the last axis (axes > 0 on several ranks);
 *   - the element types the operator reports, and dot tests;
 *   - dlops_fft_freqs against numpy's fftfreq/rfftfreq formulas;
 *   - bad input, the same error on every rank (one rank passing another nfft included).
 * PyLops itself is compared in ops.fft_pylops (fft_parity.py). */
#include "ops_test_util.h"

static int rank_, size_;

static void one_case(dlops_ctx ctx, int ndim, const int64_t *dims, int axis, int64_t nfft, int norm, int real, int sin,
                     int sout, dlops_dtype t) {
  const int ax = axis < 0 ? axis + ndim : axis; /* the operator takes the negative form */
  char label[160];
  snprintf(label, sizeof label, "fft ndim=%d axis=%d n=%lld nfft=%lld norm=%d real=%d shifts=%d%d %s", ndim, axis,
           (long long)dims[ax], (long long)nfft, norm, real, sin, sout, dlops_dtype_name(t));
  dlops_op A = NULL;
  int err = dlops_op_create_fft(ctx, ndim, dims, axis, nfft, (dlops_fft_norm)norm, real, sin, sout, t, &A);
  T_CHECK(err == DLOPS_SUCCESS, "%s: create returned %d: %s", label, err, dlops_last_error());
  if (err) return;
  const int single = t == DLOPS_F32 || t == DLOPS_C64;
  const dlops_dtype tc = single ? DLOPS_C64 : DLOPS_C128;
  const dlops_dtype td = (real || !is_cplx(t)) ? (single ? DLOPS_F32 : DLOPS_F64) : tc;
  dlops_dtype gd, gr, gc;
  T_CALL(dlops_op_get_dtypes(A, &gd, &gr));
  T_CALL(dlops_op_get_dtype(A, &gc));
  T_CHECK(gd == td && gr == tc && gc == tc, "%s: types (%d -> %d, compute %d), want (%d -> %d, %d)", label, gd, gr, gc,
          td, tc, tc);
  if (nfft <= 0) nfft = dims[ax];
  line_t L = {dims[ax], nfft, real ? nfft / 2 + 1 : nfft, real, sin, sout, norm};
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < ax; k++) outer *= dims[k];
  for (int k = ax + 1; k < ndim; k++) inner *= dims[k];
  const int64_t nc = outer * L.n * inner, nr = outer * L.nf * inner;
  int nd = 0;
  int64_t dd[DLOPS_MAX_NDIM];
  T_CALL(dlops_op_get_dimsd(A, &nd, dd));
  T_CHECK(nd == ndim && dd[ax] == L.nf, "%s: dimsd[axis] = %lld, want %lld", label, (long long)dd[ax],
          (long long)L.nf);
  /* dense matrix, nr x nc, column by column from unit lines */
  zval *M = calloc((size_t)(nr * nc), sizeof(zval)), *e = calloc((size_t)L.n, sizeof(zval)),
       *col = calloc((size_t)L.nf, sizeof(zval));
  for (int64_t k = 0; k < L.n; k++) {
    memset(e, 0, sizeof(zval) * (size_t)L.n);
    e[k] = 1.0;
    ref_line(&L, e, col);
    for (int64_t o = 0; o < outer; o++)
      for (int64_t i = 0; i < inner; i++)
        for (int64_t j = 0; j < L.nf; j++) M[((o * L.nf + j) * inner + i) * nc + (o * L.n + k) * inner + i] = col[j];
  }
  /* forward */
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, &x, &y));
  zval *xz = calloc((size_t)nc, sizeof(zval)), *yz = calloc((size_t)nr, sizeof(zval));
  zval *ref = calloc((size_t)(nr > nc ? nr : nc), sizeof(zval)), *got = calloc((size_t)(nr > nc ? nr : nc), sizeof(zval));
  void *xb = rand_buf(nc, td, 101, xz), *yb = rand_buf(nr, tc, 202, yz);
  void *out = malloc((size_t)(nr > nc ? nr : nc) * 16);
  T_CALL(dlops_darray_scatter(x, xb, -1));
  T_CALL(dlops_op_apply(A, x, y));
  T_CALL(dlops_darray_gather(y, out, -1));
  zgemv_ref(M, nr, nc, xz, ref, 0);
  for (int64_t i = 0; i < nr; i++) got[i] = zget(out, tc, i);
  double er = zrelerr(got, ref, nr);
  T_CHECK(er <= res_tol(tc), "%s: forward relative error %.3e", label, er);
  /* adjoint: conjugate transpose, real part for a real model */
  T_CALL(dlops_darray_scatter(y, yb, -1));
  T_CALL(dlops_op_apply_adjoint(A, y, x));
  T_CALL(dlops_darray_gather(x, out, -1));
  zgemv_ref(M, nr, nc, yz, ref, 1);
  if (!is_cplx(td))
    for (int64_t i = 0; i < nc; i++) ref[i] = creal(ref[i]);
  for (int64_t i = 0; i < nc; i++) got[i] = zget(out, td, i);
  er = zrelerr(got, ref, nc);
  T_CHECK(er <= res_tol(tc), "%s: adjoint relative error %.3e", label, er);
  int ok = 0;
  double rel = -1;
  T_CALL(dlops_op_dottest(A, dot_tol(tc), 7, &ok, &rel));
  T_CHECK(ok, "%s: dot test failed (relative error %.3e)", label, rel);
  free(M);
  free(e);
  free(col);
  free(xz);
  free(yz);
  free(ref);
  free(got);
  free(xb);
  free(yb);
  free(out);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

static void test_values(dlops_ctx ctx) {
  /* one rank: any axis; several: axis > 0 */
  const int64_t d1[1] = {7}, d2[2] = {4, 6}, d3[3] = {3, 8, 5};
  const int64_t nffts[3] = {0, 3, -2}; /* dims[axis] + this, 0 meaning the default */
  for (int c = 0; c < 4; c++) {
    const dlops_dtype t = all_dtypes[c];
    for (int real = 0; real <= 1; real++)
      for (int norm = 0; norm < 3; norm++)
        for (int q = 0; q < 3; q++) {
          const int sin = (norm + q) % 2, sout = (norm + q + real) % 3 == 0;
          if (size_ == 1) {
            one_case(ctx, 1, d1, 0, q ? 7 + nffts[q] : 0, norm, real, sin, sout, t);
          }
          one_case(ctx, 3, d3, 1, q ? 8 + nffts[q] : 0, norm, real, sin, sout, t);
          one_case(ctx, 2, d2, -1, q ? 6 + nffts[q] : 0, norm, real, !sin, sout, t);
          if (norm == 0 && q == 0) one_case(ctx, 3, d3, 2, 5, norm, real, sin, !sout, t);
        }
  }
}

static void test_freqs(void) {
  const struct { int64_t n; double d; int real, shift; } cs[] = {{8, 0.5, 0, 0}, {7, 0.004, 0, 0}, {8, 1.0, 1, 0},
                                                                 {9, 2.0, 1, 0}, {8, 1.0, 0, 1}, {7, 0.1, 0, 1}};
  for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
    double f[16], want[16];
    int64_t nf = -1, n = cs[c].n;
    T_CALL(dlops_fft_freqs(n, cs[c].d, cs[c].real, cs[c].shift, f, &nf));
    int64_t m = cs[c].real ? n / 2 + 1 : n;
    T_CHECK(nf == m, "fft_freqs: %lld values, want %lld", (long long)nf, (long long)m);
    /* numpy's fftfreq: [0..(n-1)/2, -(n/2)..-1] / (n d); rfftfreq: [0..n/2] / (n d) */
    double tmp[16];
    for (int64_t j = 0; j < m; j++) tmp[j] = (double)(cs[c].real || j <= (n - 1) / 2 ? j : j - n) / ((double)n * cs[c].d);
    /* numpy's fftshift: roll by m/2 */
    for (int64_t j = 0; j < m; j++) want[(j + m / 2) % m] = tmp[j];
    if (!cs[c].shift) memcpy(want, tmp, sizeof(double) * (size_t)m);
    int bad = 0;
    for (int64_t j = 0; j < m && nf == m; j++) bad += fabs(f[j] - want[j]) > 1e-15 * (1 + fabs(want[j]));
    T_CHECK(!bad, "fft_freqs case %zu: %d values differ", c, bad);
  }
  double f[4] = {9, 9, 9, 9};
  int64_t nf = 5;
  T_EXPECT_ERR(dlops_fft_freqs(0, 1.0, 0, 0, f, &nf), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_fft_freqs(4, 0.0, 0, 0, f, &nf), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_fft_freqs(4, NAN, 0, 0, f, &nf), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_fft_freqs(4, 1.0, 0, 0, NULL, &nf), DLOPS_ERR_ARG);
  T_CHECK(f[0] == 9 && nf == 5, "fft_freqs wrote on bad input");
}

static void test_bad(dlops_ctx ctx) {
  const int64_t d[2] = {4, 6}, dneg[2] = {4, -1}, d0[2] = {4, 0};
  dlops_op A = NULL;
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 1, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, NULL, 1, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 2, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 1, 0, (dlops_fft_norm)7, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 1, 0, DLOPS_FFT_ORTHO, 0, 0, 0, (dlops_dtype)9, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, dneg, 0, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d0, 1, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_create_fft(ctx, 0, d, 0, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
  if (size_ > 1) {
    T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 0, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A), DLOPS_ERR_ARG);
    /* one rank passes another nfft, or another flag: the same error everywhere */
    T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 1, rank_ == size_ - 1 ? 8 : 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, d, 1, 0, DLOPS_FFT_ORTHO, rank_ == 1, 0, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
    /* a bad value on one rank only */
    T_EXPECT_ERR(dlops_op_create_fft(ctx, 2, rank_ == 1 ? dneg : d, 1, 0, DLOPS_FFT_ORTHO, 0, 0, 0, DLOPS_F64, &A),
                 DLOPS_ERR_ARG);
  }
  T_CHECK(A == NULL, "a refused creation wrote its output");
  /* vectors of the wrong type */
  T_CALL(dlops_op_create_fft(ctx, 2, d, 1, 0, DLOPS_FFT_ORTHO, 1, 0, 0, DLOPS_F64, &A));
  dlops_darray x = NULL, y = NULL;
  T_CALL(dlops_op_create_vecs(A, NULL, &y));
  T_CALL(dlops_op_create_vecs(A, &x, NULL));
  T_EXPECT_ERR(dlops_op_apply(A, y, y), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_op_apply_adjoint(A, x, x), DLOPS_ERR_ARG);
  dlops_darray_destroy(&x);
  dlops_darray_destroy(&y);
  dlops_op_destroy(&A);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  test_values(ctx);
  test_freqs();
  test_bad(ctx);
  return dlops_test_finish(ctx);
}
